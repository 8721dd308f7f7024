import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { slotsByDate } from './layout';
import type { FreeSlot } from './scheduleApi';
import { longDateLabel, timeLabel, whenLabel } from './time';

/** Found free times, grouped by the clinic's date; each is a button that books (or moves a visit to) it. */
export function SlotList({
  slots,
  timeZone,
  scheduleLabel,
  busy,
  actionWord,
  empty,
  onChoose,
}: {
  slots: FreeSlot[];
  timeZone: string;
  scheduleLabel: (scheduleId: string) => string;
  busy: boolean;
  actionWord: string;
  empty: string;
  onChoose: (slot: FreeSlot) => void;
}) {
  if (slots.length === 0) {
    return (
      <Text size="sm" c="dark.6" role="status">
        {empty}
      </Text>
    );
  }
  return (
    <Stack gap="xs" role="region" aria-label="Free times">
      <Text size="sm" c="dark.6" role="status">
        {slots.length} free {slots.length === 1 ? 'time' : 'times'}; choose one to {actionWord.toLowerCase()}{' '}
        it.
      </Text>
      {slotsByDate(slots, timeZone).map((group) => (
        <Stack key={group.date} gap={4}>
          <Title order={3} size="sm">
            {longDateLabel(group.date)}
          </Title>
          <Group gap={6}>
            {group.slots.map((slot) => {
              const who = slot.practitioner?.name ?? scheduleLabel(slot.scheduleId);
              return (
                <Button
                  key={`${slot.scheduleId}-${slot.start}`}
                  size="compact-sm"
                  variant="light"
                  disabled={busy}
                  aria-label={`${actionWord} ${whenLabel(slot.start, timeZone)} with ${who}`}
                  onClick={() => onChoose(slot)}
                >
                  {timeLabel(slot.start, timeZone)} · {who}
                </Button>
              );
            })}
          </Group>
        </Stack>
      ))}
    </Stack>
  );
}
