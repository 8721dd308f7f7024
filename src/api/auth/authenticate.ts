import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditWriter } from '../../auth/audit/writer.js';
import { verifyToken } from '../../auth/clients.js';
import type { Principal } from '../../auth/principal.js';
import { loadSession, userPrincipal, type ActiveSession, type SessionLimits } from '../../auth/sessions.js';
import { forbidden, unauthorized } from '../../fhir/outcome.js';
import type { Database } from '../../store/db.js';

/** The session cookie (the __Host- prefix: Secure, Path=/, no Domain, so no sibling host can set it). */
export const SESSION_COOKIE = '__Host-medassist-session';
export const CSRF_HEADER = 'x-csrf-token';

/** What the auth routes and the authenticate guard share. */
export interface AuthEnv {
  db: Database;
  limits: SessionLimits;
  /** The clock (tests advance it to prove time-outs). */
  now: () => Date;
  audit: AuditWriter;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The address a request came from (the socket's: medassist does not trust X-Forwarded-For). */
export function clientAddress(request: FastifyRequest): string {
  return request.ip;
}

/** The live session of a cookie, whatever its stage (for the sign-in steps themselves). */
export async function sessionOf(request: FastifyRequest, env: AuthEnv, touch = true): Promise<ActiveSession> {
  const token = request.cookies?.[SESSION_COOKIE];
  if (!token) {
    throw unauthorized('you are not signed in');
  }
  return loadSession(env.db, token, env.limits, env.now(), touch);
}

/** Refuses a cookie-authenticated write without the session's CSRF token (OWASP double-submit, synchronizer form). */
export function checkCsrf(request: FastifyRequest, active: ActiveSession): void {
  if (UNSAFE.has(request.method) && request.headers[CSRF_HEADER] !== active.session.csrf_token) {
    throw forbidden(
      `a change made with a session cookie needs the ${CSRF_HEADER} header of that session`,
      CSRF_HEADER
    );
  }
}

/**
 * authenticate: a Bearer token (API clients) or a signed-in session cookie (the web app), or 401.
 * Every API route but sign-in itself, /healthz and the metadata starts here.
 */
export async function authenticate(
  request: FastifyRequest,
  env: AuthEnv
): Promise<{ principal: Principal; active?: ActiveSession }> {
  const authorization = request.headers.authorization;
  if (authorization) {
    const m = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(authorization);
    if (!m) {
      throw unauthorized('the Authorization header must be "Bearer <access token>"');
    }
    return { principal: await verifyToken(env.db, m[1], clientAddress(request), env.now()) };
  }
  const active = await sessionOf(request, env);
  if (active.session.stage !== 'signed-in') {
    throw unauthorized('finish signing in (the second factor is still needed)');
  }
  checkCsrf(request, active);
  return { principal: userPrincipal(active, clientAddress(request)), active };
}

export function setSessionCookie(reply: FastifyReply, token: string, limits: SessionLimits): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: '/',
    maxAge: limits.absoluteSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}
