import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditRow } from '../auth/audit/events.js';
import { assertAllowed } from '../auth/policy.js';
import { logAttempt, parseAttempt, parseRecallFilter, recallList } from '../clinic/recall/recall.js';
import { outboxOf } from '../clinic/reminders/outboxView.js';
import { parseEmailReply, parseSmsReply, recordReply } from '../clinic/reminders/replies.js';
import {
  practiceOfReplySecret,
  reminderSettingsView,
  saveReminderSettings,
} from '../clinic/reminders/settings.js';
import { unauthorized } from '../fhir/outcome.js';
import { authenticate, type AuthEnv } from './auth/authenticate.js';
import type { BaseUrl } from './clinicRoutes.js';

/**
 * Reminders and the recall list (docs/front-desk-api.md): the practice's reminder settings, a visit's
 * outbox, the reply webhooks of the SMS gateway and the mail relay, the recall list and its contact attempts.
 */
export function registerReminderRoutes(app: FastifyInstance, env: AuthEnv, baseUrl: BaseUrl): void {
  const context = async (request: FastifyRequest) => {
    const { principal } = await authenticate(request, env);
    return { practiceId: principal.practiceId, baseUrl: baseUrl(request.host, request.protocol), principal };
  };

  app.get('/api/reminders/settings', async (request, reply) => {
    const ctx = await context(request);
    return reply.send(await reminderSettingsView(env.db, ctx.practiceId));
  });

  app.put('/api/reminders/settings', async (request, reply) => {
    const ctx = await context(request);
    return reply.send(await saveReminderSettings(env.db, ctx.principal, request.body, env.now()));
  });

  app.get<{ Params: { id: string } }>('/api/reminders/appointments/:id', async (request, reply) => {
    const ctx = await context(request);
    assertAllowed(ctx.principal, 'read', 'Appointment');
    return reply.send({ reminders: await outboxOf(env.db, ctx, request.params.id) });
  });

  /** The gateway's and relay's shared secret (Authorization: Bearer), which also names the practice. */
  const replyPractice = async (request: FastifyRequest): Promise<string> => {
    const m = /^Bearer (\S{24,200})$/.exec(request.headers.authorization ?? '');
    const practiceId = m ? await practiceOfReplySecret(env.db, m[1]) : undefined;
    if (!practiceId) {
      throw unauthorized('a reply needs the practice’s reply secret as a Bearer token', 'Authorization');
    }
    return practiceId;
  };

  app.post('/api/reminders/replies/sms', async (request, reply) => {
    const practiceId = await replyPractice(request);
    const result = await recordReply(env.db, practiceId, parseSmsReply(request.body), env.now());
    return reply.status(201).send(result);
  });

  // A raw RFC 5322 message (message/rfc822), as a mail relay forwards a reply.
  void app.register(async (scope) => {
    scope.addContentTypeParser(['message/rfc822', 'text/plain'], { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body)
    );
    scope.post('/api/reminders/replies/email', async (request, reply) => {
      const practiceId = await replyPractice(request);
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await recordReply(env.db, practiceId, await parseEmailReply(raw), env.now());
      return reply.status(201).send(result);
    });
  });

  app.get('/api/recall', async (request, reply) => {
    const ctx = await context(request);
    const filter = parseRecallFilter(request.query as Record<string, unknown>);
    const list = await recallList(env.db, ctx, env.now(), filter);
    await env.audit.append(ctx.practiceId, [
      auditRow({
        principal: ctx.principal,
        action: 'E',
        subtype: 'search',
        category: 'scheduling',
        description: 'recall list',
        patients: [...new Set(list.items.map((i) => i.patient.id))],
        recorded: env.now(),
      }),
    ]);
    return reply.send(list);
  });

  app.post<{ Params: { id: string } }>('/api/recall/:id/attempts', async (request, reply) => {
    const ctx = await context(request);
    const attempt = parseAttempt(request.body);
    const communication = await logAttempt(env.db, ctx, request.params.id, attempt, env.now());
    return reply.status(201).header('content-type', 'application/fhir+json').send(communication);
  });
}
