import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertCircle, IconSearch } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { FhirError } from '../fhir/FhirError';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { schedulesFor } from './BookDialog';
import { visitPatientName } from './layout';
import { SlotList } from './SlotList';
import {
  findSlots,
  rescheduleAppointment,
  type BookedVisit,
  type FreeSlot,
  type ScheduleSetup,
  type TimeOfDay,
  type WaitlistOffer,
} from './scheduleApi';
import { addDays, whenLabel } from './time';

const FIELDS = [
  'scheduleId',
  'start',
  'practitioners',
  'from',
  'to',
  'timeOfDay',
  'visitType',
  'location',
] as const;

/**
 * Moving a visit with the keyboard (or when the time is not on screen): find free times for the same visit
 * type and choose one. The server keeps the same Appointment, frees the old time and may offer it to the
 * waitlist. A time taken meanwhile (409) shows the server's message and the slots are found again.
 */
export function RescheduleDialog({
  visit,
  setup,
  location,
  today,
  onClose,
  onDone,
}: {
  visit: BookedVisit;
  setup: ScheduleSetup;
  location: string;
  today: string;
  onClose: () => void;
  onDone: (message: string, offers: WaitlistOffer[]) => void;
}) {
  const timeZone = setup.timeZone;
  const type = setup.visitTypes.find((v) => v.code === visit.visitType.code);
  const current = setup.schedules.find((s) => s.id === visit.scheduleId);
  const providerOptions = [
    ...new Map(
      schedulesFor(setup, type)
        .filter((s) => s.practitioner)
        .map((s) => [s.practitioner?.id ?? '', s.practitioner?.name ?? ''])
    ),
  ].map(([value, label]) => ({ value, label }));
  const [practitioners, setPractitioners] = useState<string[]>(
    current?.practitioner ? [current.practitioner.id] : []
  );
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(addDays(today, 14));
  const [timeOfDay, setTimeOfDay] = useState<TimeOfDay>('any');
  const [slots, setSlots] = useState<FreeSlot[]>();
  const [conflict, setConflict] = useState<string>();
  const find = useAction(findSlots);
  const move = useAction(rescheduleAppointment);
  const name = visit.patient ? visitPatientName(visit.patient) : 'this patient';
  const scheduleLabel = (id: string) => setup.schedules.find((s) => s.id === id)?.label ?? 'Schedule';

  async function runFind() {
    setConflict(undefined);
    const result = await find.run({
      visitType: visit.visitType.code,
      practitioners: practitioners.length > 0 ? practitioners : undefined,
      location,
      from,
      to,
      timeOfDay,
      limit: 40,
    });
    setSlots(result.ok ? result.value.filter((s) => s.start !== visit.start) : undefined);
  }

  async function choose(slot: FreeSlot) {
    const result = await move.run(visit.id, { scheduleId: slot.scheduleId, start: slot.start });
    if (result.ok) {
      onDone(
        `Moved ${name} to ${whenLabel(slot.start, timeZone)} with ${scheduleLabel(slot.scheduleId)}.`,
        result.value.offers ?? []
      );
    } else if (result.error instanceof FhirError && result.error.status === 409) {
      setConflict(result.error.message);
      move.reset();
      await runFind();
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void runFind();
  }

  const error = move.error ?? find.error;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened
      onClose={onClose}
      title="Reschedule the appointment"
      size="xl"
    >
      <form onSubmit={onSubmit} noValidate aria-label="Reschedule the appointment">
        <Stack gap="sm">
          <Text size="sm">
            <b>{name}</b> · {visit.visitType.display} · now {whenLabel(visit.start, timeZone)} with{' '}
            {scheduleLabel(visit.scheduleId)}
          </Text>
          <FormErrors error={error} fields={FIELDS} />
          {conflict && (
            <Alert
              color="orange"
              variant="light"
              role="alert"
              icon={<IconAlertCircle size={18} aria-hidden />}
            >
              {conflict} The free times below have been found again.
            </Alert>
          )}
          <Group grow align="flex-end">
            <MultiSelect
              label="Provider(s)"
              placeholder={practitioners.length ? undefined : 'Any provider'}
              data={providerOptions}
              value={practitioners}
              onChange={setPractitioners}
              clearable
              error={fieldErrorMessage(error, 'practitioners')}
            />
            <TextInput
              type="date"
              label="From"
              value={from}
              min={today}
              onChange={(event) => setFrom(event.currentTarget.value)}
              error={fieldErrorMessage(error, 'from')}
            />
            <TextInput
              type="date"
              label="To"
              value={to}
              min={from}
              onChange={(event) => setTo(event.currentTarget.value)}
              error={fieldErrorMessage(error, 'to')}
            />
          </Group>
          <Group justify="space-between" align="flex-end">
            <Stack gap={4}>
              <Text size="sm" fw={500} id="move-time-of-day">
                Time of day
              </Text>
              <SegmentedControl
                aria-labelledby="move-time-of-day"
                value={timeOfDay}
                onChange={(value) => setTimeOfDay(value)}
                data={[
                  { value: 'any', label: 'Any' },
                  { value: 'morning', label: 'Morning' },
                  { value: 'afternoon', label: 'Afternoon' },
                ]}
              />
            </Stack>
            <Group>
              <Button variant="default" onClick={onClose}>
                Close
              </Button>
              <Button type="submit" leftSection={<IconSearch size={16} aria-hidden />} loading={find.pending}>
                Find times
              </Button>
            </Group>
          </Group>
          {slots && (
            <SlotList
              slots={slots}
              timeZone={timeZone}
              scheduleLabel={scheduleLabel}
              busy={move.pending}
              actionWord="Move to"
              empty="No free times match. Widen the dates or providers."
              onChoose={(slot) => void choose(slot)}
            />
          )}
        </Stack>
      </form>
    </Modal>
  );
}
