import type { Appointment } from '@medplum/fhirtypes';
import { assertAllowed } from '../../auth/policy.js';
import { badRequest, isOutcomeError } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { assertId, planCreate, Repository } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { SYSTEM, APPOINTMENT_REASON_DISPLAY } from '../demo/codes.js';
import { NOON, parseIdList, performs, TIMES_OF_DAY, type TimeOfDay } from './find.js';
import { freeOn, loadBusy, takenOn, type Directory, type ScheduleInfo } from './model.js';
import { displayName, visiblePatients, type VisitPatient } from './patients.js';
import { DAY_MS, MINUTE_MS, parseDate, type Interval } from './time.js';
import { VISIT_TYPE_SYSTEM, visitTypeByCode, visitTypeCodeOf } from './visitTypes.js';

/** The part of the day a waitlisted patient can come (valueCode morning | afternoon | any). */
export const TIME_OF_DAY_URL = 'https://medassist.dev/fhir/StructureDefinition/time-of-day';

export interface WaitlistRequest {
  patientId: string;
  visitType: string;
  practitioners?: string[];
  location?: string;
  from: string;
  to: string;
  timeOfDay?: TimeOfDay;
  note?: string;
}

/** A waitlist entry as the API shows it. */
export interface WaitlistEntry {
  id: string;
  patient: VisitPatient | null;
  restricted: boolean;
  visitType: { code: string; display: string };
  practitioners: { id: string; name: string }[];
  location?: { id: string; name: string };
  from: string;
  to: string;
  timeOfDay: TimeOfDay;
  note?: string;
  created?: string;
}

/** A waitlisted patient offered a freed time. */
export interface WaitlistOffer {
  waitlistId: string;
  patient: VisitPatient | null;
  restricted: boolean;
  visitType: { code: string; display: string };
  scheduleId: string;
  start: string;
  end: string;
}

const asObject = (body: unknown): Record<string, unknown> =>
  (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;

export function parseWaitlistRequest(body: unknown): WaitlistRequest {
  const b = asObject(body);
  if (typeof b.patientId !== 'string') throw badRequest('patientId is required (an id)', 'patientId');
  assertId(b.patientId, 'patientId');
  if (typeof b.visitType !== 'string' || !visitTypeByCode(b.visitType)) {
    throw badRequest('visitType must be one of the visit type codes (GET /api/schedule/setup)', 'visitType');
  }
  const practitioners = parseIdList(b.practitioners, 'practitioners');
  if (b.location !== undefined) {
    if (typeof b.location !== 'string') throw badRequest('location must be a Location id', 'location');
    assertId(b.location, 'location');
  }
  const from = parseDate(b.from, 'from');
  const to = parseDate(b.to, 'to');
  if (to < from) throw badRequest('to must not be before from', 'to');
  if (b.timeOfDay !== undefined && !TIMES_OF_DAY.includes(b.timeOfDay as TimeOfDay)) {
    throw badRequest('timeOfDay must be morning, afternoon or any', 'timeOfDay');
  }
  if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 2000)) {
    throw badRequest('note must be text of at most 2000 characters', 'note');
  }
  return {
    patientId: b.patientId,
    visitType: b.visitType,
    practitioners,
    location: b.location,
    from: b.from as string,
    to: b.to as string,
    timeOfDay: (b.timeOfDay as TimeOfDay | undefined) ?? 'any',
    note: b.note?.trim() || undefined,
  };
}

/**
 * Puts a patient on the waitlist: an Appointment with status waitlist, the wanted dates as requestedPeriod
 * (local dates), the patient, the preferred practitioners and the site as participants.
 */
