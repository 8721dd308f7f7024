import { ActionIcon, Button, Group, Menu, Table, Text } from '@mantine/core';
import { IconAlertOctagon, IconAlertTriangle, IconBell, IconDots, IconLock } from '@tabler/icons-react';
import { useContext, type ReactNode } from 'react';
import { Link } from 'react-router';
import { AuthContext } from '../auth/authContext';
import { abilities } from '../auth/session';
import { formatTime } from '../patient/display';
import { Tag } from '../ui/Tag';
import type { FlowBoard, FlowRow } from './flowApi';
import {
  canLeaveWithoutBeingSeen,
  flagLabel,
  formatMinutes,
  isDone,
  minutesSince,
  nextStep,
  statusLabel,
  waitLevel,
  type FlowStep,
  type WaitLevel,
} from './flowModel';

const ROW_BACKGROUND: Record<WaitLevel, string | undefined> = {
  ok: undefined,
  amber: 'var(--mantine-color-yellow-1)',
  red: 'var(--mantine-color-red-1)',
};

/** The wait warning in words and an icon, next to the row's colour (colour is never the only signal). */
export function WaitTag({ level }: { level: WaitLevel }) {
  if (level === 'red') {
    return (
      <Tag tone="danger" icon={<IconAlertOctagon size={14} aria-hidden />}>
        Too long
      </Tag>
    );
  }
  if (level === 'amber') {
    return (
      <Tag tone="warning" icon={<IconAlertTriangle size={14} aria-hidden />}>
        Long wait
      </Tag>
    );
  }
  return null;
}

/** The visit's open notices to the provider: a red "Urgent notice" and a count of routine ones (no text). */
export function NoticeTags({ notices }: { notices: FlowRow['notices'] }) {
  if (!notices || (notices.urgent === 0 && notices.routine === 0)) return null;
  return (
    <Group gap={4} wrap="nowrap" component="span">
      {notices.urgent > 0 && (
        <Tag tone="danger" icon={<IconAlertOctagon size={14} aria-hidden />} testId="urgent-notice">
          {notices.urgent === 1 ? 'Urgent notice' : `Urgent notices: ${notices.urgent}`}
        </Tag>
      )}
      {notices.routine > 0 && (
        <Tag tone="info" icon={<IconBell size={14} aria-hidden />} testId="routine-notices">
          {notices.routine === 1 ? '1 notice' : `${notices.routine} notices`}
        </Tag>
      )}
    </Group>
  );
}

export function patientLabel(row: FlowRow): ReactNode {
  if (row.restricted || !row.patient) {
    return (
      <Group gap={4} wrap="nowrap">
        <IconLock size={14} aria-hidden />
        <Text span size="sm">
          Restricted chart
        </Text>
      </Group>
    );
  }
  return row.patient.name;
}

/**
 * Today's visits, one row each: time, patient, visit, who, status and how long in it (amber and red past the
 * site's thresholds), the total since arrival, room, flags, and the next step as a button.
 */
export function FlowTable({
  board,
  rows,
  now,
  timeZone,
  busy,
  canCheckIn,
  onStep,
  onLeftWithoutBeingSeen,
  onNoShow,
}: {
  board: FlowBoard;
  rows: FlowRow[];
  now: number;
  timeZone: string | undefined;
  /** The appointment whose action is running (its buttons wait). */
  busy: string | undefined;
  /** The front desk's and MAs' roles check patients in; a provider's board does not offer it. */
  canCheckIn: boolean;
  onStep: (row: FlowRow, step: FlowStep) => void;
  onLeftWithoutBeingSeen: (row: FlowRow) => void;
  /** A scheduled patient who did not come (POST /api/schedule/appointments/:id/no-show). */
  onNoShow: (row: FlowRow) => void;
}) {
  // MAs and providers open a visit's rooming screen from its row (issue 6).
  const canRoom = abilities(useContext(AuthContext)?.session).rooming;
  return (
    <Table.ScrollContainer minWidth={1100}>
      <Table striped={false} highlightOnHover verticalSpacing={4} aria-label="Today’s patients">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Time</Table.Th>
            <Table.Th scope="col">Patient</Table.Th>
            <Table.Th scope="col">Visit</Table.Th>
            <Table.Th scope="col">Provider</Table.Th>
            <Table.Th scope="col">MA</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">In status</Table.Th>
            <Table.Th scope="col">Total</Table.Th>
            <Table.Th scope="col">Room</Table.Th>
            <Table.Th scope="col">Flags</Table.Th>
            <Table.Th scope="col">
              <span className="visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const done = isDone(row.status) || row.status === 'scheduled';
            const inStatus = minutesSince(row.statusSince, now);
            const level = waitLevel(row.status, inStatus, board.thresholds);
            const next = nextStep(row.status);
            const step = next?.kind === 'check-in' && !canCheckIn ? undefined : next;
            return (
              <Table.Tr
                key={row.appointmentId}
                data-appointment={row.appointmentId}
                data-status={row.status}
                data-wait={level}
                style={{ background: ROW_BACKGROUND[level] }}
              >
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(row.start, timeZone)}</Table.Td>
                <Table.Td>{patientLabel(row)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{row.visitType.display}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{row.provider?.name ?? ''}</Table.Td>
                <Table.Td>{row.ma?.name ?? ''}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text span size="sm" fw={500}>
                    {statusLabel(row.status)}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {done ? (
                    ''
                  ) : (
                    <Group gap={6} wrap="nowrap">
                      <span>{formatMinutes(inStatus)}</span>
                      <WaitTag level={level} />
                    </Group>
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {row.arrivedAt && !isDone(row.status)
                    ? formatMinutes(minutesSince(row.arrivedAt, now))
                    : ''}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{row.room?.name ?? ''}</Table.Td>
                <Table.Td>
                  <Group gap={4} style={{ whiteSpace: 'nowrap' }}>
                    <NoticeTags notices={row.restricted ? undefined : row.notices} />
                    {row.flags.map((flag) => (
                      <Tag key={flag} tone="info">
                        {flagLabel(flag)}
                      </Tag>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    {canRoom && row.encounterId && row.patient && !row.restricted && !isDone(row.status) && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        component={Link}
                        to={`/rooming/${encodeURIComponent(row.encounterId)}`}
                        aria-label={`Open rooming for ${row.patient.name}`}
                      >
                        Open rooming
                      </Button>
                    )}
                    {step && (
                      <Button
                        size="compact-sm"
                        variant={step.kind === 'check-in' || step.kind === 'check-out' ? 'filled' : 'light'}
                        loading={busy === row.appointmentId}
                        onClick={() => onStep(row, step)}
                      >
                        {step.label}
                      </Button>
                    )}
                    {(canLeaveWithoutBeingSeen(row.status) || (row.status === 'scheduled' && canCheckIn)) && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label="More actions">
                            <IconDots size={16} aria-hidden />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {row.status === 'scheduled' ? (
                            <Menu.Item onClick={() => onNoShow(row)}>No-show</Menu.Item>
                          ) : (
                            <Menu.Item onClick={() => onLeftWithoutBeingSeen(row)}>
                              Left without being seen
                            </Menu.Item>
                          )}
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
