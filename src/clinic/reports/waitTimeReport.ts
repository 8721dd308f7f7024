import type { Appointment, Encounter, Location, Practitioner, Resource } from '@medplum/fhirtypes';
import type { Role } from '../../auth/accessMatrix.js';
import { typeAccess } from '../../auth/policy.js';
import { badRequest, forbidden } from '../../fhir/outcome.js';
import { accessConditions } from '../../store/access.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { assertId } from '../../store/repository.js';
import { SqlParams } from '../../store/search/sqlParams.js';
import { FLOW_HISTORY_URL } from '../flow/status.js';
import { TIMEZONE_URL } from '../scheduling/model.js';
import {
  summarize,
  type DueAppointment,
  type VisitTimes,
  type WaitTimeDay,
  type WaitTimeFigures,
  type WaitTimeRow,
} from './waitTimeStats.js';

/** Who may run the report (issue 5): it carries no patient names, only counts and minutes. */
export const REPORT_ROLES: readonly Role[] = ['front-desk', 'lead-ma', 'provider', 'practice-admin'];

/** The longest range one report covers. */
export const MAX_REPORT_DAYS = 366;

const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DAY_MS = 86_400_000;
/** Appointment statuses that were never due: nobody was expected to come. */
const NOT_DUE = new Set(['cancelled', 'entered-in-error', 'proposed', 'pending', 'waitlist']);
const UNASSIGNED = { id: 'unassigned', name: 'Unassigned' };

export interface WaitTimeQuery {
  /** First and last local date of the range (YYYY-MM-DD), both included. */
  from: string;
  to: string;
  /** A site Location id: only visits and appointments there. */
  location?: string;
  /** A Practitioner id: only their visits and appointments. */
  provider?: string;
}

export interface WaitTimeReport {
  from: string;
  to: string;
  location?: string;
  provider?: string;
  generatedAt: string;
  /** The definitions the figures follow (waitTimeStats.ts), so a printed report says how it was counted. */
  definitions: Record<'median' | 'p90' | 'onTime' | 'noShowRate' | 'scope', string>;
  rows: WaitTimeRow[];
  days: WaitTimeDay[];
  total: WaitTimeFigures;
}

export const DEFINITIONS: WaitTimeReport['definitions'] = {
  median: 'the middle value, or the mean of the two middle values when there is an even number',
  p90: 'nearest rank: the value at rank ceil(0.9 x n) of the values sorted ascending',
  onTime:
    'a visit with an appointment whose with-provider time began no later than 5 minutes after the appointment start',
  noShowRate:
    'no-show appointments / appointments that were due (started before now; not cancelled, entered in error, proposed, pending or waitlisted)',
  scope:
    "days are the site's local dates of arrival (visits) and of the appointment start; charts the user may not open (restricted) are not counted",
};

/** Parses and checks the query string; every problem names its field. */
export function parseWaitTimeQuery(query: Record<string, unknown>): WaitTimeQuery {
  const one = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw badRequest(`${name} must be given once`, name);
    return value;
  };
  const date = (name: 'from' | 'to'): string => {
    const value = one(name);
    if (!value) throw badRequest(`${name} is required (a date, YYYY-MM-DD)`, name);
    if (!DATE_RE.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw badRequest(`${name} must be a date (YYYY-MM-DD), got "${value.slice(0, 40)}"`, name);
    }
    return value;
  };
  const from = date('from');
  const to = date('to');
  if (to < from) throw badRequest('to must be on or after from', 'to');
  if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > MAX_REPORT_DAYS) {
    throw badRequest(`the range may cover at most ${MAX_REPORT_DAYS} days`, 'to');
  }
  const location = one('location');
  if (location) assertId(location, 'location');
  const provider = one('provider');
  if (provider) assertId(provider, 'provider');
  return { from, to, ...(location ? { location } : {}), ...(provider ? { provider } : {}) };
}

/** Users of REPORT_ROLES; API clients whose scopes let them search Encounters and Appointments. */
export function assertMayRunReport(ctx: RequestContext): void {
  const principal = ctx.principal;
  if (!principal || principal.kind === 'system') return;
  if (principal.kind === 'user') {
    if (!principal.roles.some((role) => REPORT_ROLES.includes(role))) {
      throw forbidden(
        'the wait-time report is for the front desk, lead MAs, providers and practice administrators'
      );
    }
    return;
  }
  for (const type of ['Encounter', 'Appointment']) {
    if (typeAccess(principal, 'search', type).kind === 'none') {
      throw forbidden(`the wait-time report needs search access to ${type}`);
    }
  }
}

