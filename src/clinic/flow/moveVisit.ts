import type { Appointment, Encounter, Location } from '@medplum/fhirtypes';
import { badRequest, conflict, notFound } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { assertId, lockCurrent, updateIn } from '../../store/repository.js';
import { encounterOf, siteOf } from './checkIn.js';
import { followUpExtension, parseFollowUp, type FollowUpRequest } from './followUp.js';
import {
  FLOW_STATUS_LABELS,
  FOLLOW_UP_URL,
  FLOW_STATUSES,
  IN_ROOM_STATUSES,
  mayMove,
  ROOM_STATUS,
  ROOM_STATUS_SYSTEM,
  type FlowStatus,
} from './status.js';
import { byOf, findById, flowStatusOf, notifyFlow, refId, roomWriter, withFlowStatus } from './visit.js';

/** Why a patient left without being seen, as they said it (on the Encounter). */
export const LEFT_REASON_URL =
  'https://medassist.dev/fhir/StructureDefinition/left-without-being-seen-reason';

/**
 * Moving a visit through the clinic (docs/decisions/0013-patient-flow.md): each move is checked against the
 * model (status.ts FLOW_TRANSITIONS), appends a history entry, updates Encounter.status and the room, and
 * notifies every board, in one transaction.
 */
export interface MoveRequest {
  status: FlowStatus;
  room?: string;
  ma?: string;
  reason?: string;
  /** The provider's follow-up request, given when the visit moves to ready-for-checkout. */
  followUp?: FollowUpRequest;
}

export function parseMove(body: unknown): MoveRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.status !== 'string' || !(FLOW_STATUSES as readonly string[]).includes(b.status)) {
    throw badRequest(`status must be one of ${FLOW_STATUSES.join(', ')}`, 'status');
  }
  for (const field of ['room', 'ma'] as const) {
    if (b[field] !== undefined) {
      if (typeof b[field] !== 'string') {
        throw badRequest(`${field} must be an id`, field);
      }
      assertId(b[field], field);
    }
  }
  const followUp = parseFollowUp(b.followUp);
  if (followUp && b.status !== 'ready-for-checkout') {
    throw badRequest('a follow-up is asked for when the visit moves to ready-for-checkout', 'followUp');
  }
  return {
    status: b.status as FlowStatus,
    room: b.room as string | undefined,
    ma: b.ma as string | undefined,
    followUp,
  };
}

export type RoomState = keyof typeof ROOM_STATUS;
/** The API's words for room states. */
export const ROOM_STATE_NAMES = {
  free: 'free',
  occupied: 'occupied',
  needsCleaning: 'needs-cleaning',
} as const;

export function roomStateOf(room: Location): 'free' | 'occupied' | 'needs-cleaning' {
  switch (room.operationalStatus?.code) {
    case ROOM_STATUS.occupied.code:
      return 'occupied';
    case ROOM_STATUS.needsCleaning.code:
      return 'needs-cleaning';
    default:
      return 'free';
  }
}

/** Sets a room's Location.operationalStatus (written for the user by the flow: visit.ts roomWriter). */
async function writeRoomState(
  tx: SqlConnection,
  ctx: RequestContext,
  room: Location,
  state: RoomState
): Promise<Location> {
  const { code, display } = ROOM_STATUS[state];
  const updated = await updateIn(tx, roomWriter(ctx), 'Location', room.id as string, {
    ...room,
    operationalStatus: { system: ROOM_STATUS_SYSTEM, code, display },
  });
  return updated.resource as Location;
}

/** Locks a room of the site; 404 for an unknown room, 400 for a Location that is not one of the site's rooms. */
async function lockRoom(
  tx: SqlConnection,
  ctx: RequestContext,
  roomId: string,
  siteId: string | undefined,
  field: string
): Promise<Location> {
  const row = await lockCurrent(tx, roomWriter(ctx), 'Location', roomId);
  const room = row?.content as Location | undefined;
  if (!room || row?.deleted) {
    throw notFound(`room Location/${roomId} was not found`);
  }
  if (siteId && refId(room.partOf?.reference, 'Location') !== siteId) {
    throw badRequest(`Location/${roomId} is not a room of this site`, field);
  }
  return room;
}

