import type {
  Appointment,
  Communication,
  Encounter,
  Extension,
  Flag,
  HumanName,
  Location,
  Patient,
  Practitioner,
} from '@medplum/fhirtypes';
import { assertAllowed, hidesRestricted, typeAccess } from '../../auth/policy.js';
import { badRequest } from '../../fhir/outcome.js';
import { accessConditions, restrictedSql } from '../../store/access.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { assertId, Repository, updateIn } from '../../store/repository.js';
import { SqlParams } from '../../store/search/sqlParams.js';
import { NOTICE_CATEGORY_SYSTEM } from '../rooming/model.js';
import { currentRoomOf, roomStateOf } from './moveVisit.js';
import {
  DEFAULT_THRESHOLDS,
  FLOW_FLAG_URL,
  FLOW_FLAGS,
  FLOW_STATUSES,
  FLOW_THRESHOLD_URL,
  type FlowFlag,
  type FlowStatus,
  type Threshold,
} from './status.js';
import {
  flowHistoryOf,
  flowStatusOf,
  localDate,
  dayRange,
  notifyFlow,
  participantOf,
  refId,
  timeZoneOf,
  visitTypeOf,
} from './visit.js';

/**
 * The flow board (docs/front-desk-api.md): a site's visits of one day with their status, times, people,
 * room and flags, and the site's rooms. Two queries: the visits (Appointment, its Encounter, its Patient,
 * restricted charts masked in the SQL), then what the rows point at (rooms, flags, open orders, staff).
 */
export interface Named {
  id: string;
  name: string;
}

export interface FlowRow {
  appointmentId: string;
  encounterId?: string;
  patient: { id: string; name: string; birthDate?: string } | null;
  restricted: boolean;
  start: string;
  end?: string;
  visitType: { code: string; display: string };
  provider?: Named;
  ma?: Named;
  status: FlowStatus;
  statusSince?: string;
  arrivedAt?: string;
  room?: Named;
  flags: FlowFlag[];
  /** Open notices to the provider about this visit (rooming notices: counts only, no text; 0 on restricted rows). */
  notices: { urgent: number; routine: number };
}

export interface Room {
  id: string;
  name: string;
  status: 'free' | 'occupied' | 'needs-cleaning';
  since?: string;
  patient?: Named | null;
  encounterId?: string;
}

export interface FlowBoard {
  date: string;
  timeZone: string;
  thresholds: Partial<Record<FlowStatus, Threshold>>;
  rows: FlowRow[];
  rooms: Room[];
}

/** Flag codes (Flag.code) that mean a board flag: medassist's own codes, and SNOMED CT "at risk for falls". */
const FLAG_CODES: Record<string, FlowFlag> = {
  'mobility-aid': 'mobility-aid',
  'fall-risk': 'fall-risk',
  '129839007': 'fall-risk',
};
const INTERPRETER_REQUIRED_URL = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';
/** Appointments that never show on the board. */
const OFF_BOARD = ['cancelled', 'entered-in-error', 'waitlist', 'proposed', 'pending'];

export function displayName(names: HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  if (!name) {
    return '';
  }
  if (name.text) {
    return name.text;
  }
  return [...(name.given ?? []), name.family ?? ''].join(' ').trim();
}

/** The site's thresholds: its own (flow settings) over the defaults. */
export function thresholdsOf(site: Location): Partial<Record<FlowStatus, Threshold>> {
  const thresholds = { ...DEFAULT_THRESHOLDS };
  for (const ext of site.extension ?? []) {
    if (ext.url !== FLOW_THRESHOLD_URL) continue;
    const sub = (url: string): Extension | undefined => ext.extension?.find((e) => e.url === url);
    const status = sub('status')?.valueCode as FlowStatus | undefined;
    const amber = sub('amber')?.valueInteger;
    const red = sub('red')?.valueInteger;
    if (status && amber !== undefined && red !== undefined) {
      thresholds[status] = { amber, red };
    }
  }
  return thresholds;
}