/** Current resources of a type whose `date` search value overlaps [fromMs, toMs), within the caller's access. */
async function inRange<T extends Resource>(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  fromMs: number,
  toMs: number
): Promise<T[]> {
  const p = new SqlParams(ctx.practiceId, type);
  const from = p.add(new Date(fromMs).toISOString());
  const to = p.add(new Date(toMs).toISOString());
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    `EXISTS (SELECT 1 FROM search_index d WHERE d.practice_id = $1 AND d.resource_type = $2 AND d.resource_id = r.id
       AND d.param = 'date' AND d.lo < ${to}::timestamptz AND d.hi >= ${from}::timestamptz)`,
    ...accessConditions(ctx, 'search', type, '$2', 'r.id', p),
  ];
  const result = await conn.query<{ content: T }>(
    `SELECT r.content FROM resource r WHERE ${where.join(' AND ')}`,
    p.values
  );
  return result.rows.map((row) => row.content);
}

async function byIds<T extends Resource>(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  ids: readonly string[] | undefined
): Promise<T[]> {
  const p = new SqlParams(ctx.practiceId, type);
  const where = ['r.practice_id = $1', 'r.resource_type = $2', 'NOT r.deleted'];
  if (ids) where.push(`r.id = ANY(${p.add([...ids])}::text[])`);
  where.push(...accessConditions(ctx, 'search', type, '$2', 'r.id', p));
  const result = await conn.query<{ content: T }>(
    `SELECT r.content FROM resource r WHERE ${where.join(' AND ')}`,
    p.values
  );
  return result.rows.map((row) => row.content);
}

const idOf = (reference: string | undefined, type: string): string | undefined =>
  reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(ms: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(new Date(ms));
}

/** First time each flow status was entered, from the Encounter's flow history (status.ts). */
function firstTimes(encounter: Encounter): Map<string, number> {
  const times = new Map<string, number>();
  for (const ext of encounter.extension ?? []) {
    if (ext.url !== FLOW_HISTORY_URL) continue;
    const status = ext.extension?.find((e) => e.url === 'status')?.valueCode;
    const start = Date.parse(ext.extension?.find((e) => e.url === 'start')?.valueDateTime ?? '');
    if (!status || Number.isNaN(start)) continue;
    const seen = times.get(status);
    if (seen === undefined || start < seen) times.set(status, start);
  }
  return times;
}

/**
 * The wait-time report over a range of local dates (docs/front-desk-api.md): per day and provider, visits,
 * arrival to roomed, roomed to provider and total visit time (median and 90th percentile, minutes), no-show
 * rate and on-time starts, computed from the Encounters' flow history and the Appointments. Read-only;
 * every statement carries the caller's access, so restricted charts count only for those who may open them.
 */
