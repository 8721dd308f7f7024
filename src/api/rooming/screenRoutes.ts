import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { assertAllowed } from '../../auth/policy.js';
import { localDate } from '../../clinic/flow/visit.js';
import { roomingChecklist } from '../../clinic/rooming/screen/checklist.js';
import { parseChecked, setChecked } from '../../clinic/rooming/screen/checked.js';
import {
  acknowledgeNotice,
  providerNotices,
  visitNotices,
  type NoticeView,
} from '../../clinic/rooming/screen/notices.js';
import { parseReady, readyForProvider } from '../../clinic/rooming/screen/ready.js';
import { visitView } from '../../clinic/rooming/screen/visit.js';
import { roomingVisitOf } from '../../clinic/rooming/visit.js';
import { badRequest } from '../../fhir/outcome.js';
import { assertId } from '../../store/repository.js';
import { auditShown, roomingContext, type RoomingRouteEnv } from './common.js';

/** Clinical routes: roles without clinical data (the front desk) get 403 before anything is read. */
function assertClinical(principal: Principal): void {
  assertAllowed(principal, 'read', 'Observation');
}

/** The rooming screen: the visit, its checklist, ready for provider, notices and their acknowledgement (docs/rooming/screen.md). */
export function registerRoomingScreenRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  const context = async (request: FastifyRequest) => {
    const ctx = await roomingContext(request, env, baseUrl);
    assertClinical(ctx.principal);
    return ctx;
  };

  app.get<{ Params: { id: string } }>('/api/rooming/encounters/:id', async (request, reply) => {
    const ctx = await context(request);
    const now = env.now();
    const visit = await roomingVisitOf(env.db, ctx, request.params.id, now);
    const view = await visitView(env.db, ctx, visit, visit.timeZone, now);
    const checklist = await roomingChecklist(env.db, ctx, visit, now);
    const notices = await visitNotices(env.db, ctx, request.params.id);
    await auditShown(
      env,
      ctx.principal,
      [visit.patient.id as string],
      'rooming checklist',
      `rooming screen of Encounter/${request.params.id} on ${localDate(now, visit.timeZone)}`
    );
    return reply.send({ visit: view, checklist, notices });
  });

  app.post<{ Params: { id: string } }>('/api/rooming/encounters/:id/checked', async (request, reply) => {
    const ctx = await context(request);
    const checklist = await setChecked(env.db, ctx, request.params.id, parseChecked(request.body), env.now());
    return reply.send({ checklist });
  });

  app.post<{ Params: { id: string } }>('/api/rooming/encounters/:id/ready', async (request, reply) => {
    const ctx = await context(request);
    const ready = await readyForProvider(env.db, ctx, request.params.id, parseReady(request.body), env.now());
    return reply.send({
      flowStatus: 'ready-for-provider',
      checklist: ready.checklist,
      notice: { id: ready.notice.id, priority: ready.notice.priority },
    });
  });

  app.get<{ Querystring: { encounter?: string } }>('/api/rooming/notices', async (request, reply) => {
    const ctx = await context(request);
    const encounter = request.query.encounter;
    let notices: NoticeView[];
    if (encounter !== undefined) {
      if (typeof encounter !== 'string') throw badRequest('encounter must be an Encounter id', 'encounter');
      assertId(encounter, 'encounter');
      const visit = await roomingVisitOf(env.db, ctx, encounter, env.now());
      notices = await visitNotices(env.db, ctx, encounter);
      await auditShown(
        env,
        ctx.principal,
        [visit.patient.id as string],
        'notices',
        `notices of Encounter/${encounter}`
      );
    } else {
      const practitionerId = ctx.principal.practitionerId;
      if (!practitionerId) {
        throw badRequest(
          'your account is not linked to a Practitioner: ask for a visit’s notices with encounter=',
          'encounter'
        );
      }
      notices = await providerNotices(env.db, ctx, practitionerId);
      const patients = [...new Set(notices.flatMap((n) => (n.patientId ? [n.patientId] : [])))];
      await auditShown(
        env,
        ctx.principal,
        patients,
        'notices',
        `open notices to Practitioner/${practitionerId}`,
        'search'
      );
    }
    return reply.send({ notices });
  });

  app.post<{ Params: { id: string } }>('/api/rooming/notices/:id/acknowledge', async (request, reply) => {
    const ctx = await context(request);
    const notice = await acknowledgeNotice(env.db, ctx, request.params.id, env.now());
    return reply.send(notice);
  });
}
