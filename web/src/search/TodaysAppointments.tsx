import { Anchor, Paper, Table, Title } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { Link } from 'react-router';
import { useSite } from '../app/SiteContext';
import { StatusText } from '../ui/StatusText';
import { siteName } from '../app/siteName';
import { usePracticeOrganization, useSites, useTodaysAppointments } from '../fhir/queries';
import { conceptText, formatTime, localDayBounds, todayIso } from '../patient/display';
import { QueryState } from '../ui/QueryState';

function patientOf(appointment: Appointment): { id?: string; name: string } {
  const actor = appointment.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor;
  return { id: actor?.reference?.slice('Patient/'.length), name: actor?.display ?? 'Unnamed patient' };
}

function clinicianOf(appointment: Appointment): string {
  return (
    appointment.participant.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor?.display ?? ''
  );
}

/** Today's appointments at the site chosen in the top bar, each opening the patient's chart. */
export function TodaysAppointments() {
  const { siteId, timeZone } = useSite();
  const sites = useSites();
  const practiceName = usePracticeOrganization().data?.name;
  const site = sites.data?.find((s) => s.id === siteId);
  const today = todayIso(new Date(), timeZone);
  const appointments = useTodaysAppointments(siteId, localDayBounds(today, timeZone));
  return (
    <Paper p="sm" component="section" aria-labelledby="today-heading">
      <Title order={2} id="today-heading" mb="xs">
        Today’s appointments{site ? ` at ${siteName(site, practiceName)}` : ''}
      </Title>
      <QueryState
        query={appointments}
        label="today’s appointments"
        empty="No appointments today at this site."
      >
        {(list) => (
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Time</Table.Th>
                <Table.Th scope="col">Patient</Table.Th>
                <Table.Th scope="col">Visit</Table.Th>
                <Table.Th scope="col">With</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((appointment) => {
                const patient = patientOf(appointment);
                return (
                  <Table.Tr key={appointment.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatTime(appointment.start, timeZone)}
                    </Table.Td>
                    <Table.Td>
                      {patient.id ? (
                        <Anchor component={Link} to={`/patients/${encodeURIComponent(patient.id)}`} size="sm">
                          {patient.name}
                        </Anchor>
                      ) : (
                        patient.name
                      )}
                    </Table.Td>
                    <Table.Td>{conceptText(appointment.appointmentType) || appointment.description}</Table.Td>
                    <Table.Td>{clinicianOf(appointment)}</Table.Td>
                    <Table.Td>
                      <StatusText status={appointment.status} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Paper>
  );
}