function needsInterpreter(patient: Patient): boolean {
  if (patient.extension?.some((e) => e.url === INTERPRETER_REQUIRED_URL && e.valueBoolean === true)) {
    return true;
  }
  const preferred = patient.communication?.find((c) => c.preferred) ?? patient.communication?.[0];
  const code = preferred?.language?.coding?.[0]?.code;
  return code !== undefined && !/^en\b/i.test(code);
}

function appointmentStatus(appointment: Appointment): FlowStatus {
  switch (appointment.status) {
    case 'noshow':
      return 'no-show';
    case 'arrived':
    case 'checked-in':
      return 'arrived';
    case 'fulfilled':
      return 'checked-out';
    default:
      return 'scheduled';
  }
}

/** Builds the board of a site for a local date (default: today in the site's time zone). */
export async function flowBoard(
  conn: SqlConnection,
  ctx: RequestContext,
  locationId: string,
  date: string | undefined,
  now = new Date()
): Promise<FlowBoard> {
  assertId(locationId, 'location');
  const principal = ctx.principal;
  if (principal) {
    for (const type of ['Appointment', 'Encounter', 'Patient', 'Location']) {
      assertAllowed(principal, 'search', type);
    }
  }
  const site = (await new Repository(conn).read(ctx, 'Location', locationId)) as Location;
  const timeZone = timeZoneOf(site);
  const day = date ?? localDate(now, timeZone);
  const { start, end } = dayRange(day, timeZone);

  const p = new SqlParams(ctx.practiceId);
  const restricted =
    principal && hidesRestricted(principal)
      ? restrictedSql("'Appointment'", 'a.id', p, principal.emergencyPatients)
      : 'false';
  const visits = await conn.query<{
    appointment: Appointment;
    encounter: Encounter | null;
    patient: Patient | null;
    restricted: boolean;
  }>(
    `SELECT a.content AS appointment, e.content AS encounter, pt.content AS patient, v.restricted
     FROM resource a
     CROSS JOIN LATERAL (SELECT ${restricted} AS restricted) v
     LEFT JOIN LATERAL (
       SELECT r.content FROM resource r
       WHERE r.practice_id = $1 AND r.resource_type = 'Encounter' AND NOT r.deleted
         AND r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = 'Encounter'
                      AND param = 'appointment' AND value = 'Appointment/' || a.id)
       ORDER BY r.last_updated DESC LIMIT 1) e ON true
     LEFT JOIN resource pt ON NOT v.restricted AND pt.practice_id = $1 AND pt.resource_type = 'Patient' AND NOT pt.deleted
       AND pt.id = (SELECT si.display FROM search_index si WHERE si.practice_id = $1 AND si.resource_type = 'Appointment'
                    AND si.resource_id = a.id AND si.param = 'patient' LIMIT 1)
     WHERE a.practice_id = $1 AND a.resource_type = 'Appointment' AND NOT a.deleted
       AND a.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = 'Appointment'
                    AND param = 'location' AND value = ${p.add(`Location/${locationId}`)})
       AND a.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = 'Appointment'
                    AND param = 'date' AND lo < ${p.add(end.toISOString())}::timestamptz AND hi > ${p.add(start.toISOString())}::timestamptz)
       AND NOT (a.content->>'status' = ANY(${p.add(OFF_BOARD)}::text[]))
     ORDER BY a.content->>'start', a.id`,
    p.values
  );

  const patientIds = visits.rows.flatMap((r) => (r.patient?.id ? [r.patient.id] : []));
  const staffIds = new Set<string>();
  for (const r of visits.rows) {
    const provider = participantOf(r.appointment, 'Practitioner');
    if (provider && !provider.display) staffIds.add(provider.id);
    for (const part of r.encounter?.participant ?? []) {
      const id = refId(part.individual?.reference, 'Practitioner');
      if (id) staffIds.add(id);
    }
  }
  const q = new SqlParams(ctx.practiceId);
  const parts = [
    `SELECT 'room' AS kind, r.content, r.last_updated FROM resource r WHERE r.practice_id = $1 AND r.resource_type = 'Location' AND NOT r.deleted
       AND r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = 'Location' AND param = 'partof' AND value = ${q.add(`Location/${locationId}`)})`,
    `SELECT 'staff' AS kind, r.content, r.last_updated FROM resource r WHERE r.practice_id = $1 AND r.resource_type = 'Practitioner' AND NOT r.deleted
       AND r.id = ANY(${q.add([...staffIds])}::text[])`,
  ];
  const patientsParam = q.add(patientIds);
  const sideTypes: [string, string][] = [
    ['flag', 'Flag'],
    ['order', 'ServiceRequest'],
  ];
  for (const [kind, type] of sideTypes) {
    // Flags and open orders only for roles that read them (the front desk reads no orders): fail closed.
    if (principal && typeAccess(principal, 'search', type).kind === 'none') continue;
    const typeParam = q.add(type);
    const access = accessConditions(ctx, 'search', type, 'r.resource_type', 'r.id', q);
    const open =
      type === 'Flag'
        ? `r.content->>'status' = 'active'`
        : `r.content->>'status' IN ('active', 'on-hold') AND r.content->>'intent' IN ('order', 'original-order')`;
    parts.push(
      `SELECT '${kind}' AS kind, r.content, r.last_updated FROM resource r WHERE r.practice_id = $1 AND r.resource_type = ${typeParam} AND NOT r.deleted AND ${open}
         AND r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = ${typeParam} AND param = 'patient' AND system = 'Patient' AND display = ANY(${patientsParam}::text[]))
         ${access.map((c) => `AND ${c}`).join(' ')}`
    );
  }
  // Open notices to the provider about the board's visits (in-progress Communications of the rooming notice
  // category), for counts on the rows: only for roles that read messages.
  const encounterRefs = visits.rows.flatMap((r) =>
    r.encounter?.id && !r.restricted ? [`Encounter/${r.encounter.id}`] : []
  );
  if (
    encounterRefs.length > 0 &&
    !(principal && typeAccess(principal, 'search', 'Communication').kind === 'none')
  ) {
    const typeParam = q.add('Communication');
    const access = accessConditions(ctx, 'search', 'Communication', 'r.resource_type', 'r.id', q);
    parts.push(
      `SELECT 'notice' AS kind, r.content, r.last_updated FROM resource r WHERE r.practice_id = $1 AND r.resource_type = ${typeParam} AND NOT r.deleted
         AND r.content->>'status' = 'in-progress'
         AND r.content->'category' @> ${q.add(JSON.stringify([{ coding: [{ system: NOTICE_CATEGORY_SYSTEM }] }]))}::jsonb
         AND r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = ${typeParam} AND param = 'encounter' AND value = ANY(${q.add(encounterRefs)}::text[]))
         ${access.map((c) => `AND ${c}`).join(' ')}`
    );
  }
  const side = await conn.query<{
    kind: string;
    content: Location | Practitioner | Flag | Communication;
    last_updated: Date | string;
  }>(parts.join('\nUNION ALL\n'), q.values);
  const noticesByEncounter = new Map<string, { urgent: number; routine: number }>();

  const staff = new Map<string, string>();
  const flagsByPatient = new Map<string, Set<FlowFlag>>();
  const addFlag = (patientId: string | undefined, flag: FlowFlag): void => {
    if (!patientId) return;
    const set = flagsByPatient.get(patientId) ?? new Set<FlowFlag>();
    set.add(flag);
    flagsByPatient.set(patientId, set);
  };
  const roomRows: { room: Location; since: string }[] = [];
  for (const row of side.rows) {
    if (row.kind === 'room') {
      roomRows.push({ room: row.content as Location, since: new Date(row.last_updated).toISOString() });
    } else if (row.kind === 'staff') {
      const practitioner = row.content as Practitioner;
      staff.set(practitioner.id as string, displayName(practitioner.name));
    } else if (row.kind === 'flag') {
      const flag = row.content as Flag;
      for (const coding of flag.code?.coding ?? []) {
        const mapped = coding.code ? FLAG_CODES[coding.code] : undefined;
        if (mapped) addFlag(refId(flag.subject?.reference, 'Patient'), mapped);
      }
    } else if (row.kind === 'notice') {
      const notice = row.content as Communication;
      const encounterId = refId(notice.encounter?.reference, 'Encounter');
      if (encounterId) {
        const counts = noticesByEncounter.get(encounterId) ?? { urgent: 0, routine: 0 };
        if (notice.priority === 'urgent' || notice.priority === 'stat') counts.urgent += 1;
        else counts.routine += 1;
        noticesByEncounter.set(encounterId, counts);
      }
    } else if (row.kind === 'order') {
      addFlag(
        refId((row.content as { subject?: { reference?: string } }).subject?.reference, 'Patient'),
        'labs-needed'
      );
    }
  }

  const roomOccupant = new Map<string, { encounterId: string; patient: Named | null }>();
  const rows: FlowRow[] = visits.rows.map((r) => {
    const appointment = r.appointment;
    const encounter = r.encounter ?? undefined;
    const patient = r.patient;
    const providerRef = participantOf(appointment, 'Practitioner');
    const history = encounter ? flowHistoryOf(encounter) : [];
    const status = encounter ? flowStatusOf(encounter) : appointmentStatus(appointment);
    const flags = new Set<FlowFlag>(patient?.id ? (flagsByPatient.get(patient.id) ?? []) : []);
    if (patient && needsInterpreter(patient)) flags.add('interpreter');
    for (const ext of encounter?.extension ?? []) {
      if (ext.url === FLOW_FLAG_URL && (FLOW_FLAGS as readonly string[]).includes(ext.valueCode ?? '')) {
        flags.add(ext.valueCode as FlowFlag);
      }
    }
    const maPart = encounter?.participant?.find((part) =>
      (part.type ?? []).some((t) => (t.coding ?? []).some((c) => c.code === 'SPRF'))
    );
    const maId = refId(maPart?.individual?.reference, 'Practitioner');
    const roomId = encounter ? currentRoomOf(encounter, locationId) : undefined;
    const roomEntry = roomRows.find((x) => x.room.id === roomId)?.room;
    const patientNamed = patient ? { id: patient.id as string, name: displayName(patient.name) } : null;
    if (roomId && encounter?.id) {
      roomOccupant.set(roomId, { encounterId: encounter.id, patient: patientNamed });
    }
    return {
      appointmentId: appointment.id as string,
      ...(encounter?.id ? { encounterId: encounter.id } : {}),
      patient: patientNamed ? { ...patientNamed, birthDate: patient?.birthDate } : null,
      restricted: r.restricted,
      start: appointment.start ?? '',
      ...(appointment.end ? { end: appointment.end } : {}),
      visitType: visitTypeOf(appointment),
      ...(providerRef
        ? { provider: { id: providerRef.id, name: providerRef.display ?? staff.get(providerRef.id) ?? '' } }
        : {}),
      ...(maId ? { ma: { id: maId, name: staff.get(maId) ?? '' } } : {}),
      status,
      ...(history.length > 0
        ? { statusSince: history[history.length - 1].start }
        : encounter?.period?.start
          ? { statusSince: encounter.period.start }
          : {}),
      ...(encounter
        ? { arrivedAt: history.find((h) => h.status === 'arrived')?.start ?? encounter.period?.start }
        : {}),
      ...(roomId ? { room: { id: roomId, name: roomEntry?.alias?.[0] ?? roomEntry?.name ?? roomId } } : {}),
      flags: FLOW_FLAGS.filter((f) => flags.has(f)),
      notices:
        encounter?.id && !r.restricted
          ? (noticesByEncounter.get(encounter.id) ?? { urgent: 0, routine: 0 })
          : { urgent: 0, routine: 0 },
    };
  });
  const rooms: Room[] = roomRows
    .filter((x) => x.room.status !== 'inactive')
    .sort((a, b) => (a.room.name ?? '').localeCompare(b.room.name ?? '', 'en', { numeric: true }))
    .map(({ room, since }) => {
      const occupant = roomOccupant.get(room.id as string);
      return {
        id: room.id as string,
        name: room.alias?.[0] ?? room.name ?? (room.id as string),
        status: roomStateOf(room),
        since,
        ...(occupant ? { patient: occupant.patient, encounterId: occupant.encounterId } : {}),
      };
    });
  return { date: day, timeZone, thresholds: thresholdsOf(site), rows, rooms };
}

