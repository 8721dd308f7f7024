import { Paper, Table, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { formatDate } from '../patient/display';
import { QueryState } from '../ui/QueryState';
import { entryDates, visitPatientName } from './layout';
import type { ScheduleSetup, WaitlistEntry } from './scheduleApi';

const TIME_OF_DAY: Record<string, string> = { morning: 'Mornings', afternoon: 'Afternoons', any: 'Any time' };

/** The site's waitlist: who wants an earlier or a particular time, for what, and when. */
export function WaitlistPanel({
  entries,
  setup,
}: {
  entries: UseQueryResult<WaitlistEntry[]>;
  setup: ScheduleSetup | undefined;
}) {
  const typeName = (entry: WaitlistEntry) => {
    const code = typeof entry.visitType === 'string' ? entry.visitType : entry.visitType?.code;
    const display = typeof entry.visitType === 'string' ? undefined : entry.visitType?.display;
    return display ?? setup?.visitTypes.find((v) => v.code === code)?.display ?? code ?? '';
  };
  const providers = (entry: WaitlistEntry) =>
    (entry.practitioners ?? [])
      .map((p) =>
        typeof p === 'string'
          ? p
          : (p.name ?? setup?.schedules.find((s) => s.practitioner?.id === p.id)?.practitioner?.name ?? p.id)
      )
      .join(', ') || 'Any provider';
  return (
    <Paper p="sm" component="section" aria-labelledby="waitlist-heading" withBorder>
      <Title order={2} size="h4" id="waitlist-heading" mb="xs">
        Waitlist
      </Title>
      <QueryState query={entries} label="the waitlist" empty="Nobody is on the waitlist at this site.">
        {(list) => (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Patient</Table.Th>
                <Table.Th scope="col">Date of birth</Table.Th>
                <Table.Th scope="col">Visit</Table.Th>
                <Table.Th scope="col">With</Table.Th>
                <Table.Th scope="col">Between</Table.Th>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Note</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((entry) => {
                const dates = entryDates(entry);
                return (
                  <Table.Tr key={entry.id}>
                    <Table.Td>
                      {entry.patient ? visitPatientName(entry.patient) : 'Restricted chart'}
                    </Table.Td>
                    <Table.Td>{formatDate(entry.patient?.birthDate)}</Table.Td>
                    <Table.Td>{typeName(entry)}</Table.Td>
                    <Table.Td>{providers(entry)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {formatDate(dates.from)}–{formatDate(dates.to)}
                    </Table.Td>
                    <Table.Td>{TIME_OF_DAY[entry.timeOfDay ?? 'any'] ?? entry.timeOfDay}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2}>
                        {entry.note}
                      </Text>
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
