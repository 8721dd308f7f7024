import { Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { visitPatientName } from './layout';
import {
  rescheduleAppointment,
  type BookedVisit,
  type ScheduleSetup,
  type WaitlistOffer,
} from './scheduleApi';
import { whenLabel } from './time';

const FIELDS = ['scheduleId', 'start', 'overbook'] as const;

/** Confirms a visit dragged to another time or column before anything is saved. */
export function MoveDialog({
  visit,
  target,
  setup,
  canOverbook,
  onClose,
  onDone,
}: {
  visit: BookedVisit;
  target: { scheduleId: string; start: string };
  setup: ScheduleSetup;
  canOverbook: boolean;
  onClose: () => void;
  onDone: (message: string, offers: WaitlistOffer[]) => void;
}) {
  const timeZone = setup.timeZone;
  const [overbook, setOverbook] = useState(false);
  const [overbookReason, setOverbookReason] = useState('');
  const [missing, setMissing] = useState<string>();
  const move = useAction(rescheduleAppointment);
  const name = visit.patient ? visitPatientName(visit.patient) : 'this patient';
  const label = (id: string) => setup.schedules.find((s) => s.id === id)?.label ?? 'Schedule';

  async function confirm() {
    if (overbook && !overbookReason.trim()) {
      setMissing('Say why this visit is overbooked.');
      return;
    }
    setMissing(undefined);
    const result = await move.run(visit.id, {
      scheduleId: target.scheduleId,
      start: target.start,
      overbook: overbook ? { reason: overbookReason.trim() } : undefined,
    });
    if (result.ok) {
      onDone(
        `Moved ${name} to ${whenLabel(target.start, timeZone)} with ${label(target.scheduleId)}.`,
        result.value.offers ?? []
      );
    }
  }

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened
      onClose={onClose}
      title="Move the appointment?"
    >
      <Stack gap="sm">
        <Text size="sm">
          Move <b>{name}</b> ({visit.visitType.display}) from {whenLabel(visit.start, timeZone)} with{' '}
          {label(visit.scheduleId)} to <b>{whenLabel(target.start, timeZone)}</b> with{' '}
          <b>{label(target.scheduleId)}</b>?
        </Text>
        <FormErrors error={move.error} fields={FIELDS} />
        {fieldErrorMessage(move.error, ['start', 'scheduleId']) && (
          <Text size="sm" c="red.9" role="alert">
            {fieldErrorMessage(move.error, ['start', 'scheduleId'])}
          </Text>
        )}
        {canOverbook && (
          <>
            <Checkbox
              label="Overbook (beyond open times or on top of another visit)"
              checked={overbook}
              onChange={(event) => setOverbook(event.currentTarget.checked)}
            />
            {overbook && (
              <TextInput
                label="Reason for overbooking"
                required
                value={overbookReason}
                onChange={(event) => setOverbookReason(event.currentTarget.value)}
                error={missing ?? fieldErrorMessage(move.error, 'overbook')}
              />
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it where it is
          </Button>
          <Button onClick={() => void confirm()} loading={move.pending} data-autofocus>
            Move appointment
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