export async function addToWaitlist(
  db: Database,
  ctx: RequestContext,
  request: WaitlistRequest,
  now: Date = new Date()
): Promise<Appointment> {
  if (ctx.principal) assertAllowed(ctx.principal, 'create', 'Appointment');
  const type = visitTypeByCode(request.visitType);
  if (!type) throw badRequest('visitType must be one of the visit type codes', 'visitType');
  return db.transaction(async (tx) => {
    const repo = new Repository(tx);
    const read = async (resourceType: string, id: string, field: string) => {
      try {
        return await repo.read(ctx, resourceType, id);
      } catch (err) {
        if (isOutcomeError(err) && (err.status === 404 || err.status === 410)) {
          throw badRequest(`${resourceType}/${id} was not found`, field);
        }
        throw err;
      }
    };
    const patient = await read('Patient', request.patientId, 'patientId');
    const practitioners = [];
    for (const id of request.practitioners ?? []) {
      const p = await read('Practitioner', id, 'practitioners');
      practitioners.push({ id, name: displayName((p as { name?: [] }).name) || id });
    }
    const location = request.location ? await read('Location', request.location, 'location') : undefined;
    const entry: Appointment = {
      resourceType: 'Appointment',
      status: 'waitlist',
      extension: [{ url: TIME_OF_DAY_URL, valueCode: request.timeOfDay ?? 'any' }],
      appointmentType: {
        coding: [
          { system: VISIT_TYPE_SYSTEM, code: type.code, display: type.display },
          {
            system: SYSTEM.appointmentReason,
            code: type.reason,
            display: APPOINTMENT_REASON_DISPLAY[type.reason],
          },
        ],
        text: type.display,
      },
      description: `Waitlist: ${type.display}`,
      minutesDuration: type.minutes,
      requestedPeriod: [{ start: request.from, end: request.to }],
      created: now.toISOString(),
      ...(request.note ? { comment: request.note } : {}),
      participant: [
        {
          actor: {
            reference: `Patient/${request.patientId}`,
            display: displayName((patient as { name?: [] }).name),
          },
          required: 'required',
          status: 'needs-action',
        },
        ...practitioners.map((p) => ({
          actor: { reference: `Practitioner/${p.id}`, display: p.name },
          required: 'optional' as const,
          status: 'needs-action' as const,
        })),
        ...(location
          ? [
              {
                actor: {
                  reference: `Location/${request.location}`,
                  display: (location as { name?: string }).name,
                },
                required: 'required' as const,
                status: 'needs-action' as const,
              },
            ]
          : []),
      ],
    };
    const write = planCreate(entry);
    await applyWrites(tx, ctx, [write]);
    return write.content as Appointment;
  });
}

interface Parsed {
  resource: Appointment;
  id: string;
  patientId?: string;
  visitType?: string;
  practitioners: { id: string; name: string }[];
  location?: { id: string; name: string };
  fromDay: number;
  toDay: number;
  timeOfDay: TimeOfDay;
}

function parseEntry(a: Appointment): Parsed | undefined {
  const period = a.requestedPeriod?.[0];
  try {
    const fromDay = parseDate(period?.start?.slice(0, 10), 'from');
    const toDay = parseDate(period?.end?.slice(0, 10), 'to');
    const refs = (a.participant ?? []).map((p) => p.actor);
    const idIn = (type: string) =>
      refs
        .filter((r) => r?.reference?.startsWith(`${type}/`))
        .map((r) => ({ id: r?.reference?.slice(type.length + 1) ?? '', name: r?.display ?? '' }));
    const code = a.extension?.find((e) => e.url === TIME_OF_DAY_URL)?.valueCode;
    return {
      resource: a,
      id: a.id ?? '',
      patientId: idIn('Patient')[0]?.id,
      visitType: visitTypeCodeOf(a),
      practitioners: idIn('Practitioner'),
      location: idIn('Location')[0],
      fromDay,
      toDay,
      timeOfDay: TIMES_OF_DAY.includes(code as TimeOfDay) ? (code as TimeOfDay) : 'any',
    };
  } catch {
    return undefined;
  }
}

/** Every waitlist entry of the practice (read without the caller's filter; patients are shown per access). */
async function loadWaitlist(conn: SqlConnection, ctx: RequestContext): Promise<Parsed[]> {
  const result = await conn.query<{ content: Appointment }>(
    `SELECT r.content FROM resource r WHERE r.practice_id = $1 AND r.resource_type = 'Appointment' AND NOT r.deleted
       AND r.id IN (SELECT s.resource_id FROM search_index s WHERE s.practice_id = $1 AND s.resource_type = 'Appointment'
                    AND s.param = 'status' AND s.value = 'waitlist')`,
    [ctx.practiceId]
  );
  return result.rows
    .map((row) => parseEntry(row.content))
    .filter((e): e is Parsed => !!e && e.resource.status === 'waitlist')
    .sort(
      (a, b) => (a.resource.created ?? '').localeCompare(b.resource.created ?? '') || a.id.localeCompare(b.id)
    );
}

