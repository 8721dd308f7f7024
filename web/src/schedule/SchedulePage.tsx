import {
  ActionIcon,
  Alert,
  Box,
  Button,
  CloseButton,
  Group,
  MultiSelect,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconCalendarPlus, IconChevronLeft, IconChevronRight, IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { useNavigate } from 'react-router';
import { useSite } from '../app/SiteContext';
import { useSession } from '../auth/authContext';
import { abilities } from '../auth/session';
import { isForbidden, isUnreachable } from '../fhir/FhirError';
import { todayIso } from '../patient/display';
import { PageLoader } from '../ui/PageLoader';
import { BookDialog, type BookingPrefill } from './BookDialog';
import { CalendarGrid, type GridColumn, type VisitAction } from './CalendarGrid';
import { CancelDialog } from './CancelDialog';
import { offerTime, visitPatientName, visitTypeCode } from './layout';
import { MoveDialog } from './MoveDialog';
import { RescheduleDialog } from './RescheduleDialog';
import { WaitlistPanel } from './WaitlistPanel';
import { markNoShow, type BookedVisit, type WaitlistOffer } from './scheduleApi';
import {
  useDayCalendar,
  useRefreshSchedule,
  useScheduleSetup,
  useWaitlist,
  useWeekCalendar,
} from './scheduleQueries';
import { addDays, isIsoDate, longDateLabel, mondayOf, shortDateLabel, whenLabel } from './time';
import './schedule.css';

type View = 'day' | 'week';

/** The clock for "has this visit started" (no-show), ticking each minute. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * The schedule (issue 5): a day view with one column per schedule at the chosen site (the providers and the
 * nurse line) or a week view of one or more schedules; booking, rescheduling (dialog or drag and drop),
 * cancelling, no-shows, and the waitlist. Times are the clinic's local times (the site's time zone).
 */
export default function SchedulePage() {
  const { siteId, timeZone: siteZone } = useSite();
  const can = abilities(useSession());
  const navigate = useNavigate();
  const setup = useScheduleSetup(siteId);
  const timeZone = setup.data?.timeZone ?? siteZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const nowMs = useNow();
  const today = todayIso(new Date(nowMs), timeZone);
  const [view, setView] = useState<View>('day');
  const [chosenDate, setChosenDate] = useState<string>();
  const date = chosenDate ?? today;
  const [chosenSchedules, setChosenSchedules] = useState<string[]>();
  const firstSchedule = (setup.data?.schedules.find((s) => !s.nurseLine) ?? setup.data?.schedules[0])?.id;
  const weekSchedules = useMemo(
    () => chosenSchedules ?? (firstSchedule ? [firstSchedule] : []),
    [chosenSchedules, firstSchedule]
  );
  const weekStart = mondayOf(date);
  const day = useDayCalendar(date, view === 'day' ? siteId : undefined);
  const week = useWeekCalendar(weekStart, view === 'week' ? weekSchedules : []);
  const waitlist = useWaitlist(siteId);
  const refresh = useRefreshSchedule();

  const [message, setMessage] = useState<string>();
  const [booking, setBooking] = useState<{ key: number; prefill: BookingPrefill }>();
  const [rescheduling, setRescheduling] = useState<BookedVisit>();
  const [cancelling, setCancelling] = useState<BookedVisit>();
  const [moving, setMoving] = useState<{
    visit: BookedVisit;
    target: { scheduleId: string; start: string };
  }>();

  const calendar = view === 'day' ? day : week;
  const columns = useMemo<GridColumn[]>(() => {
    const data = calendar.data;
    if (!data) return [];
    if (view === 'day') {
      return data.columns.map((c) => ({ key: c.scheduleId, scheduleId: c.scheduleId, date, label: c.label }));
    }
    const labels = new Map(data.columns.map((c) => [c.scheduleId, c.label]));
    const out: GridColumn[] = [];
    for (let i = 0; i < 7; i++) {
      const d = addDays(weekStart, i);
      for (const id of weekSchedules) {
        out.push({
          key: `${d}:${id}`,
          scheduleId: id,
          date: d,
          label: weekSchedules.length > 1 ? (labels.get(id) ?? id) : shortDateLabel(d),
          overline: weekSchedules.length > 1 ? shortDateLabel(d) : undefined,
        });
      }
    }
    return out;
  }, [calendar.data, view, date, weekStart, weekSchedules]);

  async function done(text: string, offers: WaitlistOffer[] = []) {
    setBooking(undefined);
    setRescheduling(undefined);
    setCancelling(undefined);
    setMoving(undefined);
    const offered = offers.length
      ? ` The freed time was offered to ${offers.length} waitlisted ${offers.length === 1 ? 'patient' : 'patients'}.`
      : '';
    setMessage(text + offered);
    await refresh();
  }

  function onVisitAction(visit: BookedVisit, action: VisitAction) {
    switch (action) {
      case 'chart':
        if (visit.patient) void navigate(`/patients/${encodeURIComponent(visit.patient.id)}`);
        break;
      case 'reschedule':
        setRescheduling(visit);
        break;
      case 'cancel':
        setCancelling(visit);
        break;
      case 'no-show':
        markNoShow(visit.id).then(
          () =>
            done(
              `Marked ${visit.patient ? visitPatientName(visit.patient) : 'the patient'} as a no-show for ${whenLabel(visit.start, timeZone)}.`
            ),
          (error: unknown) =>
            setMessage(`Could not mark the no-show: ${error instanceof Error ? error.message : 'try again'}.`)
        );
        break;
    }
  }

  function bookOffer(offer: WaitlistOffer) {
    setCancelling(undefined);
    const time = offerTime(offer);
    setBooking({
      key: Date.now(),
      prefill: {
        patient: offer.patient
          ? {
              id: offer.patient.id,
              name: visitPatientName(offer.patient),
              birthDate: offer.patient.birthDate,
            }
          : undefined,
        visitType: visitTypeCode(offer.visitType),
        scheduleId: time?.scheduleId,
        start: time?.start,
      },
    });
  }

  if (!siteId) {
    return (
      <Stack>
        <Title order={1}>Schedule</Title>
        <Text>Choose a site in the top bar to see its schedule.</Text>
      </Stack>
    );
  }

  const holiday = setup.data?.holidays.find((h) => h.date === date);
  const heading = view === 'day' ? longDateLabel(date) : `Week of ${longDateLabel(weekStart)}`;
  const step = view === 'day' ? 1 : 7;
  const unit = view === 'day' ? 'day' : 'week';

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Title order={1}>Schedule</Title>
          <SegmentedControl
            aria-label="View"
            value={view}
            onChange={(value) => setView(value)}
            data={[
              { value: 'day', label: 'Day' },
              { value: 'week', label: 'Week' },
            ]}
          />
          <Group gap={4} align="flex-end">
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={`Previous ${unit}`}
              onClick={() => setChosenDate(addDays(date, -step))}
            >
              <IconChevronLeft size={18} aria-hidden />
            </ActionIcon>
            <Button variant="default" onClick={() => setChosenDate(today)} disabled={date === today}>
              Today
            </Button>
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={`Next ${unit}`}
              onClick={() => setChosenDate(addDays(date, step))}
            >
              <IconChevronRight size={18} aria-hidden />
            </ActionIcon>
          </Group>
          <TextInput
            type="date"
            label="Date"
            value={date}
            onChange={(event) => {
              const value = event.currentTarget.value;
              if (isIsoDate(value)) setChosenDate(value);
            }}
            w={160}
          />
          {view === 'week' && setup.data && (
            <MultiSelect
              label="Schedules"
              data={setup.data.schedules.map((s) => ({ value: s.id, label: s.label }))}
              value={weekSchedules}
              onChange={(value) => setChosenSchedules(value)}
              w={320}
            />
          )}
        </Group>
        {can.bookAppointments && setup.data && (
          <Button
            leftSection={<IconCalendarPlus size={18} aria-hidden />}
            onClick={() => setBooking({ key: Date.now(), prefill: {} })}
          >
            Book appointment
          </Button>
        )}
      </Group>

      <Box aria-live="polite" role="status" aria-label="Schedule messages">
        {message && (
          <Alert color="teal" variant="light" icon={<IconInfoCircle size={18} aria-hidden />} py={6}>
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm">{message}</Text>
              <CloseButton size="sm" aria-label="Dismiss the message" onClick={() => setMessage(undefined)} />
            </Group>
          </Alert>
        )}
      </Box>

      <Group justify="space-between" align="baseline">
        <Title order={2} size="h3">
          {heading}
        </Title>
        <Legend />
      </Group>
      {holiday && (
        <Alert color="yellow" variant="light">
          {holiday.name}: the clinic is closed; no times are offered.
        </Alert>
      )}

      <Paper withBorder>
        {setup.isError || calendar.isError ? (
          <Text c="red.9" role="alert" p="sm">
            {loadError(setup.error ?? calendar.error)}
          </Text>
        ) : !calendar.data || !setup.data ? (
          <PageLoader label="Loading the schedule" />
        ) : columns.length === 0 ? (
          <Text p="sm" c="dark.6">
            {view === 'day'
              ? 'No schedule at this site has open time, blocks or visits on this day.'
              : 'Choose one or more schedules to see their week.'}
          </Text>
        ) : (
          <CalendarGrid
            label={view === 'day' ? `Schedule for ${heading}` : `Schedule, ${heading}`}
            columns={columns}
            calendar={calendar.data}
            timeZone={timeZone}
            canBook={can.bookAppointments}
            nowMs={nowMs}
            onBookCell={(scheduleId, start) =>
              setBooking({ key: Date.now(), prefill: { scheduleId, start } })
            }
            onVisitAction={onVisitAction}
            onDropVisit={(visit, scheduleId, start) => {
              if (visit.start === start && visit.scheduleId === scheduleId) return;
              setMoving({ visit, target: { scheduleId, start } });
            }}
          />
        )}
      </Paper>

      <WaitlistPanel entries={waitlist} setup={setup.data} />

      {booking && setup.data && (
        <BookDialog
          key={booking.key}
          opened
          onClose={() => setBooking(undefined)}
          setup={setup.data}
          location={siteId}
          today={today}
          prefill={booking.prefill}
          canOverbook={can.overbook}
          onDone={(text) => void done(text)}
        />
      )}
      {rescheduling && setup.data && (
        <RescheduleDialog
          visit={rescheduling}
          setup={setup.data}
          location={siteId}
          today={today}
          onClose={() => setRescheduling(undefined)}
          onDone={(text, offers) => void done(text, offers)}
        />
      )}
      {moving && setup.data && (
        <MoveDialog
          visit={moving.visit}
          target={moving.target}
          setup={setup.data}
          canOverbook={can.overbook}
          onClose={() => setMoving(undefined)}
          onDone={(text, offers) => void done(text, offers)}
        />
      )}
      {cancelling && setup.data && (
        <CancelDialog
          visit={cancelling}
          setup={setup.data}
          onClose={() => setCancelling(undefined)}
          onDone={(text) => void done(text)}
          onBookOffer={bookOffer}
        />
      )}
    </Stack>
  );
}

