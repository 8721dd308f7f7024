import type { Extension, Location, Schedule, Slot } from '@medplum/fhirtypes';
import type { Principal } from '../../auth/principal.js';
import { assertAllowed } from '../../auth/policy.js';
import { badRequest, conflict, forbidden } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database } from '../../store/db.js';
import { assertId, lockCurrent, planCreate, updateIn } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { withRules, type AvailabilityRule } from './availability.js';
import { notFoundField, parseId, requiredText, scheduleById } from './book.js';
import { HOLIDAY_URL, loadDirectory, MAX_BLOCK_DAYS } from './model.js';
import { dateOf, DAY_MS, parseDate, parseInstant } from './time.js';

/**
 * Who sets availability templates and clinic holidays: the practice's directory managers (lead MA and
 * practice administrator, the roles that write the directory) and API clients whose scopes allow the write.
 * Blocks (lunch, a meeting, time off) are day-to-day scheduling: every role that writes the schedule.
 */
export function mayManageAvailability(principal: Principal | undefined): boolean {
  return (
    !principal ||
    principal.kind !== 'user' ||
    principal.roles.some((role) => role === 'lead-ma' || role === 'practice-admin')
  );
}

/** Replaces a schedule's availability rules (PUT /api/schedule/schedules/:id/availability). */
export async function setAvailability(
  db: Database,
  ctx: RequestContext,
  scheduleId: string,
  rules: AvailabilityRule[]
): Promise<Schedule> {
  if (!mayManageAvailability(ctx.principal)) {
    throw forbidden('only the lead MA or a practice administrator sets availability', 'rules');
  }
  assertId(scheduleId, 'id');
  return db.transaction(async (tx) => {
    const current = await lockCurrent(tx, ctx, 'Schedule', scheduleId);
    if (!current || current.deleted || !current.content) {
      throw notFoundField(`Schedule/${scheduleId} was not found`, 'id');
    }
    const updated = withRules(current.content as Schedule, rules);
    return (await updateIn(tx, ctx, 'Schedule', scheduleId, updated)).resource as Schedule;
  });
}

export interface BlockRequest {
  scheduleId: string;
  start: string;
  end: string;
  reason: string;
}

export function parseBlockRequest(body: unknown): BlockRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const scheduleId = parseId(b.scheduleId, 'scheduleId');
  const start = parseInstant(b.start, 'start');
  const end = parseInstant(b.end, 'end');
  if (end <= start) throw badRequest('end must be after start', 'end');
  if (end - start > MAX_BLOCK_DAYS * DAY_MS) {
    throw badRequest(`a block lasts at most ${MAX_BLOCK_DAYS} days: add another for longer time off`, 'end');
  }
  return {
    scheduleId,
    start: b.start as string,
    end: b.end as string,
    reason: requiredText(b.reason, 'reason', 200),
  };
}

/**
 * Blocks time on a schedule: a Slot with status busy-unavailable and the reason in its comment. Visits
 * already booked in that time stay booked (the front desk moves them); no new one is offered there.
 */
export async function addBlock(db: Database, ctx: RequestContext, request: BlockRequest): Promise<Slot> {
  if (ctx.principal) assertAllowed(ctx.principal, 'create', 'Slot');
  return db.transaction(async (tx) => {
    const dir = await loadDirectory(tx, ctx);
    scheduleById(dir, request.scheduleId);
    const slot: Slot = {
      resourceType: 'Slot',
      schedule: { reference: `Schedule/${request.scheduleId}` },
      status: 'busy-unavailable',
      start: new Date(parseInstant(request.start, 'start')).toISOString(),
      end: new Date(parseInstant(request.end, 'end')).toISOString(),
      comment: request.reason,
    };
    const write = planCreate(slot);
    await applyWrites(tx, ctx, [write]);
    return write.content as Slot;
  });
}

/**
 * Removes a block: its Slot becomes free (kept, with its history, so the audit trail shows who opened the
 * time again); a free Slot holds no time.
 */
export async function removeBlock(db: Database, ctx: RequestContext, id: string): Promise<Slot> {
  if (ctx.principal) assertAllowed(ctx.principal, 'update', 'Slot');
  assertId(id, 'id');
  return db.transaction(async (tx) => {
    const current = await lockCurrent(tx, ctx, 'Slot', id);
    const slot = current?.content as Slot | undefined;
    if (!slot || current?.deleted || slot.status !== 'busy-unavailable') {
      throw notFoundField(`Slot/${id} is not a block`, 'id');
    }
    return (await updateIn(tx, ctx, 'Slot', id, { ...slot, status: 'free' })).resource as Slot;
  });
}

export interface HolidayRequest {
  date: string;
  name: string;
  location?: string;
}

export function parseHolidayRequest(body: unknown): HolidayRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const date = dateOf(parseDate(b.date, 'date'));
  const name = requiredText(b.name, 'name', 200);
  const location = b.location === undefined ? undefined : parseId(b.location, 'location');
  return { date, name, location };
}

/**
 * Records a clinic holiday on the site Location (an extension per holiday, docs/decisions/0012): no slot is
 * offered at the site that day. Without `location`, on every site that has a schedule.
 */
export async function addHoliday(
  db: Database,
  ctx: RequestContext,
  request: HolidayRequest
): Promise<{ date: string; name: string; locations: string[] }> {
  if (!mayManageAvailability(ctx.principal)) {
    throw forbidden('only the lead MA or a practice administrator sets clinic holidays', 'date');
  }
  return db.transaction(async (tx) => {
    const dir = await loadDirectory(tx, ctx);
    const ids = request.location ? [request.location] : [...dir.sites.keys()].sort();
    if (ids.length === 0) {
      throw badRequest('the practice has no site with a schedule: name the location', 'location');
    }
    for (const id of ids) {
      const current = await lockCurrent(tx, ctx, 'Location', id);
      const location = current?.content as Location | undefined;
      if (!location || current?.deleted) {
        throw notFoundField(`Location/${id} was not found`, 'location');
      }
      const existing = (location.extension ?? []).find(
        (e) =>
          e.url === HOLIDAY_URL && e.extension?.some((x) => x.url === 'date' && x.valueDate === request.date)
      );
      if (existing) {
        throw conflict(`${request.date} is already a holiday at ${location.name ?? id}`, 'date');
      }
      const holiday: Extension = {
        url: HOLIDAY_URL,
        extension: [
          { url: 'date', valueDate: request.date },
          { url: 'name', valueString: request.name },
        ],
      };
      await updateIn(tx, ctx, 'Location', id, {
        ...location,
        extension: [...(location.extension ?? []), holiday],
      });
    }
    return { date: request.date, name: request.name, locations: ids };
  });
}