/** The waitlist (oldest first), of one site (entries for it or for any site) when `location` is given. */
export async function listWaitlist(
  conn: SqlConnection,
  ctx: RequestContext,
  location?: string
): Promise<WaitlistEntry[]> {
  if (ctx.principal) assertAllowed(ctx.principal, 'search', 'Appointment');
  const entries = (await loadWaitlist(conn, ctx)).filter(
    (e) => !location || !e.location || e.location.id === location
  );
  const patients = await visiblePatients(
    conn,
    ctx,
    entries.flatMap((e) => (e.patientId ? [e.patientId] : []))
  );
  return entries.map((e) => {
    const patient = e.patientId ? (patients.get(e.patientId) ?? null) : null;
    const type = visitTypeByCode(e.visitType ?? '');
    return {
      id: e.id,
      patient,
      restricted: patient === null,
      visitType: { code: e.visitType ?? '', display: type?.display ?? e.visitType ?? '' },
      practitioners: e.practitioners,
      ...(e.location ? { location: e.location } : {}),
      from: new Date(e.fromDay * DAY_MS).toISOString().slice(0, 10),
      to: new Date(e.toDay * DAY_MS).toISOString().slice(0, 10),
      timeOfDay: e.timeOfDay,
      ...(e.resource.comment ? { note: e.resource.comment } : {}),
      ...(e.resource.created ? { created: e.resource.created } : {}),
    };
  });
}

/**
 * The waitlist entries that fit a freed time on a schedule, oldest entry first: the visit type is performed
 * there and fits the free window around the freed time, and the entry's practitioners, site, dates and time
 * of day allow it. Each offer names one start: the freed start when the visit fits there, else the window's.
 */
export async function offersFor(
  tx: SqlConnection,
  ctx: RequestContext,
  dir: Directory,
  schedule: ScheduleInfo,
  freed: Interval,
  now: number
): Promise<WaitlistOffer[]> {
  const entries = await loadWaitlist(tx, ctx);
  if (entries.length === 0) return [];
  const zone = schedule.site.zone;
  const day = zone.local(freed.start).day;
  const busy = await loadBusy(tx, ctx, [schedule], { start: freed.start - DAY_MS, end: freed.end + DAY_MS });
  const span = { fromDay: day - 1, toDay: day + 1 };
  const taken = takenOn(dir, schedule, busy);
  const matches: { entry: Parsed; start: number; end: number; display: string; code: string }[] = [];
  for (const entry of entries) {
    const type = visitTypeByCode(entry.visitType ?? '');
    if (!type || !performs(schedule, type)) continue;
    if (
      entry.practitioners.length > 0 &&
      !entry.practitioners.some((p) => p.id === schedule.practitioner?.id)
    )
      continue;
    if (entry.location && entry.location.id !== schedule.location.id) continue;
    if (day < entry.fromDay || day > entry.toDay) continue;
    const length = type.minutes * MINUTE_MS;
    const window = freeOn(schedule, day, span, taken, type.code).find(
      (w) => w.start < freed.end && freed.start < w.end
    );
    if (!window) continue;
    const start = [freed.start, window.start].find(
      (s) =>
        s >= window.start &&
        s + length <= window.end &&
        s >= now &&
        (entry.timeOfDay === 'any' || (entry.timeOfDay === 'morning') === zone.local(s).minutes < NOON)
    );
    if (start === undefined) continue;
    matches.push({ entry, start, end: start + length, display: type.display, code: type.code });
  }
  const patients = await visiblePatients(
    tx,
    ctx,
    matches.flatMap((m) => (m.entry.patientId ? [m.entry.patientId] : []))
  );
  return matches.map((m) => {
    const patient = m.entry.patientId ? (patients.get(m.entry.patientId) ?? null) : null;
    return {
      waitlistId: m.entry.id,
      patient,
      restricted: patient === null,
      visitType: { code: m.code, display: m.display },
      scheduleId: schedule.id,
      start: new Date(m.start).toISOString(),
      end: new Date(m.end).toISOString(),
    };
  });
}
