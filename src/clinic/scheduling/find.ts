import { assertAllowed } from '../../auth/policy.js';
import { badRequest } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { assertId } from '../../store/repository.js';
import { freeOn, loadBusy, loadDirectory, takenOn, type Directory, type ScheduleInfo } from './model.js';
import { MINUTE_MS, parseDate, parseInstant } from './time.js';
import { visitTypeByCode, type VisitTypeDef } from './visitTypes.js';

export type TimeOfDay = 'morning' | 'afternoon' | 'any';
export const TIMES_OF_DAY: readonly TimeOfDay[] = ['morning', 'afternoon', 'any'];
/** Morning is a start before 12:00 local; afternoon from 12:00. */
export const NOON = 12 * 60;
export const MAX_FIND_DAYS = 366;

export interface FindQuery {
  visitType: string;
  practitioners?: string[];
  location?: string;
  /** Local dates, both included. */
  from: string;
  to: string;
  timeOfDay?: TimeOfDay;
  /** Only slots starting after this instant (paging: the last slot's start). */
  after?: string;
  /** 1-200, default 20. */
  limit?: number;
}

export interface FreeSlot {
  scheduleId: string;
  practitioner?: { id: string; name: string };
  location: { id: string; name: string };
  start: string;
  end: string;
}

const asObject = (body: unknown): Record<string, unknown> =>
  (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;

/** Parses the body of POST /api/schedule/find; every problem is a 400 naming its field. */
export function parseFindQuery(body: unknown): FindQuery {
  const b = asObject(body);
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
  if (to < from) {
    throw badRequest('to must not be before from', 'to');
  }
  if (to - from >= MAX_FIND_DAYS) {
    throw badRequest(`search at most ${MAX_FIND_DAYS} days at a time`, 'to');
  }
  if (b.timeOfDay !== undefined && !TIMES_OF_DAY.includes(b.timeOfDay as TimeOfDay)) {
    throw badRequest('timeOfDay must be morning, afternoon or any', 'timeOfDay');
  }
  if (b.after !== undefined) parseInstant(b.after, 'after');
  if (
    b.limit !== undefined &&
    (!Number.isInteger(b.limit) || (b.limit as number) < 1 || (b.limit as number) > 200)
  ) {
    throw badRequest('limit must be a whole number from 1 to 200', 'limit');
  }
  return {
    visitType: b.visitType,
    practitioners,
    location: b.location,
    from: b.from as string,
    to: b.to as string,
    timeOfDay: (b.timeOfDay as TimeOfDay | undefined) ?? 'any',
    after: b.after as string | undefined,
    limit: (b.limit as number | undefined) ?? 20,
  };
}

export function parseIdList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 100 || value.some((v) => typeof v !== 'string')) {
    throw badRequest(`${field} must be a list of ids`, field);
  }
  (value as string[]).forEach((id) => assertId(id, field));
  return value as string[];
}

/** Whether a schedule performs a visit type: a provider's schedule provider visits, a nurse line nurse visits. */
export function performs(schedule: ScheduleInfo, type: VisitTypeDef): boolean {
  return type.performers.includes(schedule.nurseLine ? 'nurse' : 'provider');
}

/** The schedules a search looks at: active, performing the type, at the location, of the practitioners. */
export function eligibleSchedules(
  dir: Directory,
  type: VisitTypeDef,
  q: { practitioners?: string[]; location?: string }
): ScheduleInfo[] {
  return dir.schedules.filter(
    (s) =>
      s.active &&
      s.rules.length > 0 &&
      performs(s, type) &&
      (!q.location || s.location.id === q.location) &&
      (!q.practitioners ||
        q.practitioners.length === 0 ||
        (!!s.practitioner && q.practitioners.includes(s.practitioner.id)))
  );
}

/** The days looked at per round: most searches end in the first; each next round looks further. */
const ROUNDS = [2, 7, 21, 62, MAX_FIND_DAYS];

/**
 * The next free slots for a visit type, in time order (ties by schedule), none in the past. Reads the
 * schedules once, then the busy times one window of days at a time (one query each), and stops as soon as
 * `limit` slots are found. Within a free window, slots start at its beginning and follow each other by the
 * visit's length (a 20-minute type in 08:00-12:00: 08:00, 08:20, ... 11:40).
 */
export async function findSlots(
  conn: SqlConnection,
  ctx: RequestContext,
  query: FindQuery,
  now: Date = new Date()
): Promise<FreeSlot[]> {
  if (ctx.principal) {
    assertAllowed(ctx.principal, 'search', 'Schedule');
  }
  const type = visitTypeByCode(query.visitType);
  if (!type) {
    throw badRequest('visitType must be one of the visit type codes', 'visitType');
  }
  const dir = await loadDirectory(conn, ctx);
  const schedules = eligibleSchedules(dir, type, query);
  const limit = query.limit ?? 20;
  const fromDay = parseDate(query.from, 'from');
  const toDay = parseDate(query.to, 'to');
  const notBefore = Math.max(now.getTime(), query.after ? parseInstant(query.after, 'after') + 1 : -Infinity);
  const minutes = type.minutes * MINUTE_MS;
  const slots: FreeSlot[] = [];
  if (schedules.length === 0) return slots;
  let day = fromDay;
  for (const size of ROUNDS) {
    if (day > toDay) break;
    const lastDay = Math.min(toDay, fromDay + size - 1);
    const span = { fromDay: day, toDay: lastDay };
    // The instants of those local days in every schedule's zone.
    const range = {
      start: Math.min(...schedules.map((s) => s.site.zone.instant(day, 0))),
      end: Math.max(...schedules.map((s) => s.site.zone.instant(lastDay + 1, 0))),
    };
    const busy = await loadBusy(conn, ctx, schedules, range);
    const found: (FreeSlot & { at: number; order: number })[] = [];
    schedules.forEach((schedule, order) => {
      const zone = schedule.site.zone;
      const taken = takenOn(dir, schedule, busy);
      for (let d = span.fromDay; d <= span.toDay; d++) {
        for (const window of freeOn(schedule, d, span, taken, type.code)) {
          for (let start = window.start; start + minutes <= window.end; start += minutes) {
            if (start < notBefore) continue;
            if (query.timeOfDay && query.timeOfDay !== 'any') {
              const local = zone.local(start).minutes;
              if ((query.timeOfDay === 'morning') !== local < NOON) continue;
            }
            found.push({
              scheduleId: schedule.id,
              ...(schedule.practitioner ? { practitioner: schedule.practitioner } : {}),
              location: schedule.location,
              start: new Date(start).toISOString(),
              end: new Date(start + minutes).toISOString(),
              at: start,
              order,
            });
          }
        }
      }
    });
    found.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const { at: _at, order: _order, ...slot } of found) {
      slots.push(slot);
      if (slots.length >= limit) return slots;
    }
    day = lastDay + 1;
  }
  return slots;
}