/** Checks a thresholds body: { [status]: { amber, red } }, whole minutes, amber below red. */
export function parseThresholds(body: unknown): Partial<Record<FlowStatus, Threshold>> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const thresholds = b.thresholds;
  if (typeof thresholds !== 'object' || thresholds === null || Array.isArray(thresholds)) {
    throw badRequest('thresholds must be an object { [status]: { amber, red } } in minutes', 'thresholds');
  }
  const out: Partial<Record<FlowStatus, Threshold>> = {};
  for (const [status, value] of Object.entries(thresholds as Record<string, unknown>)) {
    const field = `thresholds.${status}`;
    if (!(FLOW_STATUSES as readonly string[]).includes(status)) {
      throw badRequest(`${status} is not a flow status`, field);
    }
    const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    for (const key of ['amber', 'red'] as const) {
      const n = v[key];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 24 * 60) {
        throw badRequest(`${key} must be whole minutes, 1-1440`, `${field}.${key}`);
      }
    }
    if ((v.amber as number) >= (v.red as number)) {
      throw badRequest('amber must come before red (fewer minutes)', `${field}.amber`);
    }
    out[status as FlowStatus] = { amber: v.amber as number, red: v.red as number };
  }
  return out;
}

/**
 * Saves a site's thresholds on its Location (extensions). Only roles that write the practice directory
 * (practice administrators, lead MAs) may: the store's access check refuses the others.
 */
