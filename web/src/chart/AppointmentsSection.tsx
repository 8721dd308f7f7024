import type { Appointment } from '@medplum/fhirtypes';
import { useClinicTimeZone } from '../app/SiteContext';
import { siteName } from '../app/siteName';
import { usePracticeOrganization, useUpcomingAppointments } from '../fhir/queries';
import { conceptText, formatDate, formatTime, localDayBounds, todayIso } from '../patient/display';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';
import { StatusText } from '../ui/StatusText';

function actor(appointment: Appointment, type: string): string {
  return (
    appointment.participant.find((p) => p.actor?.reference?.startsWith(`${type}/`))?.actor?.display ?? ''
  );
}

/** Upcoming appointments (Appointment?patient=&date=ge<today>), soonest first. */
export function AppointmentsSection({ patientId }: { patientId: string }) {
  const timeZone = useClinicTimeZone();
  const appointments = useUpcomingAppointments(
    patientId,
    localDayBounds(todayIso(new Date(), timeZone), timeZone)[0]
  );
  const practiceName = usePracticeOrganization().data?.name;
  return (
    <ChartSection title="Upcoming appointments" query={appointments} empty="No upcoming appointments">
      {(list) => (
        <DataTable
          columns={['Date', 'Time', 'Visit', 'With', 'Where', 'Status']}
          nowrap={[0, 1]}
          rows={list.map((a, i) => ({
            key: a.id ?? String(i),
            cells: [
              formatDate(localDate(a.start, timeZone)),
              formatTime(a.start, timeZone),
              conceptText(a.appointmentType) || a.description || '',
              actor(a, 'Practitioner'),
              siteName({ name: actor(a, 'Location') }, practiceName),
              <StatusText key="status" status={a.status} />,
            ],
          }))}
        />
      )}
    </ChartSection>
  );
}

/** The local calendar date (YYYY-MM-DD) of an instant. */
function localDate(instant: string | undefined, timeZone: string | undefined): string | undefined {
  if (!instant) return undefined;
  const when = new Date(instant);
  return Number.isNaN(when.getTime()) ? instant.slice(0, 10) : when.toLocaleDateString('en-CA', { timeZone });
}
