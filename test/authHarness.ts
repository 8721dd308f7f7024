import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../src/api/auth/authenticate.js';
import type { Permission, Role } from '../src/auth/accessMatrix.js';
import { createSession, loadSession, DEFAULT_SESSION_LIMITS } from '../src/auth/sessions.js';
import { createUser, type User } from '../src/auth/users.js';
import type { Database } from '../src/store/db.js';
import type { RequestContext } from '../src/store/context.js';
import { injectJson, type FhirCall, type JsonAnswer } from './harness.js';

/** A password every test user has (passes the policy: 12+ characters, not a common password). */
export const TEST_PASSWORD = 'Correct-Horse-Battery-42';

/** A signed-in test user: their account, session cookie token and CSRF token. */
export interface TestUser {
  user: User;
  token: string;
  csrf: string;
  sessionId: string;
}

/** A user of the practice with these roles who has not signed in yet (password TEST_PASSWORD). */
export function newUser(
  db: Database,
  ctx: RequestContext,
  roles: Role[],
  permissions: Permission[] = []
): Promise<User> {
  return createUser(db, ctx.practiceId, {
    username: `${roles[0]}-${randomUUID().slice(0, 8)}`,
    displayName: `Test ${roles.join('/')}`,
    roles,
    permissions,
    password: TEST_PASSWORD,
  });
}

/**
 * A user in the practice with these roles, signed in (a session made directly in the store, as sign-in
 * would make it: the sign-in route itself is tested in test/auth/signIn.int.test.ts).
 */
export async function signedInUser(
  db: Database,
  ctx: RequestContext,
  roles: Role[],
  permissions: Permission[] = [],
  now = new Date()
): Promise<TestUser> {
  const user = await newUser(db, ctx, roles, permissions);
  const { token, id } = await createSession(db, user, 'signed-in', { now });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, now, false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

/** The Set-Cookie headers of an answer, as a list. */
export function setCookies(headers: JsonAnswer['headers']): string[] {
  const raw = headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
}

/** The session token an answer's Set-Cookie gave ('' when it cleared the cookie), if it set one. */
export function sessionCookie(headers: JsonAnswer['headers']): string | undefined {
  const session = setCookies(headers).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return session?.slice(SESSION_COOKIE.length + 1).split(';')[0];
}

/** Calls the API in-process as a signed-in user: the session cookie, and the CSRF header on writes. */
export function asUser(
  app: FastifyInstance,
  who: TestUser,
  call: FhirCall & { csrf?: string | null }
): Promise<JsonAnswer> {
  const url = /^\/(auth|admin|oauth2|fhir|api)\b/.test(call.url)
    ? call.url
    : `/fhir/R4/${call.url.replace(/^\//, '')}`;
  const csrf = call.csrf === undefined ? who.csrf : call.csrf;
  return injectJson(app, {
    method: call.method,
    url,
    body: call.body,
    contentType: call.contentType ?? 'application/fhir+json',
    headers: {
      cookie: `${SESSION_COOKIE}=${who.token}`,
      ...(csrf !== null && call.method !== 'GET' && call.method !== 'HEAD' ? { 'x-csrf-token': csrf } : {}),
      ...call.headers,
    },
  });
}
