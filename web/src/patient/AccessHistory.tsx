import { Button, Paper, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { useAccessHistory } from '../admin/adminQueries';
import { actionLabel, outcomeLabel, whatLabel } from '../admin/auditQuery';
import { useClinicTimeZone } from '../app/SiteContext';
import { DataTable } from '../chart/DataTable';
import { formatDateTime } from './display';
import { QueryState } from '../ui/QueryState';

const FIRST = 25;

/**
 * "Access history": who saw or changed this chart, newest first (GET /admin/patients/:id/access-history),
 * for the privacy officer and practice administrators (HIPAA accounting of disclosures, ONC (d)(3)).
 */
export function AccessHistory({ patientId }: { patientId: string }) {
  const headingId = useId();
  const timeZone = useClinicTimeZone();
  const history = useAccessHistory(patientId);
  const [all, setAll] = useState(false);
  return (
    <Paper component="section" aria-labelledby={headingId} p="sm">
      <Title order={2} id={headingId} mb={6}>
        Access history
      </Title>
      <QueryState query={history} label="access history" empty="No one has opened or changed this chart yet.">
        {(events) => (
          <>
            <DataTable
              columns={['When', 'User', 'Action', 'What']}
              nowrap={[0]}
              rows={(all ? events : events.slice(0, FIRST)).map((event) => ({
                key: String(event.seq),
                cells: [
                  formatDateTime(event.recorded, true, timeZone),
                  event.userName ?? event.userId ?? '',
                  event.outcome === '0'
                    ? actionLabel(event)
                    : `${actionLabel(event)} (${outcomeLabel(event.outcome).toLowerCase()})`,
                  whatLabel(event),
                ],
              }))}
            />
            {!all && events.length > FIRST && (
              <Button variant="default" size="xs" mt="xs" onClick={() => setAll(true)}>
                Show all {events.length}
              </Button>
            )}
            {all && (
              <Text size="xs" c="dimmed" mt="xs">
                {events.length} events
              </Text>
            )}
          </>
        )}
      </QueryState>
    </Paper>
  );
}
