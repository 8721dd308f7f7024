import { Anchor, Checkbox, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconCircle, IconCircleCheck } from '@tabler/icons-react';
import {
  ITEM_SECTION,
  mayTick,
  progressOf,
  sectionAnchor,
  tickedByHand,
  type ScreenChecklistItem,
} from './screenModel';

/**
 * The visit's checklist (left, sticky): each item done or open with what is there or missing, a link to the
 * section where it is done, and a tick by hand for the items the server allows it for ("no pharmacy"). A done
 * item the provider must read (a refused consent) shows an orange mark instead of the green check.
 */
export function ChecklistCard({
  items,
  busyItem,
  onTick,
}: {
  items: ScreenChecklistItem[];
  /** The item whose tick is being saved. */
  busyItem: string | undefined;
  onTick?: (item: ScreenChecklistItem, checked: boolean) => void;
}) {
  const progress = progressOf(items);
  return (
    <Paper p="sm" withBorder style={{ position: 'sticky', top: 'var(--mantine-spacing-md)' }}>
      <Stack gap="xs">
        <Title order={2} size="h4" id="rooming-checklist-title">
          Checklist
        </Title>
        <Progress
          value={progress.percent}
          color={progress.done === progress.total ? 'green' : 'indigo'}
          aria-label="Rooming progress"
        />
        <Text size="sm" role="status" aria-live="polite">
          {progress.done} of {progress.total} done
        </Text>
        <ul aria-labelledby="rooming-checklist-title" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {items.map((item) => {
            const section = ITEM_SECTION[item.id];
            return (
              <li key={item.id} data-item={item.id} data-done={item.done} style={{ padding: '4px 0' }}>
                <Group gap={6} wrap="nowrap" align="flex-start">
                  {item.done && item.attention ? (
                    <IconAlertCircle size={18} color="var(--mantine-color-orange-9)" aria-hidden />
                  ) : item.done ? (
                    <IconCircleCheck size={18} color="var(--mantine-color-green-8)" aria-hidden />
                  ) : (
                    <IconCircle size={18} color="var(--mantine-color-gray-6)" aria-hidden />
                  )}
                  <Stack gap={0} style={{ flex: 1 }}>
                    <Text size="sm" fw={500}>
                      {section ? (
                        <Anchor href={`#${sectionAnchor(section)}`} inherit>
                          {item.label}
                        </Anchor>
                      ) : (
                        item.label
                      )}
                      <span className="visually-hidden">
                        {item.done && item.attention
                          ? ': done, see detail'
                          : item.done
                            ? ': done'
                            : ': to do'}
                      </span>
                    </Text>
                    {item.detail && (
                      <Text size="xs" c="dimmed">
                        {item.detail}
                      </Text>
                    )}
                    {onTick && mayTick(item) && (
                      <Checkbox
                        size="xs"
                        mt={2}
                        label={tickedByHand(item) ? 'Done by hand' : 'Mark done'}
                        aria-label={`${item.label}: mark done by hand`}
                        checked={tickedByHand(item)}
                        disabled={busyItem === item.id}
                        onChange={(event) => onTick(item, event.currentTarget.checked)}
                      />
                    )}
                  </Stack>
                </Group>
              </li>
            );
          })}
        </ul>
      </Stack>
    </Paper>
  );
}
