import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { Task } from '@medplum/fhirtypes';
import { useId, useState } from 'react';
import { useClinicTimeZone } from '../app/SiteContext';
import { useSession } from '../auth/authContext';
import { abilities } from '../auth/session';
import { DataTable } from '../chart/DataTable';
import { formatDateTime } from '../patient/display';
import { QueryState } from '../ui/QueryState';
import { amendmentStatus, unversioned, useAmendmentRequests } from './amendmentApi';
import { DecideAmendmentDialog } from './DecideAmendmentDialog';
import { useFocusOptions, type FocusOption } from './focusOptions';
import { RecordAmendmentDialog } from './RecordAmendmentDialog';

function focusLabel(task: Task, options: FocusOption[]): string {
  const reference = unversioned(task.focus?.reference);
  return options.find((o) => o.value === reference)?.label ?? reference;
}

/**
 * "Amendment requests" (ONC 170.315(d)(4)): the patient's requests to correct their data, how each was
 * decided and by whom. Anyone who reads the chart records a request; providers, the privacy officer and
 * practice administrators decide (the server checks again).
 */
export function AmendmentsSection({ patientId }: { patientId: string }) {
  const headingId = useId();
  const timeZone = useClinicTimeZone();
  const mayDecide = abilities(useSession()).decideAmendments;
  const requests = useAmendmentRequests(patientId);
  const options = useFocusOptions(patientId);
  const [recording, setRecording] = useState(false);
  const [deciding, setDeciding] = useState<Task>();

  return (
    <Paper component="section" aria-labelledby={headingId} p="sm">
      <Group justify="space-between" mb={6}>
        <Title order={2} id={headingId}>
          Amendment requests
        </Title>
        {requests.isSuccess && (
          <Button size="xs" variant="default" onClick={() => setRecording(true)}>
            Record a request
          </Button>
        )}
      </Group>
      <QueryState query={requests} label="amendment requests" empty="No amendment requests">
        {(tasks) => (
          <DataTable
            columns={[
              'Date',
              'Data',
              'Requested change',
              'Requested by',
              'Status',
              ...(mayDecide ? ['Action'] : []),
            ]}
            nowrap={[0]}
            rows={tasks.map((task, i) => ({
              key: task.id ?? String(i),
              cells: [
                formatDateTime(task.authoredOn, false, timeZone),
                focusLabel(task, options),
                task.description ?? '',
                task.requester?.display ?? '',
                <Stack gap={2} key="status">
                  <Text size="sm" fw={500}>
                    {amendmentStatus(task)}
                  </Text>
                  {task.status !== 'requested' && (
                    <Text size="xs" c="dimmed">
                      {[
                        task.statusReason?.text,
                        [task.owner?.display, formatDateTime(task.lastModified, false, timeZone)]
                          .filter(Boolean)
                          .join(', '),
                      ]
                        .filter(Boolean)
                        .join(' — ')}
                    </Text>
                  )}
                </Stack>,
                ...(mayDecide
                  ? [
                      task.status === 'requested' ? (
                        <Button
                          key="decide"
                          size="xs"
                          variant="light"
                          onClick={() => setDeciding(task)}
                          aria-label={`Decide: ${focusLabel(task, options)}`}
                        >
                          Decide
                        </Button>
                      ) : (
                        ''
                      ),
                    ]
                  : []),
              ],
            }))}
          />
        )}
      </QueryState>
      <RecordAmendmentDialog
        patientId={patientId}
        options={options}
        opened={recording}
        onClose={() => setRecording(false)}
      />
      {mayDecide && (
        <DecideAmendmentDialog
          patientId={patientId}
          task={deciding}
          focusLabel={deciding ? focusLabel(deciding, options) : ''}
          onClose={() => setDeciding(undefined)}
        />
      )}
    </Paper>
  );
}
