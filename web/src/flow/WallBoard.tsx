import { Box, Button, Group, Table, Text, Title } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { FlowBoard } from './flowApi';
import { WaitTag } from './FlowTable';
import { formatMinutes, isDone, minutesSince, statusLabel, waitLevel, wallName } from './flowModel';
import { LiveIndicator } from './LiveIndicator';
import type { StreamState } from './useFlowStream';

/**
 * The board for a wall display: over everything else (no navigation), large type, and only what a passer-by
 * may see: first name and last initial, status, room, minutes in status, the provider. No birth dates, no
 * visit reasons, no restricted charts' names; visits not yet arrived or finished are left off.
 */
export function WallBoard({
  board,
  now,
  live,
  siteLabel,
  onExit,
}: {
  board: FlowBoard;
  now: number;
  live: StreamState;
  siteLabel: string;
  onExit: () => void;
}) {
  const rows = board.rows.filter((row) => row.status !== 'scheduled' && !isDone(row.status));
  return (
    <Box
      component="section"
      aria-label="Flow board wall display"
      style={{
        position: 'fixed',
        inset: 0,
        zIndex: 500,
        background: 'var(--mantine-color-white)',
        overflow: 'auto',
        padding: '24px 32px',
        fontSize: 24,
      }}
    >
      <Group justify="space-between" mb="md">
        <Title order={1} style={{ fontSize: 36 }}>
          Patients in clinic{siteLabel ? ` · ${siteLabel}` : ''}
        </Title>
        <Group gap="md">
          <LiveIndicator state={live} />
          <Button variant="default" leftSection={<IconX size={16} aria-hidden />} onClick={onExit}>
            Exit wall display
          </Button>
        </Group>
      </Group>
      {rows.length === 0 ? (
        <Text style={{ fontSize: 28 }}>No patients in clinic right now.</Text>
      ) : (
        <Table verticalSpacing="sm" style={{ fontSize: 28 }} aria-label="Patients in clinic">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Patient</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Room</Table.Th>
              <Table.Th scope="col">Minutes</Table.Th>
              <Table.Th scope="col">Provider</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const minutes = minutesSince(row.statusSince, now);
              const level = waitLevel(row.status, minutes, board.thresholds);
              return (
                <Table.Tr
                  key={row.appointmentId}
                  data-wait={level}
                  style={{
                    background:
                      level === 'red'
                        ? 'var(--mantine-color-red-1)'
                        : level === 'amber'
                          ? 'var(--mantine-color-yellow-1)'
                          : undefined,
                  }}
                >
                  <Table.Td fw={700}>
                    {row.restricted || !row.patient ? 'Patient' : wallName(row.patient.name)}
                  </Table.Td>
                  <Table.Td>{statusLabel(row.status)}</Table.Td>
                  <Table.Td>{row.room?.name ?? '—'}</Table.Td>
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      <span>{formatMinutes(minutes)}</span>
                      <WaitTag level={level} />
                    </Group>
                  </Table.Td>
                  <Table.Td>{row.provider?.name ?? ''}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Box>
  );
}
