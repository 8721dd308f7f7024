import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { auditRow } from '../../auth/audit/events.js';
import { insertAudit } from '../../auth/audit/writer.js';
import { grantEmergencyAccess } from '../../auth/emergency.js';
import {
  confirmEnrolment,
  recordSignOut,
  signIn,
  startEnrolment,
  verifySecondFactor,
  type SignInMeta,
} from '../../auth/signIn.js';
import {
  endSession,
  listSessions,
  loadSession,
  sessionView,
  userPrincipal,
  type ActiveSession,
} from '../../auth/sessions.js';
import { badRequest, notFound, tooManyRequests } from '../../fhir/outcome.js';
import {
  authenticate,
  checkCsrf,
  clearSessionCookie,
  clientAddress,
  sessionOf,
  setSessionCookie,
  type AuthEnv,
} from './authenticate.js';
import { AttemptLimiter } from './rateLimit.js';

/** Sign-in, second factor, sessions and break-glass: the routes of docs/security/auth-api.md. */
export function registerAuthRoutes(app: FastifyInstance, env: AuthEnv, issuer: string): void {
  const limiter = new AttemptLimiter();
  const tooMany = (): Error =>
    tooManyRequests('too many failed sign-in attempts from this address; wait a few minutes');
  const meta = (request: FastifyRequest): SignInMeta => ({
    address: clientAddress(request),
    userAgent: request.headers['user-agent'],
    now: env.now(),
  });
  const byToken = (token: string): Promise<ActiveSession> =>
    loadSession(env.db, token, env.limits, env.now(), false);
  const answer = (stage: string, active: ActiveSession) => ({
    stage,
    session: sessionView(active, env.limits),
  });
  const requireJson = (request: FastifyRequest): void => {
    // A cross-site form cannot send JSON without a CORS preflight, which medassist never grants (login CSRF).
    if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
      throw badRequest('send JSON (content-type: application/json)', 'content-type');
    }
  };

  app.post('/auth/sign-in', async (request, reply) => {
    requireJson(request);
    const result = await limiter.attempt(clientAddress(request), env.now().getTime(), tooMany, () =>
      signIn(env.db, request.body, meta(request))
    );
    setSessionCookie(reply, result.token, env.limits);
    return reply.send(answer(result.stage, await byToken(result.token)));
  });

  app.post('/auth/mfa/verify', async (request, reply) => {
    requireJson(request);
    const active = await sessionOf(request, env);
    const token = await limiter.attempt(clientAddress(request), env.now().getTime(), tooMany, () =>
      verifySecondFactor(env.db, active, request.body, meta(request))
    );
    setSessionCookie(reply, token, env.limits);
    return reply.send(answer('signed-in', await byToken(token)));
  });

  app.post('/auth/mfa/enrol', async (request, reply) => {
    requireJson(request);
    const active = await sessionOf(request, env);
    if (active.session.stage === 'signed-in') {
      checkCsrf(request, active);
    }
    const started = await startEnrolment(env.db, active, issuer);
    const qrSvg = await QRCode.toString(started.otpauthUri, { type: 'svg', margin: 1, width: 200 });
    return reply.send({ ...started, qrSvg });
  });

  app.post('/auth/mfa/enrol/confirm', async (request, reply) => {
    requireJson(request);
    const active = await sessionOf(request, env);
    if (active.session.stage === 'signed-in') {
      checkCsrf(request, active);
    }
    const result = await confirmEnrolment(env.db, active, request.body, meta(request));
    if (result.token) {
      setSessionCookie(reply, result.token, env.limits);
    }
    const after = result.token ? await byToken(result.token) : await sessionOf(request, env, false);
    return reply.send({ ...answer('signed-in', after), recoveryCodes: result.recoveryCodes });
  });

  app.get('/auth/session', async (request, reply) => {
    const active = await sessionOf(request, env, false);
    return reply.send(answer(active.session.stage, active));
  });

  app.post('/auth/keep-alive', async (request, reply) => {
    const { active } = await authenticate(request, env);
    return reply.send({ session: sessionView(active as ActiveSession, env.limits) });
  });

  app.post('/auth/sign-out', async (request, reply) => {
    let active: ActiveSession | undefined;
    try {
      active = await sessionOf(request, env, false);
    } catch {
      // Already signed out or timed out: clearing the cookie is all there is to do.
    }
    if (active) {
      checkCsrf(request, active);
      await endSession(env.db, active.session.id, 'sign-out', env.now());
      await recordSignOut(env.db, active, meta(request), 'signed out');
    }
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.get('/auth/sessions', async (request, reply) => {
    const { active } = await authenticate(request, env);
    const current = active as ActiveSession;
    const rows = await listSessions(env.db, current.user, env.limits, env.now());
    return reply.send({
      sessions: rows.map((s) => ({
        id: s.id,
        createdAt: new Date(s.created_at).toISOString(),
        lastSeenAt: new Date(s.last_seen_at).toISOString(),
        address: s.address,
        userAgent: s.user_agent,
        current: s.id === current.session.id,
      })),
    });
  });

  app.delete<{ Params: { id: string } }>('/auth/sessions/:id', async (request, reply) => {
    const { active } = await authenticate(request, env);
    const current = active as ActiveSession;
    const rows = await listSessions(env.db, current.user, env.limits, env.now());
    if (!rows.some((s) => s.id === request.params.id)) {
      throw notFound('no active session of yours has that id');
    }
    await endSession(env.db, request.params.id, 'ended-by-user', env.now());
    await insertAudit(env.db, current.user.practiceId, [
      auditRow({
        principal: userPrincipal(current, clientAddress(request)),
        action: 'E',
        subtype: 'session-end',
        category: 'authentication',
        description: 'ended one of their sessions',
      }),
    ]);
    if (request.params.id === current.session.id) {
      clearSessionCookie(reply);
    }
    return reply.status(204).send();
  });

  app.post('/auth/emergency-access', async (request, reply) => {
    requireJson(request);
    const { principal } = await authenticate(request, env);
    return reply.send(await grantEmergencyAccess(env.db, principal, request.body, env.now()));
  });
}
