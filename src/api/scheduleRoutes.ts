import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditRow } from '../auth/audit/events.js';
import type { Principal } from '../auth/principal.js';
import {
  addBlock,
  addHoliday,
  parseBlockRequest,
  parseHolidayRequest,
  removeBlock,
  setAvailability,
} from '../clinic/scheduling/admin.js';
import { parseRules } from '../clinic/scheduling/availability.js';
import {
  addToWaitlist,
  bookAppointment,
  cancelAppointment,
  findSlots,
  listWaitlist,
  markNoShow,
  parseBookRequest,
  parseFindQuery,
  parseRescheduleRequest,
  parseWaitlistRequest,
  rescheduleAppointment,
} from '../clinic/scheduling/index.js';
import { requiredText } from '../clinic/scheduling/book.js';
import { parseDate } from '../clinic/scheduling/time.js';
import { scheduleDay, scheduleSetup, scheduleWeek, type CalendarView } from '../clinic/scheduling/views.js';
import { badRequest } from '../fhir/outcome.js';
import type { RequestContext } from '../store/context.js';
import { assertId } from '../store/repository.js';
import { authenticate, type AuthEnv } from './auth/authenticate.js';
import type { BaseUrl } from './clinicRoutes.js';

type Query = Record<string, string | string[] | undefined>;

/** One value of a query parameter (a repeated one is a 400 naming it). */
function one(query: Query, name: string): string {
  const value = query[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw badRequest(`${name} is required`, name);
  }
  return value;
}

function locationOf(query: Query): string {
  const location = one(query, 'location');
  assertId(location, 'location');
  return location;
}

/**
 * The scheduling API (docs/front-desk-api.md "Scheduling"): each route authenticate -> validate ->
 * workflow (src/clinic/scheduling) -> present. Patients travel in bodies, never in URLs.
 */
export function registerScheduleRoutes(app: FastifyInstance, env: AuthEnv, baseUrl: BaseUrl): void {
  const context = async (request: FastifyRequest): Promise<RequestContext & { principal: Principal }> => {
    const { principal } = await authenticate(request, env);
    return { practiceId: principal.practiceId, baseUrl: baseUrl(request.host, request.protocol), principal };
  };

  /** The calendar shows patients: the read goes on the audit trail before it is answered. */
  const recordView = async (
    ctx: RequestContext & { principal: Principal },
    what: string,
    view: CalendarView
  ) => {
    if (view.patientIds.length > 0 && (await env.audit.records(env.db, ctx.practiceId, 'search'))) {
      await env.audit.append(ctx.practiceId, [
        auditRow({
          principal: ctx.principal,
          action: 'E',
          subtype: 'search',
          patients: view.patientIds,
          query: what,
          category: 'schedule',
        }),
      ]);
    }
    const { patientIds: _shown, ...answer } = view;
    return answer;
  };

  app.get<{ Querystring: Query }>('/api/schedule/setup', async (request) => {
    const ctx = await context(request);
    return scheduleSetup(env.db, ctx, locationOf(request.query));
  });

  app.get<{ Querystring: Query }>('/api/schedule/day', async (request) => {
    const ctx = await context(request);
    const day = parseDate(one(request.query, 'date'), 'date');
    const location = locationOf(request.query);
    const view = await scheduleDay(env.db, ctx, day, location);
    return recordView(ctx, `schedule day ${view.date ?? ''} Location/${location}`, view);
  });

  app.get<{ Querystring: Query }>('/api/schedule/week', async (request) => {
    const ctx = await context(request);
    const start = parseDate(one(request.query, 'start'), 'start');
    const raw = request.query.schedule;
    const ids = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (ids.length === 0 || ids.length > 50) {
      throw badRequest('name 1-50 schedules (schedule=ID, repeated)', 'schedule');
    }
    ids.forEach((id) => assertId(id, 'schedule'));
    const view = await scheduleWeek(env.db, ctx, start, ids);
    return recordView(
      ctx,
      `schedule week ${view.start ?? ''} ${ids.map((id) => `Schedule/${id}`).join(' ')}`,
      view
    );
  });

  app.post('/api/schedule/find', async (request) => {
    const ctx = await context(request);
    return { slots: await findSlots(env.db, ctx, parseFindQuery(request.body), env.now()) };
  });

  app.post('/api/schedule/appointments', async (request, reply) => {
    const ctx = await context(request);
    const appointment = await bookAppointment(env.db, ctx, parseBookRequest(request.body), env.now());
    return reply.status(201).header('content-type', 'application/fhir+json').send(appointment);
  });

  app.post<{ Params: { id: string } }>('/api/schedule/appointments/:id/reschedule', async (request) => {
    const ctx = await context(request);
    const { appointment, offers } = await rescheduleAppointment(
      env.db,
      ctx,
      request.params.id,
      parseRescheduleRequest(request.body),
      env.now()
    );
    // The contract: the Appointment, with the waitlist offers for the freed time alongside in `offers`.
    return { ...appointment, offers };
  });

  app.post<{ Params: { id: string } }>('/api/schedule/appointments/:id/cancel', async (request) => {
    const ctx = await context(request);
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    const reason = requiredText(body.reason, 'reason', 500);
    return cancelAppointment(env.db, ctx, request.params.id, reason, env.now());
  });

  app.post<{ Params: { id: string } }>('/api/schedule/appointments/:id/no-show', async (request, reply) => {
    const ctx = await context(request);
    const appointment = await markNoShow(env.db, ctx, request.params.id, env.now());
    return reply.header('content-type', 'application/fhir+json').send(appointment);
  });

  app.put<{ Params: { id: string } }>('/api/schedule/schedules/:id/availability', async (request, reply) => {
    const ctx = await context(request);
    const schedule = await setAvailability(env.db, ctx, request.params.id, parseRules(request.body));
    return reply.header('content-type', 'application/fhir+json').send(schedule);
  });

  app.post('/api/schedule/blocks', async (request, reply) => {
    const ctx = await context(request);
    const slot = await addBlock(env.db, ctx, parseBlockRequest(request.body));
    return reply.status(201).header('content-type', 'application/fhir+json').send(slot);
  });

  app.delete<{ Params: { id: string } }>('/api/schedule/blocks/:id', async (request, reply) => {
    const ctx = await context(request);
    await removeBlock(env.db, ctx, request.params.id);
    return reply.status(204).send();
  });

  app.post('/api/schedule/holidays', async (request, reply) => {
    const ctx = await context(request);
    return reply.status(201).send(await addHoliday(env.db, ctx, parseHolidayRequest(request.body)));
  });

  app.post('/api/schedule/waitlist', async (request, reply) => {
    const ctx = await context(request);
    const entry = await addToWaitlist(env.db, ctx, parseWaitlistRequest(request.body), env.now());
    return reply.status(201).header('content-type', 'application/fhir+json').send(entry);
  });

  app.get<{ Querystring: Query }>('/api/schedule/waitlist', async (request) => {
    const ctx = await context(request);
    const location = request.query.location === undefined ? undefined : locationOf(request.query);
    const entries = await listWaitlist(env.db, ctx, location);
    const patients = entries.flatMap((e) => (e.patient ? [e.patient.id] : []));
    if (patients.length > 0 && (await env.audit.records(env.db, ctx.practiceId, 'search'))) {
      await env.audit.append(ctx.practiceId, [
        auditRow({
          principal: ctx.principal,
          action: 'E',
          subtype: 'search',
          patients,
          query: 'waitlist',
          category: 'schedule',
        }),
      ]);
    }
    return { entries };
  });
}
