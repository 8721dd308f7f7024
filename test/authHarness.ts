import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../src/api/auth/authenticate.js';
import type { Permission, Role } from '../src/auth/accessMatrix.js';
import { createSession, loadSession, DEFAULT_SESSION_LIMITS } from '../src/auth/sessions.js';
import { createUser, type User } from '../src/auth/users.js';
import type { Database } from '../src/store/db.js';
import type { RequestContext } from '../src/store/context.js';
import type { FhirCall } from './harness.js';

/** A password every test user has (passes the policy: 12+ characters, not a common password). */
export const TEST_PASSWORD = 'Correct-Horse-Battery-42';

/** A signed-in test user: their account, session cookie token and CSRF token. */
export interface TestUser {
  user: User;
  token: string;
  csrf: string;
  sessionId: string;
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
  const username = `${roles[0]}-${randomUUID().slice(0, 8)}`;
  const user = await createUser(db, ctx.practiceId, {
    username,
    displayName: `Test ${roles.join('/')}`,
    roles,
    permissions,
    password: TEST_PASSWORD,
  });
  const { token, id } = await createSession(db, user, 'signed-in', { now });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, now, false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

/** Calls the API in-process as a signed-in user: the session cookie, and the CSRF header on writes. */
export async function asUser(app: FastifyInstance, who: TestUser, call: FhirCall & { csrf?: string | null }) {
  const payload =
    call.body === undefined
      ? undefined
      : typeof call.body === 'string'
        ? call.body
        : JSON.stringify(call.body);
  const url = /^\/(auth|admin|oauth2|fhir|api)\b/.test(call.url)
    ? call.url
    : `/fhir/R4/${call.url.replace(/^\//, '')}`;
  const csrf = call.csrf === undefined ? who.csrf : call.csrf;
  const res = await app.inject({
    method: call.method,
    url,
    headers: {
      cookie: `${SESSION_COOKIE}=${who.token}`,
      ...(csrf !== null && call.method !== 'GET' && call.method !== 'HEAD' ? { 'x-csrf-token': csrf } : {}),
      ...(payload !== undefined ? { 'content-type': call.contentType ?? 'application/fhir+json' } : {}),
      ...call.headers,
    },
    payload,
  });
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are inspected freely
  try {
    json = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body: json, text: res.body };
}