/** The room an Encounter is in now (its active Encounter.location other than the site). */
export function currentRoomOf(encounter: Encounter, siteId: string | undefined): string | undefined {
  const active = (encounter.location ?? []).filter(
    (l) => l.status === 'active' && refId(l.location.reference, 'Location') !== siteId
  );
  return refId(active[active.length - 1]?.location.reference, 'Location');
}

export interface Moved {
  encounter: Encounter;
  appointment: Appointment;
  siteId: string;
}

/**
 * The move itself, inside a caller's transaction (check-out makes its last move with it). The Encounter must
 * be locked by the caller or is locked here.
 */
export async function moveIn(
  tx: SqlConnection,
  ctx: RequestContext,
  encounterId: string,
  req: MoveRequest,
  now: Date
): Promise<Moved> {
  const row = await lockCurrent(tx, ctx, 'Encounter', encounterId);
  const encounter = row?.content as Encounter | undefined;
  if (!encounter || row?.deleted) {
    throw notFound(`Encounter/${encounterId} was not found`);
  }
  const appointmentId = refId(encounter.appointment?.[0]?.reference, 'Appointment');
  if (!appointmentId) {
    throw badRequest('this Encounter was not opened by check-in (it has no appointment)', 'id');
  }
  const apptRow = await lockCurrent(tx, ctx, 'Appointment', appointmentId);
  const appointment = apptRow?.content as Appointment;
  const { site } = await siteOf(tx, ctx, appointment);
  const siteId = site.id as string;
  const from = flowStatusOf(encounter);
  if (!mayMove(from, req.status)) {
    throw conflict(
      `a visit that is "${FLOW_STATUS_LABELS[from]}" cannot move to "${FLOW_STATUS_LABELS[req.status]}"`,
      'status'
    );
  }
  const at = now.toISOString();
  const by = byOf(ctx);
  let next = withFlowStatus(encounter, req.status, at, by);
  const heldRoom = currentRoomOf(encounter, siteId);
  const keepsRoom = (IN_ROOM_STATUSES as readonly string[]).includes(req.status);

  if (req.status === 'roomed' && !heldRoom) {
    if (!req.room) {
      throw badRequest('rooming needs a room', 'room');
    }
    const room = await lockRoom(tx, ctx, req.room, siteId, 'room');
    const state = roomStateOf(room);
    if (state !== 'free') {
      throw conflict(
        `${room.alias?.[0] ?? room.name ?? 'that room'} is ${state}: choose another room`,
        'room'
      );
    }
    await writeRoomState(tx, ctx, room, 'occupied');
    next = {
      ...next,
      location: [
        ...(next.location ?? []),
        {
          location: { reference: `Location/${req.room}`, display: room.alias?.[0] ?? room.name },
          status: 'active',
          period: { start: at },
        },
      ],
    };
  } else if (req.room && !(req.status === 'roomed' && heldRoom === req.room)) {
    throw badRequest('a room is given only when rooming a visit that has none', 'room');
  }
  if (heldRoom && !keepsRoom) {
    const room = await lockRoom(tx, ctx, heldRoom, undefined, 'room');
    // Back to the waiting room is a correction: the room was not used. Otherwise it needs cleaning.
    await writeRoomState(tx, ctx, room, req.status === 'waiting' ? 'free' : 'needsCleaning');
    next = {
      ...next,
      location: (next.location ?? []).map((l) =>
        refId(l.location.reference, 'Location') === heldRoom && l.status === 'active'
          ? { ...l, status: 'completed', period: { ...l.period, end: at } }
          : l
      ),
    };
  }
  if (req.ma) {
    const found = await findById(tx, ctx, 'Practitioner', req.ma);
    if (!found) {
      throw badRequest(`Practitioner/${req.ma} was not found`, 'ma');
    }
    const others = (next.participant ?? []).filter(
      (p) => !(p.type ?? []).some((t) => (t.coding ?? []).some((c) => c.code === 'SPRF'))
    );
    next = {
      ...next,
      participant: [
        ...others,
        {
          type: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                  code: 'SPRF',
                  display: 'secondary performer',
                },
              ],
              text: 'medical assistant',
            },
          ],
          individual: { reference: `Practitioner/${req.ma}` },
        },
      ],
    };
  }
  if (req.followUp) {
    next = {
      ...next,
      extension: [
        ...(next.extension ?? []).filter((e) => e.url !== FOLLOW_UP_URL),
        followUpExtension(req.followUp),
      ],
    };
  }
  if (req.status === 'checked-out' || req.status === 'left-without-being-seen') {
    next = {
      ...next,
      ...(req.reason
        ? { extension: [...(next.extension ?? []), { url: LEFT_REASON_URL, valueString: req.reason }] }
        : {}),
      period: { ...next.period, end: at },
      location: (next.location ?? []).map((l) =>
        l.status === 'active' ? { ...l, status: 'completed', period: { ...l.period, end: at } } : l
      ),
    };
  }
  const saved = (await updateIn(tx, ctx, 'Encounter', encounterId, next)).resource as Encounter;
  // The Appointment follows: fulfilled once the visit is over, arrived while it goes on; a visit the patient
  // left before being seen keeps the Appointment `arrived` (it was not a no-show), with the reason on the Encounter.
  const apptStatus: Appointment['status'] = req.status === 'checked-out' ? 'fulfilled' : 'arrived';
  let savedAppointment = appointment;
  if (appointment.status !== apptStatus) {
    savedAppointment = (
      await updateIn(tx, ctx, 'Appointment', appointmentId, { ...appointment, status: apptStatus })
    ).resource as Appointment;
  }
  await notifyFlow(tx, {
    practice: ctx.practiceId,
    location: siteId,
    appointmentId,
    encounterId,
    status: req.status,
    at,
  });
  return { encounter: saved, appointment: savedAppointment, siteId };
}

