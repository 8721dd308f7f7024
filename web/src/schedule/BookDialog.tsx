import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  Paper,
  SegmentedControl,
  Select,
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
import { PatientPicker, type ChosenPatient } from './PatientPicker';
import { SlotList } from './SlotList';
import {
  addToWaitlist,
  bookAppointment,
  findSlots,
  type FreeSlot,
  type ScheduleInfo,
  type ScheduleSetup,
  type TimeOfDay,
  type VisitTypeInfo,
} from './scheduleApi';
import { addDays, localTimeOf, whenLabel } from './time';

const FIELDS = [
  'patientId',
  'visitType',
  'scheduleId',
  'start',
  'reason',
  'overbook',
  'practitioners',
  'from',
  'to',
  'timeOfDay',
  'location',
  'note',
] as const;

/** What a booking starts from: an empty cell (schedule and time), or a waitlist offer (patient too). */
export interface BookingPrefill {
  scheduleId?: string;
  start?: string;
  patient?: ChosenPatient;
  visitType?: string;
}

/** The schedules that offer a visit type: a provider's for provider visits, the nurse line for nurse visits. */
export function schedulesFor(setup: ScheduleSetup, visitType: VisitTypeInfo | undefined): ScheduleInfo[] {
  if (!visitType) return setup.schedules;
  return setup.schedules.filter((s) =>
    s.nurseLine ? visitType.performers.includes('nurse') : visitType.performers.includes('provider')
  );
}

function defaultVisitType(setup: ScheduleSetup, scheduleId: string | undefined): string | undefined {
  const schedule = setup.schedules.find((s) => s.id === scheduleId);
  const wanted = schedule?.nurseLine ? 'nurse' : 'provider';
  const fits = setup.visitTypes.filter((v) => v.performers.includes(wanted));
  return (fits.find((v) => v.code === 'follow-up') ?? fits[0] ?? setup.visitTypes[0])?.code;
}

/** A 409 is "that time was just taken": said as the server says it, with fresh slots. */
function isConflict(error: unknown): error is FhirError {
  return error instanceof FhirError && error.status === 409;
}

/**
 * Booking: the patient (two identifiers), visit type, provider(s), dates and time of day; "Find times" lists
 * free slots and choosing one books it. From an empty cell the chosen time can be booked directly. A time
 * taken meanwhile (409) shows the server's message and the slots are found again. Users who may overbook
 * can book beyond availability with a reason; when nothing suits, the patient can go on the waitlist.
 */
