import type { Appointment, Location } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { auditRow, type AuditClass } from '../auth/audit/events.js';
import type { Principal } from '../auth/principal.js';
import { assertAllowed } from '../auth/policy.js';
import {
  flowBoard,
  parseThresholds,
  saveThresholds,
  thresholdsOf,
  type FlowRow,
} from '../clinic/flow/board.js';
import { BoardCache } from '../clinic/flow/boardCache.js';
import { checkIn, checkInNeeds, parseCheckIn } from '../clinic/flow/checkIn.js';
import { checkOut, checkOutInfo, parseCheckOut } from '../clinic/flow/checkOut.js';
import { FlowFeed } from '../clinic/flow/liveFeed.js';
import {
  leftWithoutBeingSeen,
  moveVisit,
  parseMove,
  roomStateOf,
  setRoomStatus,
} from '../clinic/flow/moveVisit.js';
import { receiptFor, visitSummaryFor } from '../clinic/flow/printouts.js';
import { localDate, parseDate, timeZoneOf } from '../clinic/flow/visit.js';
import { badRequest, notFound } from '../fhir/outcome.js';
import type { RequestContext } from '../store/context.js';
import { assertId, Repository } from '../store/repository.js';
import { authenticate, sessionOf, type AuthEnv } from './auth/authenticate.js';
import type { BaseUrl } from './clinicRoutes.js';

/** How often an idle event stream sends a comment line, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

function locationParam(request: FastifyRequest): string {
  const location = query(request).location;
  if (typeof location !== 'string' || location.length === 0) {
    throw badRequest('location (the site Location id) is required', 'location');
  }
  assertId(location, 'location');
  return location;
}

function sendPdf(reply: FastifyReply, bytes: Uint8Array, filename: string): FastifyReply {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `inline; filename="${filename}"`)
    .send(Buffer.from(bytes));
}

/**
 * Check-in, the flow board and its live stream, room states, check-out and the printouts
 * (docs/front-desk-api.md "Check-in, flow board, check-out"). Each route: authenticate -> validate ->
 * workflow (src/clinic/flow) -> audit the patients read or printed -> present.
 */
