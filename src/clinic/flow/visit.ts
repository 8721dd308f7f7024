import type { Appointment, Encounter, Extension, Location, Resource } from '@medplum/fhirtypes';
import type { Principal } from '../../auth/principal.js';
import { badRequest } from '../../fhir/outcome.js';
import { accessConditions } from '../../store/access.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { SqlParams } from '../../store/search/sqlParams.js';
import {
  FLOW_HISTORY_URL,
  FLOW_STATUS_URL,
  FLOW_STATUSES,
  FLOW_TO_ENCOUNTER_STATUS,
  type FlowStatus,
} from './status.js';
import { TIMEZONE_URL } from '../scheduling/model.js';
import { VISIT_TYPE_SYSTEM } from '../scheduling/visitTypes.js';

/**
 * What check-in, the board and check-out share: where a visit is (its site and the site's time zone),
 * whose it is, its flow status and history on the Encounter, and the live-feed notice of a change.
 */

export { TIMEZONE_URL, VISIT_TYPE_SYSTEM };
/** The NOTIFY channel of flow changes (docs/decisions/0013-patient-flow.md). */
export const FLOW_CHANNEL = 'medassist_flow';

/** The live-feed notice of one committed change: no patient data. */
export interface FlowNotice {
  practice: string;
  location: string;
  appointmentId: string;
  encounterId?: string;
  status: string;
  at: string;
}

/** Sends the notice inside the transaction: PostgreSQL delivers it to every LISTENer at commit, or never. */
export async function notifyFlow(tx: SqlConnection, notice: FlowNotice): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [FLOW_CHANNEL, JSON.stringify(notice)]);
}

/** The clinic's time zone: the site Location's R4 timezone extension (UTC when it has none). */
export function timeZoneOf(site: Location): string {
  const zone = site.extension?.find((e) => e.url === TIMEZONE_URL)?.valueCode;
  return zone && isTimeZone(zone) ? zone : 'UTC';
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)])
  ) as Record<string, number>;
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The UTC instant of local midnight starting `date` in the zone. */
export function localMidnight(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  let ms = guess - offsetMinutes(guess, timeZone) * 60_000;
  // Across a DST change the offset at the guess and at the answer differ: one correction settles it.
  ms = guess - offsetMinutes(ms, timeZone) * 60_000;
  return new Date(ms);
}

/** The calendar day `days` after (negative: before) a YYYY-MM-DD date (decision 0017: never 24-hour steps). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The day `months` calendar months before (negative) or after `date`, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** [start, end) of a local day, in UTC. */
export function dayRange(date: string, timeZone: string): { start: Date; end: Date } {
  return { start: localMidnight(date, timeZone), end: localMidnight(addDays(date, 1), timeZone) };
}

/** Checks a YYYY-MM-DD date. */
export function parseDate(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw badRequest(`${field} must be a date, YYYY-MM-DD`, field);
  }
  const [y, m, d] = value.split('-').map(Number);
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw badRequest(`${field}: ${value} is not a calendar date`, field);
  }
  return value;
}