function loadError(error: unknown): string {
  if (isForbidden(error)) return 'Your role does not see this schedule.';
  if (isUnreachable(error)) return 'Could not load the schedule: the server cannot be reached.';
  return `Could not load the schedule: ${error instanceof Error ? error.message : 'try again'}.`;
}

/** What the shades and colours mean, in words (colour is never the only signal: cards also say their status). */
function Legend() {
  const item = (label: string, style: CSSProperties) => (
    <Group gap={4} wrap="nowrap">
      <Box w={14} h={14} style={{ ...style, border: '1px solid var(--mantine-color-gray-5)' }} aria-hidden />
      <Text size="xs">{label}</Text>
    </Group>
  );
  return (
    <Group gap="sm" aria-label="Legend" role="group">
      {item('Open', { background: 'var(--mantine-color-green-0)' })}
      {item('Closed', { background: 'var(--mantine-color-gray-2)' })}
      {item('Blocked', {
        background:
          'repeating-linear-gradient(135deg, var(--mantine-color-gray-3) 0 4px, var(--mantine-color-gray-2) 4px 8px)',
      })}
      {item('Booked', {
        background: 'var(--mantine-color-indigo-0)',
        borderLeft: '4px solid var(--mantine-color-indigo-7)',
      })}
      {item('Arrived', {
        background: 'var(--mantine-color-teal-0)',
        borderLeft: '4px solid var(--mantine-color-teal-8)',
      })}
      {item('No-show', {
        background: 'var(--mantine-color-red-0)',
        borderLeft: '4px solid var(--mantine-color-red-8)',
      })}
    </Group>
  );
}