export function registerFlowRoutes(app: FastifyInstance, env: AuthEnv, baseUrl: BaseUrl): void {
  const feed = new FlowFeed(env.db);
  const boards = new BoardCache(feed);
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
    streams.clear();
    await feed.stop();
  });

  const context = async (request: FastifyRequest): Promise<RequestContext & { principal: Principal }> => {
    const { principal } = await authenticate(request, env);
    return { practiceId: principal.practiceId, baseUrl: baseUrl(request.host, request.protocol), principal };
  };
  const audit = async (
    principal: Principal,
    kind: AuditClass,
    subtype: string,
    patients: string[],
    description: string
  ): Promise<void> => {
    if (patients.length === 0 || !(await env.audit.records(env.db, principal.practiceId, kind))) {
      return;
    }
    await env.audit.append(principal.practiceId, [
      auditRow({
        principal,
        action: kind === 'search' ? 'E' : 'R',
        subtype,
        patients,
        category: 'patient flow',
        description,
      }),
    ]);
  };
  /** The board row of a visit after a change (the answer of the move routes). */
  const rowOf = async (
    ctx: RequestContext,
    siteId: string,
    appointment: Appointment
  ): Promise<FlowRow | undefined> => {
    const site = (await new Repository(env.db).read(ctx, 'Location', siteId)) as Location;
    const date = localDate(appointment.start ?? env.now(), timeZoneOf(site));
    const board = await flowBoard(env.db, ctx, siteId, date, env.now());
    return board.rows.find((r) => r.appointmentId === appointment.id);
  };

  app.get('/api/flow/board', async (request, reply) => {
    const ctx = await context(request);
    const location = locationParam(request);
    const date = query(request).date === undefined ? undefined : parseDate(query(request).date, 'date');
    const board = await boards.get(ctx.practiceId, location, date, ctx.principal, () =>
      flowBoard(env.db, ctx, location, date, env.now())
    );
    await audit(
      ctx.principal,
      'search',
      'flow-board',
      board.rows.flatMap((r) => (r.patient ? [r.patient.id] : [])),
      `flow board of Location/${location} on ${board.date}`
    );
    return reply.send(board);
  });

  app.get('/api/flow/stream', async (request, reply) => {
    const ctx = await context(request);
    const location = locationParam(request);
    assertAllowed(ctx.principal, 'search', 'Appointment');
    await new Repository(env.db).read(ctx, 'Location', location);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    streams.add(raw);
    let unsubscribe: (() => void) | undefined;
    // Each heartbeat checks the sign-in is still good (without counting as activity: a screen left open
    // must not keep a session alive); an ended or timed-out session ends the stream.
    const stillSignedIn = async (): Promise<boolean> => {
      try {
        if (request.headers.authorization) {
          await authenticate(request, env);
        } else {
          await sessionOf(request, env, false);
        }
        return true;
      } catch {
        return false;
      }
    };
    const heartbeat = setInterval(() => {
      void stillSignedIn().then((ok) => {
        if (ok) {
          raw.write(': heartbeat\n\n');
        } else {
          raw.end('event: signed-out\ndata: {}\n\n');
        }
      });
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const close = (): void => {
      clearInterval(heartbeat);
      unsubscribe?.();
      streams.delete(raw);
    };
    raw.on('close', close);
    try {
      unsubscribe = await feed.subscribe(ctx.practiceId, location, (notice) => {
        const { practice: _practice, ...data } = notice;
        raw.write(`event: flow\ndata: ${JSON.stringify(data)}\n\n`);
      });
    } catch {
      raw.end();
      close();
      return;
    }
    if (raw.destroyed) {
      close();
      return;
    }
    // The comment tells the client the subscription is in place: changes from now on will arrive.
    raw.write(': connected\n\n');
  });

  app.get<{ Params: { appointmentId: string } }>(
    '/api/flow/check-in/:appointmentId',
    async (request, reply) => {
      const ctx = await context(request);
      const needs = await checkInNeeds(env.db, ctx, request.params.appointmentId, env.now());
      await audit(
        ctx.principal,
        'read',
        'check-in',
        [needs.patient.id as string],
        'check-in: demographics, coverage, consents'
      );
      return reply.send(needs);
    }
  );

  app.post('/api/flow/check-in', async (request, reply) => {
    const ctx = await context(request);
    const result = await checkIn(env.db, ctx, parseCheckIn(request.body), env.now());
    return reply.status(201).send({
      encounter: result.encounter,
      ...(result.receipt ? { receipt: result.receipt } : {}),
    });
  });

  app.get<{ Params: { file: string } }>('/api/flow/receipts/:file', async (request, reply) => {
    const ctx = await context(request);
    const m = /^(R-\d{6,9})\.pdf$/.exec(request.params.file);
    if (!m) {
      throw notFound('a receipt is /api/flow/receipts/R-000123.pdf');
    }
    const { pdf, patientId } = await receiptFor(env.db, ctx, m[1]);
    await audit(ctx.principal, 'print', 'print', [patientId], `printed receipt ${m[1]}`);
    return sendPdf(reply, pdf, `${m[1]}.pdf`);
  });

  app.post<{ Params: { id: string } }>('/api/flow/encounters/:id/status', async (request, reply) => {
    const ctx = await context(request);
    const moved = await moveVisit(env.db, ctx, request.params.id, parseMove(request.body), env.now());
    return reply.send((await rowOf(ctx, moved.siteId, moved.appointment)) ?? {});
  });

  app.post<{ Params: { id: string } }>(
    '/api/flow/appointments/:id/left-without-being-seen',
    async (request, reply) => {
      const ctx = await context(request);
      const b = (request.body ?? {}) as { reason?: unknown };
      if (b.reason !== undefined && typeof b.reason !== 'string') {
        throw badRequest('reason must be text', 'reason');
      }
      const moved = await leftWithoutBeingSeen(env.db, ctx, request.params.id, b.reason, env.now());
      return reply.send((await rowOf(ctx, moved.siteId, moved.appointment)) ?? {});
    }
  );

  app.post<{ Params: { id: string } }>('/api/flow/rooms/:id/status', async (request, reply) => {
    const ctx = await context(request);
    const b = (request.body ?? {}) as { status?: unknown };
    const room = await setRoomStatus(env.db, ctx, request.params.id, b.status, env.now());
    return reply.send({
      id: room.id,
      name: room.alias?.[0] ?? room.name ?? room.id,
      status: roomStateOf(room),
      since: room.meta?.lastUpdated,
    });
  });

  app.get<{ Params: { id: string } }>('/api/flow/encounters/:id/check-out', async (request, reply) => {
    const ctx = await context(request);
    return reply.send(await checkOutInfo(env.db, ctx, request.params.id, env.now()));
  });

  app.post<{ Params: { id: string } }>('/api/flow/encounters/:id/check-out', async (request, reply) => {
    const ctx = await context(request);
    const req = parseCheckOut(request.body);
    const result = await checkOut(env.db, ctx, request.params.id, req, env.now());
    return reply.send(result);
  });

  app.get<{ Params: { id: string } }>('/api/flow/encounters/:id/summary.pdf', async (request, reply) => {
    const ctx = await context(request);
    const { pdf, patientId } = await visitSummaryFor(env.db, ctx, request.params.id);
    await audit(
      ctx.principal,
      'print',
      'print',
      [patientId],
      `printed visit summary of Encounter/${request.params.id}`
    );
    return sendPdf(reply, pdf, 'visit-summary.pdf');
  });

  app.get('/api/flow/settings', async (request, reply) => {
    const ctx = await context(request);
    const site = (await new Repository(env.db).read(ctx, 'Location', locationParam(request))) as Location;
    return reply.send({ thresholds: thresholdsOf(site) });
  });

  app.put('/api/flow/settings', async (request, reply) => {
    const ctx = await context(request);
    const location = locationParam(request);
    const thresholds = await saveThresholds(env.db, ctx, location, parseThresholds(request.body), env.now());
    return reply.send({ thresholds });
  });
}
