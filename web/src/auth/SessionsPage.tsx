import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClinicTimeZone } from '../app/SiteContext';
import { DataTable } from '../chart/DataTable';
import { usePractice } from '../fhir/queries';
import { formatDateTime } from '../patient/display';
import { QueryState } from '../ui/QueryState';
import { Tag } from '../ui/Tag';
import { useAuth } from './authContext';
import { endSession, listSessions, type ActiveSession } from './authApi';
import { describeBrowser } from './userAgent';

/**
 * `/account/sessions`: where the user is signed in (GET /auth/sessions), this browser marked, each with an
 * End button (DELETE /auth/sessions/:id). Ending this browser's session is signing out.
 */
export default function SessionsPage() {
  const auth = useAuth();
  const practice = usePractice();
  const timeZone = useClinicTimeZone();
  const queryClient = useQueryClient();
  const key = ['practice', practice, 'account', 'sessions'] as const;
  const sessions = useQuery({ queryKey: key, queryFn: ({ signal }) => listSessions(signal) });
  const end = useMutation({
    mutationFn: endSession,
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });

  function onEnd(session: ActiveSession) {
    if (session.current) auth.signOut();
    else end.mutate(session.id);
  }

  return (
    <Stack gap="md" maw={1000}>
      <Title order={1}>Active sessions</Title>
      <Text size="sm">
        Where you are signed in now. End any session you do not recognise, and tell your practice
        administrator.
      </Text>
      <Paper p="sm" component="section" aria-label="Your sessions">
        {end.isError && (
          <Text size="sm" c="red.9" role="alert" mb="xs">
            Could not end the session: {end.error.message}
          </Text>
        )}
        <QueryState query={sessions} label="your sessions" empty="No active sessions.">
          {(list) => (
            <DataTable
              columns={['Signed in', 'Last active', 'Browser', 'Address', '']}
              nowrap={[0, 1]}
              rows={list.map((s) => ({
                key: s.id,
                cells: [
                  formatDateTime(s.createdAt, true, timeZone),
                  formatDateTime(s.lastSeenAt, true, timeZone),
                  <Stack key="browser" gap={2} align="flex-start">
                    <Text size="sm">{describeBrowser(s.userAgent)}</Text>
                    {s.current && <Tag tone="info">This browser</Tag>}
                  </Stack>,
                  s.address ?? '',
                  <Button
                    key="end"
                    size="xs"
                    variant="default"
                    onClick={() => onEnd(s)}
                    loading={end.isPending && end.variables === s.id}
                    aria-label={
                      s.current
                        ? 'End this session (sign out)'
                        : `End the session started ${formatDateTime(s.createdAt, true, timeZone)}`
                    }
                  >
                    {s.current ? 'End (sign out)' : 'End'}
                  </Button>,
                ],
              }))}
            />
          )}
        </QueryState>
      </Paper>
    </Stack>
  );
}