export function BookDialog({
  opened,
  onClose,
  setup,
  location,
  today,
  prefill,
  canOverbook,
  onDone,
}: {
  opened: boolean;
  onClose: () => void;
  setup: ScheduleSetup;
  location: string;
  today: string;
  prefill: BookingPrefill;
  canOverbook: boolean;
  onDone: (message: string) => void;
}) {
  const timeZone = setup.timeZone;
  const [patient, setPatient] = useState<ChosenPatient | undefined>(prefill.patient);
  const [visitType, setVisitType] = useState<string | null>(
    prefill.visitType ?? defaultVisitType(setup, prefill.scheduleId) ?? null
  );
  const prefilledPractitioner = setup.schedules.find((s) => s.id === prefill.scheduleId)?.practitioner?.id;
  const [practitioners, setPractitioners] = useState<string[]>(
    prefilledPractitioner ? [prefilledPractitioner] : []
  );
  const startDate = prefill.start ? localTimeOf(prefill.start, timeZone).date : today;
  const [from, setFrom] = useState(startDate < today ? today : startDate);
  const [to, setTo] = useState(addDays(startDate < today ? today : startDate, 14));
  const [timeOfDay, setTimeOfDay] = useState<TimeOfDay>('any');
  const [reason, setReason] = useState('');
  const [overbook, setOverbook] = useState(false);
  const [overbookReason, setOverbookReason] = useState('');
  const [slots, setSlots] = useState<FreeSlot[]>();
  const [conflict, setConflict] = useState<string>();
  const [missing, setMissing] = useState<Record<string, string>>({});
  const find = useAction(findSlots);
  const book = useAction(bookAppointment);
  const waitlist = useAction(addToWaitlist);

  const type = setup.visitTypes.find((v) => v.code === visitType);
  const candidates = schedulesFor(setup, type);
  const providerOptions = [
    ...new Map(
      candidates
        .filter((s) => s.practitioner)
        .map((s) => [s.practitioner?.id ?? '', s.practitioner?.name ?? ''])
    ),
  ].map(([value, label]) => ({ value, label }));
  const scheduleLabel = (id: string) => setup.schedules.find((s) => s.id === id)?.label ?? 'Schedule';

  function findRequest() {
    return {
      visitType: visitType ?? '',
      practitioners: practitioners.length > 0 ? practitioners : undefined,
      location,
      from,
      to,
      timeOfDay,
      limit: 40,
    };
  }

  async function runFind() {
    setConflict(undefined);
    if (!visitType) {
      setMissing({ visitType: 'Choose the visit type.' });
      return;
    }
    setMissing({});
    const result = await find.run(findRequest());
    setSlots(result.ok ? result.value : undefined);
  }

  function checkBooking(): boolean {
    const problems: Record<string, string> = {};
    if (!patient) problems.patientId = 'Choose the patient.';
    if (!visitType) problems.visitType = 'Choose the visit type.';
    if (overbook && !overbookReason.trim()) problems.overbook = 'Say why this visit is overbooked.';
    setMissing(problems);
    return Object.keys(problems).length === 0;
  }

  async function bookAt(scheduleId: string, start: string) {
    setConflict(undefined);
    if (!checkBooking() || !patient || !visitType) return;
    const result = await book.run({
      patientId: patient.id,
      visitType,
      scheduleId,
      start,
      reason: reason.trim() || undefined,
      overbook: overbook ? { reason: overbookReason.trim() } : undefined,
    });
    if (result.ok) {
      onDone(`Booked ${patient.name} on ${whenLabel(start, timeZone)} with ${scheduleLabel(scheduleId)}.`);
      return;
    }
    if (isConflict(result.error)) {
      setConflict(result.error.message);
      book.reset();
      if (slots) {
        const again = await find.run(findRequest());
        setSlots(again.ok ? again.value : undefined);
      }
    }
  }

  async function addWaitlist() {
    const problems: Record<string, string> = {};
    if (!patient) problems.patientId = 'Choose the patient.';
    if (!visitType) problems.visitType = 'Choose the visit type.';
    setMissing(problems);
    if (!patient || !visitType) return;
    const result = await waitlist.run({
      patientId: patient.id,
      visitType,
      practitioners: practitioners.length > 0 ? practitioners : undefined,
      location,
      from,
      to,
      timeOfDay,
      note: reason.trim() || undefined,
    });
    if (result.ok) onDone(`Added ${patient.name} to the waitlist (${from} to ${to}).`);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void runFind();
  }

  const error = book.error ?? find.error ?? waitlist.error;
  const fieldError = (field: string) => missing[field] ?? fieldErrorMessage(error, field);
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Book an appointment"
      size="xl"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form onSubmit={onSubmit} noValidate aria-label="Book an appointment">
        <Stack gap="sm">
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
          <PatientPicker value={patient} onChange={setPatient} error={fieldError('patientId')} />
          <Group grow align="flex-start">
            <Select
              label="Visit type"
              required
              data={setup.visitTypes.map((v) => ({
                value: v.code,
                label: `${v.display} (${v.minutes} min)`,
              }))}
              value={visitType}
              onChange={(value) => {
                setVisitType(value);
                setSlots(undefined);
              }}
              allowDeselect={false}
              error={fieldError('visitType')}
            />
            <MultiSelect
              label="Provider(s)"
              placeholder={
                practitioners.length ? undefined : providerOptions.length ? 'Any provider' : 'Nurse line'
              }
              data={providerOptions}
              value={practitioners}
              onChange={(value) => {
                setPractitioners(value);
                setSlots(undefined);
              }}
              clearable
              error={fieldError('practitioners')}
            />
          </Group>
          <TextInput
            label="Reason for visit"
            autoComplete="off"
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={fieldError('reason')}
          />
          {prefill.scheduleId && prefill.start && (
            <Paper withBorder p="xs" bg="green.0">
              <Group justify="space-between">
                <Text size="sm">
                  Chosen time: <b>{whenLabel(prefill.start, timeZone)}</b> with{' '}
                  {scheduleLabel(prefill.scheduleId)}
                </Text>
                <Button
                  size="xs"
                  loading={book.pending}
                  onClick={() => void bookAt(prefill.scheduleId ?? '', prefill.start ?? '')}
                >
                  Book this time
                </Button>
              </Group>
              {fieldError('start') && (
                <Text size="sm" c="red.9" role="alert">
                  {fieldError('start')}
                </Text>
              )}
            </Paper>
          )}
          {canOverbook && (
            <Group align="flex-start" grow>
              <Checkbox
                label="Overbook (beyond open times or on top of another visit)"
                checked={overbook}
                onChange={(event) => setOverbook(event.currentTarget.checked)}
                mt={28}
              />
              {overbook && (
                <TextInput
                  label="Reason for overbooking"
                  required
                  autoComplete="off"
                  value={overbookReason}
                  onChange={(event) => setOverbookReason(event.currentTarget.value)}
                  error={fieldError('overbook')}
                />
              )}
            </Group>
          )}
          <Group align="flex-end" grow>
            <TextInput
              type="date"
              label="From"
              required
              value={from}
              min={today}
              onChange={(event) => setFrom(event.currentTarget.value)}
              error={fieldError('from')}
            />
            <TextInput
              type="date"
              label="To"
              required
              value={to}
              min={from}
              onChange={(event) => setTo(event.currentTarget.value)}
              error={fieldError('to')}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="book-time-of-day">
                Time of day
              </Text>
              <SegmentedControl
                aria-labelledby="book-time-of-day"
                value={timeOfDay}
                onChange={(value) => setTimeOfDay(value)}
                data={[
                  { value: 'any', label: 'Any' },
                  { value: 'morning', label: 'Morning' },
                  { value: 'afternoon', label: 'Afternoon' },
                ]}
              />
            </Stack>
          </Group>
          <Group justify="space-between">
            <Button
              variant="default"
              onClick={() => void addWaitlist()}
              loading={waitlist.pending}
              disabled={!slots}
              title={slots ? undefined : 'Find times first'}
            >
              Add to waitlist
            </Button>
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
              busy={book.pending}
              actionWord="Book"
              empty="No free times match. Widen the dates or providers, or add the patient to the waitlist."
              onChoose={(slot) => void bookAt(slot.scheduleId, slot.start)}
            />
          )}
        </Stack>
      </form>
    </Modal>
  );
}