/** Moves a visit (POST /api/flow/encounters/:id/status). */
export function moveVisit(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: MoveRequest,
  now = new Date()
): Promise<Moved> {
  assertId(encounterId, 'id');
  return db.transaction((tx) => moveIn(tx, ctx, encounterId, req, now));
}

/** The patient left before the provider saw them (POST /api/flow/appointments/:id/left-without-being-seen). */
export function leftWithoutBeingSeen(
  db: Database,
  ctx: RequestContext,
  appointmentId: string,
  reason: string | undefined,
  now = new Date()
): Promise<Moved> {
  assertId(appointmentId, 'id');
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) {
    throw badRequest('reason is at most 500 characters', 'reason');
  }
  return db.transaction(async (tx) => {
    const encounter = await encounterOf(tx, ctx, appointmentId);
    if (!encounter) {
      const row = await lockCurrent(tx, ctx, 'Appointment', appointmentId);
      if (!row?.content || row.deleted) {
        throw notFound(`Appointment/${appointmentId} was not found`);
      }
      throw conflict('the patient was never checked in: record a no-show or cancel instead', 'status');
    }
    return moveIn(tx, ctx, encounter.id as string, { status: 'left-without-being-seen', reason }, now);
  });
}

/** Marks a room (POST /api/flow/rooms/:id/status): cleaned (free), needs cleaning, or occupied. */
export async function setRoomStatus(
  db: Database,
  ctx: RequestContext,
  roomId: string,
  status: unknown,
  now = new Date()
): Promise<Location> {
  assertId(roomId, 'id');
  const state = (Object.entries(ROOM_STATE_NAMES).find(([, name]) => name === status)?.[0] ?? undefined) as
    RoomState | undefined;
  if (!state) {
    throw badRequest(`status must be one of ${Object.values(ROOM_STATE_NAMES).join(', ')}`, 'status');
  }
  return db.transaction(async (tx) => {
    const room = await lockRoom(tx, ctx, roomId, undefined, 'id');
    const siteId = refId(room.partOf?.reference, 'Location');
    if (!siteId) {
      throw badRequest(`Location/${roomId} is not a room of a site`, 'id');
    }
    const saved = await writeRoomState(tx, ctx, room, state);
    await notifyFlow(tx, {
      practice: ctx.practiceId,
      location: siteId,
      appointmentId: '',
      status: `room:${ROOM_STATE_NAMES[state]}`,
      at: now.toISOString(),
    });
    return saved;
  });
}
