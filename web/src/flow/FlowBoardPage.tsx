import { Button, Group, Paper, Select, Stack, Switch, Tabs, Text, Title } from '@mantine/core';
import { IconDeviceTv } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useSite } from '../app/SiteContext';
import { siteName } from '../app/siteName';
import { useSession } from '../auth/authContext';
import { abilities } from '../auth/session';
import { usePractice, usePracticeOrganization, useSites } from '../fhir/queries';
import { FormErrors } from '../ui/FormErrors';
import { CheckInDialog } from './CheckInDialog';
import { CheckOutDialog } from './CheckOutDialog';
import {
  flowBoardKey,
  leftWithoutBeingSeen,
  markNoShow,
  setFlowStatus,
  setRoomStatus,
  useFlowBoard,
  type FlowRow,
  type FollowUpRequest,
  type Room,
} from './flowApi';
import { FLOW_STATUSES, isDone, statusLabel, type FlowStep } from './flowModel';
import { FlowTable } from './FlowTable';
import { LiveIndicator } from './LiveIndicator';
import { OneQuery } from './OneQuery';
import { ReadyForCheckOutDialog } from './ReadyForCheckOutDialog';
import { RoomDialog } from './RoomDialog';
import { RoomsView } from './RoomsView';
import { useFlowStream } from './useFlowStream';
import { WallBoard } from './WallBoard';

/** How often the minutes on screen move on (the data itself comes with the stream's events). */
const TICK_MS = 20_000;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * `/flow`: today's patients at the chosen site as they move through the clinic (check-in, rooming, provider,
 * check-out), live from the server's event stream; a room view; and a wall display (`/flow?wall=1`).
 */