/** The id in a reference "Type/id" of the given type, or undefined. */
export function refId(reference: string | undefined, type: string): string | undefined {
  const m = reference ? /^(?:.*\/)?([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference) : null;
  return m && m[1] === type ? m[2] : undefined;
}

/** The participant of an Appointment of a type (Patient, Practitioner, Location). */
export function participantOf(
  appointment: Appointment,
  type: string
): { id: string; display?: string } | undefined {
  for (const p of appointment.participant ?? []) {
    const id = refId(p.actor?.reference, type);
    if (id) {
      return { id, display: p.actor?.display };
    }
  }
  return undefined;
}

/** The visit type (urn:medassist:visit-type) of an Appointment. */
export function visitTypeOf(appointment: Appointment): { code: string; display: string } {
  const coding = appointment.appointmentType?.coding?.find((c) => c.system === VISIT_TYPE_SYSTEM);
  return {
    code: coding?.code ?? 'visit',
    display: coding?.display ?? appointment.appointmentType?.text ?? 'Visit',
  };
}

/** Who made a change, as the flow history records it (the user's name: users have no Practitioner link). */
export function byOf(ctx: RequestContext): string {
  return ctx.principal?.name ?? 'medassist';
}

/** The current flow status of an Encounter (its extension; from Encounter.status when absent). */
export function flowStatusOf(encounter: Encounter): FlowStatus {
  const code = encounter.extension?.find((e) => e.url === FLOW_STATUS_URL)?.valueCode;
  if (code && (FLOW_STATUSES as readonly string[]).includes(code)) {
    return code as FlowStatus;
  }
  switch (encounter.status) {
    case 'finished':
      return 'checked-out';
    case 'cancelled':
      return 'left-without-being-seen';
    case 'in-progress':
      return 'with-provider';
    case 'triaged':
      return 'roomed';
    default:
      return 'arrived';
  }
}

/** One entry of the flow history. */
export interface FlowHistoryEntry {
  status: FlowStatus;
  start: string;
  by?: string;
}

export function flowHistoryOf(encounter: Encounter): FlowHistoryEntry[] {
  return (encounter.extension ?? [])
    .filter((e) => e.url === FLOW_HISTORY_URL)
    .map((e) => {
      const sub = (url: string): Extension | undefined => e.extension?.find((s) => s.url === url);
      return {
        status: sub('status')?.valueCode as FlowStatus,
        start: sub('start')?.valueDateTime ?? '',
        by: sub('by')?.valueString ?? sub('by')?.valueReference?.display,
      };
    });
}

/** The Encounter with a new flow status: the status extension, a history entry, Encounter.status. */
export function withFlowStatus(encounter: Encounter, status: FlowStatus, at: string, by: string): Encounter {
  const others = (encounter.extension ?? []).filter((e) => e.url !== FLOW_STATUS_URL);
  const entry: Extension = {
    url: FLOW_HISTORY_URL,
    extension: [
      { url: 'status', valueCode: status },
      { url: 'start', valueDateTime: at },
      { url: 'by', valueString: by },
    ],
  };
  const encounterStatus = (FLOW_TO_ENCOUNTER_STATUS as Partial<Record<FlowStatus, Encounter['status']>>)[
    status
  ];
  return {
    ...encounter,
    status: encounterStatus ?? encounter.status,
    extension: [{ url: FLOW_STATUS_URL, valueCode: status }, ...others, entry],
  };
}

/** Current resources of a type that reference `reference` through a search parameter, as the caller may read them. */
export async function findReferencing<T extends Resource>(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  param: string,
  reference: string
): Promise<T[]> {
  const p = new SqlParams(ctx.practiceId, type);
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = ${p.add(param)} AND value = ${p.add(reference)})`,
    ...accessConditions(ctx, 'search', type, 'r.resource_type', 'r.id', p),
  ];
  const result = await conn.query<{ content: T }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')} ORDER BY r.id`,
    p.values
  );
  return result.rows.map((r) => r.content);
}

/** A current resource the caller may read, or undefined (never an error: the caller names the field). */
export async function findById<T extends Resource>(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  id: string
): Promise<T | undefined> {
  const p = new SqlParams(ctx.practiceId, type, id);
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'r.id = $3',
    'NOT r.deleted',
    ...accessConditions(ctx, 'read', type, 'r.resource_type', 'r.id', p),
  ];
  const result = await conn.query<{ content: T }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')}`,
    p.values
  );
  return result.rows[0]?.content;
}

/**
 * The principal that writes a room's state (Location.operationalStatus) for a flow change. Rooms are in the
 * practice directory, which the front desk and MAs only read; a room's occupancy follows from a visit move
 * they may make, so this write is made for them with a scope of room Locations alone, named after them in
 * the audit trail (docs/decisions/0013-patient-flow.md).
 */
export function roomWriter(ctx: RequestContext): RequestContext {
  const principal = ctx.principal;
  if (!principal) {
    return ctx;
  }
  const delegated: Principal = {
    kind: 'system',
    id: `system:flow-rooms:${principal.id}`,
    name: `room status for ${principal.name} (flow)`,
    practiceId: principal.practiceId,
    roles: [],
    permissions: [],
    scopes: ['system/Location.rus'],
    emergencyPatients: [],
    address: principal.address,
  };
  return { ...ctx, principal: delegated };
}