export async function saveThresholds(
  db: Database,
  ctx: RequestContext,
  locationId: string,
  thresholds: Partial<Record<FlowStatus, Threshold>>,
  now = new Date()
): Promise<Partial<Record<FlowStatus, Threshold>>> {
  assertId(locationId, 'location');
  return db.transaction(async (tx) => {
    const site = (await new Repository(tx).read(ctx, 'Location', locationId)) as Location;
    const merged = {
      ...thresholdsOf({ ...site, extension: site.extension?.filter((e) => e.url === FLOW_THRESHOLD_URL) }),
      ...thresholds,
    };
    const own = Object.entries(merged)
      .filter(([status, t]) => {
        const d = DEFAULT_THRESHOLDS[status as FlowStatus];
        return !d || d.amber !== t.amber || d.red !== t.red;
      })
      .map(([status, t]) => ({
        url: FLOW_THRESHOLD_URL,
        extension: [
          { url: 'status', valueCode: status },
          { url: 'amber', valueInteger: t.amber },
          { url: 'red', valueInteger: t.red },
        ],
      }));
    const updated = await updateIn(tx, ctx, 'Location', locationId, {
      ...site,
      extension: [...(site.extension ?? []).filter((e) => e.url !== FLOW_THRESHOLD_URL), ...own],
    });
    await notifyFlow(tx, {
      practice: ctx.practiceId,
      location: locationId,
      appointmentId: '',
      status: 'settings',
      at: now.toISOString(),
    });
    return thresholdsOf(updated.resource as Location);
  });
}