export default function FlowBoardPage() {
  const { siteId, timeZone } = useSite();
  const sites = useSites();
  const practiceName = usePracticeOrganization().data?.name;
  const site = sites.data?.find((s) => s.id === siteId);
  const siteLabel = site ? siteName(site, practiceName) : '';
  const session = useSession();
  const can = abilities(session);
  // An MA who rooms a patient becomes the visit's MA on the board.
  const roomingMa = session?.user.roles.some((r) => r === 'medical-assistant' || r === 'lead-ma')
    ? session.user.practitionerId
    : undefined;
  const practice = usePractice();
  const queryClient = useQueryClient();
  const board = useFlowBoard(siteId);
  const now = useNow(TICK_MS);
  const [params, setParams] = useSearchParams();
  const wall = params.get('wall') === '1';

  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: flowBoardKey(practice, siteId) }),
    [queryClient, practice, siteId]
  );
  const live = useFlowStream(siteId, refresh);

  const [provider, setProvider] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [showFinished, setShowFinished] = useState(false);
  const [tab, setTab] = useState<string | null>('board');
  const [checkingIn, setCheckingIn] = useState<FlowRow>();
  const [checkingOut, setCheckingOut] = useState<FlowRow>();
  const [rooming, setRooming] = useState<FlowRow>();
  const [finishing, setFinishing] = useState<FlowRow>();
  const [busy, setBusy] = useState<string>();
  const [actionError, setActionError] = useState<unknown>();

  /** Runs one board action (a POST), then re-reads the board; the error shows above the table. */
  const act = useCallback(
    async (key: string, request: () => Promise<unknown>): Promise<boolean> => {
      setBusy(key);
      setActionError(undefined);
      try {
        await request();
        return true;
      } catch (error) {
        setActionError(error);
        return false;
      } finally {
        setBusy(undefined);
        refresh();
      }
    },
    [refresh]
  );

  const onStep = (row: FlowRow, step: FlowStep) => {
    switch (step.kind) {
      case 'check-in':
        setCheckingIn(row);
        return;
      case 'check-out':
        setCheckingOut(row);
        return;
      case 'room':
        setActionError(undefined);
        setRooming(row);
        return;
      case 'ready-for-checkout':
        setActionError(undefined);
        setFinishing(row);
        return;
      case 'status':
        if (row.encounterId) {
          const encounterId = row.encounterId;
          void act(row.appointmentId, () => setFlowStatus(encounterId, { status: step.to }));
        }
        return;
    }
  };

  const onRoom = (row: FlowRow, roomId: string) => {
    if (!row.encounterId) return;
    const encounterId = row.encounterId;
    void act(row.appointmentId, () =>
      setFlowStatus(encounterId, { status: 'roomed', room: roomId, ...(roomingMa ? { ma: roomingMa } : {}) })
    ).then((ok) => {
      if (ok) setRooming(undefined);
    });
  };

  const onReadyForCheckOut = (row: FlowRow, followUp: FollowUpRequest | undefined) => {
    if (!row.encounterId) return;
    const encounterId = row.encounterId;
    void act(row.appointmentId, () =>
      setFlowStatus(encounterId, { status: 'ready-for-checkout', ...(followUp ? { followUp } : {}) })
    ).then((ok) => {
      if (ok) setFinishing(undefined);
    });
  };

  const onMarkClean = (room: Room) => void act(room.id, () => setRoomStatus(room.id, 'free'));

  const providers = useMemo(() => {
    const byId = new Map<string, string>();
    for (const row of board.data?.rows ?? []) if (row.provider) byId.set(row.provider.id, row.provider.name);
    return [...byId]
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [board.data]);

  const rows = useMemo(
    () =>
      (board.data?.rows ?? [])
        .filter((row) => !provider || row.provider?.id === provider)
        .filter((row) => (status ? row.status === status : showFinished || !isDone(row.status)))
        .sort((a, b) => a.start.localeCompare(b.start)),
    [board.data, provider, status, showFinished]
  );

  const enterWall = () => {
    setParams({ wall: '1' });
    // A real full screen where the browser allows it (a user gesture); the overlay works without it.
    document.documentElement.requestFullscreen?.().catch(() => undefined);
  };
  const exitWall = () => {
    setParams({});
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };

  if (wall && board.data) {
    return <WallBoard board={board.data} now={now} live={live} siteLabel={siteLabel} onExit={exitWall} />;
  }

  return (
    <Stack gap="sm" maw={1500}>
      <Group justify="space-between">
        <Group gap="md" align="baseline">
          <Title order={1}>Flow board{siteLabel ? ` · ${siteLabel}` : ''}</Title>
          <LiveIndicator state={live} />
        </Group>
        <Button variant="default" leftSection={<IconDeviceTv size={16} aria-hidden />} onClick={enterWall}>
          Wall display
        </Button>
      </Group>
      {!rooming && !finishing && <FormErrors error={actionError} fields={[]} />}
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="board">Patients</Tabs.Tab>
          <Tabs.Tab value="rooms">Rooms</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="board" pt="sm">
          <Paper p="sm">
            <Group gap="sm" mb="sm" align="flex-end">
              <Select
                label="Provider"
                placeholder="All providers"
                data={providers}
                value={provider}
                onChange={setProvider}
                clearable
                w={220}
              />
              <Select
                label="Status"
                placeholder="All statuses"
                data={FLOW_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
                value={status}
                onChange={setStatus}
                clearable
                w={220}
              />
              <Switch
                label="Show finished visits"
                description="Checked out, no-shows, left"
                checked={showFinished}
                onChange={(event) => setShowFinished(event.currentTarget.checked)}
              />
            </Group>
            <OneQuery query={board} label="the flow board">
              {(data) =>
                rows.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {data.rows.length === 0
                      ? 'No patients today at this site.'
                      : 'No patient matches the filters.'}
                  </Text>
                ) : (
                  <FlowTable
                    board={data}
                    rows={rows}
                    now={now}
                    timeZone={timeZone ?? data.timeZone}
                    busy={busy}
                    canCheckIn={can.checkIn}
                    onStep={onStep}
                    onNoShow={(row) => void act(row.appointmentId, () => markNoShow(row.appointmentId))}
                    onLeftWithoutBeingSeen={(row) =>
                      void act(row.appointmentId, () => leftWithoutBeingSeen(row.appointmentId))
                    }
                  />
                )
              }
            </OneQuery>
          </Paper>
        </Tabs.Panel>
        <Tabs.Panel value="rooms" pt="sm">
          <OneQuery query={board} label="the rooms">
            {(data) => <RoomsView board={data} now={now} busy={busy} onMarkClean={onMarkClean} />}
          </OneQuery>
        </Tabs.Panel>
      </Tabs>
      {can.checkIn && (
        <CheckInDialog row={checkingIn} onClose={() => setCheckingIn(undefined)} onDone={refresh} />
      )}
      <CheckOutDialog
        row={checkingOut}
        timeZone={timeZone}
        onClose={() => setCheckingOut(undefined)}
        onDone={refresh}
      />
      <ReadyForCheckOutDialog
        row={finishing}
        pending={finishing !== undefined && busy === finishing.appointmentId}
        error={actionError}
        onClose={() => {
          setFinishing(undefined);
          setActionError(undefined);
        }}
        onSubmit={onReadyForCheckOut}
      />
      <RoomDialog
        row={rooming}
        rooms={board.data?.rooms ?? []}
        pending={rooming !== undefined && busy === rooming.appointmentId}
        error={actionError}
        onClose={() => {
          setRooming(undefined);
          setActionError(undefined);
        }}
        onRoom={onRoom}
      />
    </Stack>
  );
}