export async function waitTimeReport(
  conn: SqlConnection,
  ctx: RequestContext,
  query: WaitTimeQuery,
  now: Date = new Date()
): Promise<WaitTimeReport> {
  assertMayRunReport(ctx);
  // Sites and their zones: a Location with a partOf is a room (or a part) of the site it names.
  const locations = await byIds<Location>(conn, ctx, 'Location', undefined);
  const byId = new Map(locations.map((l) => [l.id ?? '', l]));
  const siteOf = (id: string | undefined): string | undefined => {
    let current = id;
    for (let depth = 0; current && depth < 5; depth++) {
      const parent = idOf(byId.get(current)?.partOf?.reference, 'Location');
      if (!parent) return current;
      current = parent;
    }
    return current;
  };
  const zoneOf = (siteId: string | undefined): string => {
    const zone = siteId
      ? byId.get(siteId)?.extension?.find((e) => e.url === TIMEZONE_URL)?.valueCode
      : undefined;
    return zone ?? defaultZone;
  };
  const defaultZone =
    locations.map((l) => l.extension?.find((e) => e.url === TIMEZONE_URL)?.valueCode).find(Boolean) ?? 'UTC';
  if (query.location && !byId.has(query.location)) {
    throw badRequest(`Location/${query.location} is not a site of this practice`, 'location');
  }

  // Local dates span UTC-14..UTC+14: a day either side covers every zone; the exact day is checked below.
  const fromMs = Date.parse(`${query.from}T00:00:00Z`) - DAY_MS;
  const toMs = Date.parse(`${query.to}T00:00:00Z`) + 2 * DAY_MS;
  const [encounters, appointmentList] = await Promise.all([
    inRange<Encounter>(conn, ctx, 'Encounter', fromMs, toMs),
    inRange<Appointment>(conn, ctx, 'Appointment', fromMs, toMs),
  ]);
  const appointments = new Map(appointmentList.map((a) => [a.id ?? '', a]));
  const inDates = (date: string): boolean => date >= query.from && date <= query.to;

  const visits: VisitTimes[] = [];
  for (const encounter of encounters) {
    const times = firstTimes(encounter);
    const arrived = times.get('arrived') ?? Math.min(...times.values());
    if (!Number.isFinite(arrived)) continue;
    const appointment = appointments.get(idOf(encounter.appointment?.[0]?.reference, 'Appointment') ?? '');
    const site =
      siteOf(idOf(encounter.location?.[0]?.location.reference, 'Location')) ??
      siteOf(appointment?.participant.map((p) => idOf(p.actor?.reference, 'Location')).find(Boolean));
    const performer = encounter.participant?.find((p) =>
      p.type?.some((t) => t.coding?.some((c) => c.code === 'PPRF'))
    )?.individual?.reference;
    const providerId =
      idOf(performer, 'Practitioner') ??
      appointment?.participant.map((p) => idOf(p.actor?.reference, 'Practitioner')).find(Boolean) ??
      UNASSIGNED.id;
    const date = localDate(arrived, zoneOf(site));
    if (!inDates(date)) continue;
    if (query.location && site !== query.location) continue;
    if (query.provider && providerId !== query.provider) continue;
    visits.push({
      date,
      providerId,
      providerName: '',
      arrived,
      roomed: times.get('roomed'),
      withProvider: times.get('with-provider'),
      checkedOut: times.get('checked-out'),
      leftWithoutBeingSeen: times.has('left-without-being-seen'),
      appointmentStart: appointment?.start ? Date.parse(appointment.start) : undefined,
    });
  }

  const due: DueAppointment[] = [];
  for (const appointment of appointmentList) {
    const start = Date.parse(appointment.start ?? '');
    if (Number.isNaN(start) || start > now.getTime() || NOT_DUE.has(appointment.status)) continue;
    const actors = appointment.participant.map((p) => p.actor?.reference);
    const site = siteOf(actors.map((r) => idOf(r, 'Location')).find(Boolean));
    const providerId = actors.map((r) => idOf(r, 'Practitioner')).find(Boolean) ?? UNASSIGNED.id;
    const date = localDate(start, zoneOf(site));
    if (!inDates(date)) continue;
    if (query.location && site !== query.location) continue;
    if (query.provider && providerId !== query.provider) continue;
    due.push({ date, providerId, providerName: '', noShow: appointment.status === 'noshow' });
  }

  const ids = [...new Set([...visits, ...due].map((v) => v.providerId))].filter((id) => id !== UNASSIGNED.id);
  const practitioners = await byIds<Practitioner>(conn, ctx, 'Practitioner', ids);
  const names = new Map(practitioners.map((p) => [p.id ?? '', practitionerName(p)]));
  names.set(UNASSIGNED.id, UNASSIGNED.name);
  for (const item of [...visits, ...due]) item.providerName = names.get(item.providerId) ?? item.providerId;

  const { rows, days, total } = summarize(visits, due);
  return {
    from: query.from,
    to: query.to,
    ...(query.location ? { location: query.location } : {}),
    ...(query.provider ? { provider: query.provider } : {}),
    generatedAt: now.toISOString(),
    definitions: DEFINITIONS,
    rows,
    days,
    total,
  };
}

function practitionerName(p: Practitioner): string {
  const name = p.name?.[0];
  if (!name) return p.id ?? '';
  if (name.text) return name.text;
  const base = [...(name.given ?? []), name.family].filter(Boolean).join(' ');
  return name.suffix?.length ? `${base}, ${name.suffix.join(', ')}` : base;
}
