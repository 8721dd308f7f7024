import { pbkdf2Sync, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/auth/authenticate.js';
import { createClient, revokeClient } from '../../src/auth/clients.js';
import { totpCode } from '../../src/auth/totp.js';
import type { User } from '../../src/auth/users.js';
import { ConfigError, parseServerConfig } from '../../src/config.js';
import { asUser, newUser, sessionCookie, setCookies, signedInUser, TEST_PASSWORD } from '../authHarness.js';
import {
  countOf,
  fhir,
  injectJson,
  newPractice,
  testEngines,
  useEngine,
  type JsonAnswer,
} from '../harness.js';

/**
 * Sign-in, sessions and API client tokens through the HTTP API (docs/security/auth-api.md; ONC
 * 170.315(d)(1), (d)(5), (d)(12), (d)(13); OWASP ASVS 2 and 3). The app runs on a clock the tests move, for
 * lock-outs, time-outs and token expiry.
 */

const MINUTE = 60_000;

interface Answer extends JsonAnswer {
  /** The session cookie the answer set ('' when it cleared it), if it set one. */
  cookie?: string;
  setCookie: string[];
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  contentType?: string;
  cookie?: string;
  csrf?: string;
  address?: string;
  headers?: Record<string, string>;
}

/** One in-process request: the session cookie and CSRF header when given, a socket address to count by. */
async function send(app: FastifyInstance, call: Call): Promise<Answer> {
  const res = await injectJson(app, {
    method: call.method,
    url: call.url,
    body: call.body,
    contentType: call.contentType ?? 'application/json',
    remoteAddress: call.address ?? '10.9.9.9',
    headers: {
      ...(call.cookie !== undefined ? { cookie: `${SESSION_COOKIE}=${call.cookie}` } : {}),
      ...(call.csrf !== undefined ? { 'x-csrf-token': call.csrf } : {}),
      ...call.headers,
    },
  });
  return { ...res, cookie: sessionCookie(res.headers), setCookie: setCookies(res.headers) };
}

/** A fresh network address per test: the per-address sign-in limit must not carry from one test to the next. */
let addressCounter = 0;
const newAddress = (): string => {
  addressCounter++;
  return `10.${Math.floor(addressCounter / 250)}.${addressCounter % 250}.7`;
};

describe.each(testEngines())('sign-in and sessions [%s]', (engine) => {
  // The app runs on this clock: each test sets it, and moves it on for lock-outs, time-outs and expiry.
  let clock = new Date();
  const h = useEngine(engine, { now: () => clock });

  const signIn = (username: string, password: string, address: string): Promise<Answer> =>
    send(h.app, { method: 'POST', url: '/auth/sign-in', body: { username, password }, address });

  /** Signs in and returns the cookie and CSRF token of the new session. */
  async function signedIn(
    user: User,
    address: string
  ): Promise<{ cookie: string; csrf: string; body: Answer['body'] }> {
    const res = await signIn(user.username, TEST_PASSWORD, address);
    expect(res.status).toBe(200);
    return { cookie: res.cookie as string, csrf: res.body.session.csrfToken as string, body: res.body };
  }

  const patients = (cookie: string, address = '10.200.0.1'): Promise<Answer> =>
    send(h.app, { method: 'GET', url: '/fhir/R4/Patient', cookie, address });

  const sessionCount = async (user: User): Promise<number> =>
    Number(
      (
        await h.db.query<{ n: string | number }>(
          'SELECT count(*) AS n FROM user_session WHERE practice_id = $1 AND user_id = $2',
          [user.practiceId, user.id]
        )
      ).rows[0].n
    );

  it('the right password answers stage signed-in and sets a __Host- cookie (HttpOnly, Secure, SameSite=Strict)', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'signin');
    const user = await newUser(h.db, ctx, ['medical-assistant']);
    const res = await signIn(user.username, TEST_PASSWORD, newAddress());
    expect(res.status).toBe(200);
    expect(res.body.stage).toBe('signed-in');
    expect(res.body.session.user.username).toBe(user.username);
    expect(res.body.session.user.roles).toEqual(['medical-assistant']);
    expect(res.body.session.practice.id).toBe(ctx.practiceId);
    expect(res.body.session.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(res.body.session.idleTimeoutSeconds).toBe(900);
    const cookie = res.setCookie.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) as string;
    expect(cookie).toBeDefined();
    expect(SESSION_COOKIE.startsWith('__Host-')).toBe(true);
    const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('secure');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    // The token is not in the body, and the database keeps only its hash.
    expect(res.text).not.toContain(res.cookie as string);
    const stored = await h.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM user_session WHERE practice_id = $1 AND user_id = $2',
      [ctx.practiceId, user.id]
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].token_hash).not.toContain(res.cookie as string);
    // Usernames are not case-sensitive.
    expect((await signIn(user.username.toUpperCase(), TEST_PASSWORD, newAddress())).status).toBe(200);

    const session = await send(h.app, { method: 'GET', url: '/auth/session', cookie: res.cookie });
    expect(session.status).toBe(200);
    expect(session.body.stage).toBe('signed-in');
    expect((await patients(res.cookie as string)).status).toBe(200);
  });

  it('issues a new token at each sign-in, and sign-out ends the session', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'signout');
    const user = await newUser(h.db, ctx, ['front-desk']);
    const address = newAddress();
    const first = await signedIn(user, address);
    const second = await signedIn(user, address);
    expect(second.cookie).not.toBe(first.cookie);
    expect(second.csrf).not.toBe(first.csrf);
    expect(await sessionCount(user)).toBe(2);

    const out = await send(h.app, {
      method: 'POST',
      url: '/auth/sign-out',
      body: {},
      cookie: first.cookie,
      csrf: first.csrf,
    });
    expect(out.status).toBe(204);
    expect(out.cookie).toBe('');
    expect(out.setCookie.join(';')).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    const old = await send(h.app, { method: 'GET', url: '/auth/session', cookie: first.cookie });
    expect(old.status).toBe(401);
    expect(old.body.resourceType).toBe('OperationOutcome');
    expect((await patients(first.cookie)).status).toBe(401);
    const ended = await h.db.query<{ end_reason: string }>(
      'SELECT end_reason FROM user_session WHERE practice_id = $1 AND user_id = $2 AND ended_at IS NOT NULL',
      [ctx.practiceId, user.id]
    );
    expect(ended.rows.map((r) => r.end_reason)).toEqual(['sign-out']);
    // The other session is untouched.
    expect((await patients(second.cookie)).status).toBe(200);
  });

  it('a wrong password and an unknown username get the same 401', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'wrong');
    const user = await newUser(h.db, ctx, ['biller']);
    const address = newAddress();
    const wrong = await signIn(user.username, 'Not-the-password-99', address);
    const unknown = await signIn(`nobody-${randomUUID().slice(0, 8)}`, TEST_PASSWORD, address);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.resourceType).toBe('OperationOutcome');
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.setCookie).toEqual([]);
    expect(unknown.setCookie).toEqual([]);
    expect(await sessionCount(user)).toBe(0);
  });

  it('5 wrong passwords lock the account for 15 minutes (423 with the time), even for the right password', async () => {
    const start = new Date();
    clock = start;
    const ctx = await newPractice(h.db, 'lock');
    const user = await newUser(h.db, ctx, ['medical-assistant']);
    const address = newAddress();
    for (let i = 1; i <= 5; i++) {
      const res = await signIn(user.username, `Wrong-password-${i}-xyz`, address);
      expect(res.status, `attempt ${i}`).toBe(401);
    }
    const until = new Date(start.getTime() + 15 * MINUTE).toISOString();
    const locked = await signIn(user.username, TEST_PASSWORD, address);
    expect(locked.status).toBe(423);
    expect(locked.body.resourceType).toBe('OperationOutcome');
    const issue = locked.body.issue[0];
    expect(`${issue.diagnostics ?? ''} ${issue.details?.text ?? ''}`).toContain(until);
    expect(locked.setCookie).toEqual([]);
    expect(await sessionCount(user)).toBe(0);
    // Still locked a second before the end.
    clock = new Date(start.getTime() + 15 * MINUTE - 1000);
    expect((await signIn(user.username, TEST_PASSWORD, address)).status).toBe(423);
    // Open again after 15 minutes on the clock.
    clock = new Date(start.getTime() + 15 * MINUTE + 1000);
    const open = await signIn(user.username, TEST_PASSWORD, address);
    expect(open.status).toBe(200);
    expect(open.body.stage).toBe('signed-in');
    // The lock-out is in the audit trail.
    const audit = await h.db.query<{ subtype: string }>(
      "SELECT subtype FROM audit_event WHERE practice_id = $1 AND user_id = $2 AND subtype = 'lock-out'",
      [ctx.practiceId, user.id]
    );
    expect(audit.rows).toHaveLength(1);
  });

  it('a practice administrator unlocks a locked account', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'unlock');
    const user = await newUser(h.db, ctx, ['front-desk']);
    const admin = await signedInUser(h.db, ctx, ['practice-admin'], [], clock);
    const address = newAddress();
    for (let i = 1; i <= 5; i++) {
      expect((await signIn(user.username, `Wrong-password-${i}-xyz`, address)).status).toBe(401);
    }
    expect((await signIn(user.username, TEST_PASSWORD, address)).status).toBe(423);
    const listed = await asUser(h.app, admin, { method: 'GET', url: '/admin/users' });
    expect(listed.body.users.find((u: User) => u.id === user.id).lockedUntil).not.toBeNull();
    // Another role may not unlock.
    const desk = await signedInUser(h.db, ctx, ['front-desk'], [], clock);
    const refused = await asUser(h.app, desk, {
      method: 'PATCH',
      url: `/admin/users/${user.id}`,
      body: { unlock: true },
      contentType: 'application/json',
    });
    expect(refused.status).toBe(403);
    expect((await signIn(user.username, TEST_PASSWORD, address)).status).toBe(423);

    const unlocked = await asUser(h.app, admin, {
      method: 'PATCH',
      url: `/admin/users/${user.id}`,
      body: { unlock: true },
      contentType: 'application/json',
    });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.user.lockedUntil).toBeNull();
    expect((await signIn(user.username, TEST_PASSWORD, address)).status).toBe(200);
  });

  it('limits sign-in attempts per address: 429 after 20 in 5 minutes', async () => {
    const start = new Date();
    clock = start;
    const ctx = await newPractice(h.db, 'rate');
    const user = await newUser(h.db, ctx, ['provider']);
    const address = newAddress();
    // Twenty wrong attempts for unknown usernames (so no account locks), at once.
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_v, i) =>
        signIn(`guess-${i}-${randomUUID().slice(0, 6)}`, 'Guessed-pass-123', address)
      )
    );
    expect(attempts.map((a) => a.status)).toEqual(Array(20).fill(401));
    const limited = await signIn(user.username, TEST_PASSWORD, address);
    expect(limited.status).toBe(429);
    expect(limited.body.resourceType).toBe('OperationOutcome');
    expect(limited.body.issue[0].code).toBe('throttled');
    expect(limited.setCookie).toEqual([]);
    expect(await sessionCount(user)).toBe(0);
    // Another address is not limited; this one is again after the window.
    expect((await signIn(user.username, TEST_PASSWORD, newAddress())).status).toBe(200);
    clock = new Date(start.getTime() + 5 * MINUTE + 1000);
    expect((await signIn(user.username, TEST_PASSWORD, address)).status).toBe(200);
  });

  it('a burst of parallel wrong attempts from one address gets no more than 20 answers', async () => {
    clock = new Date();
    const address = newAddress();
    // All at once: the limit must hold while the first attempts are still being checked (PBKDF2 is slow).
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_v, i) =>
        signIn(`burst-${i}-${randomUUID().slice(0, 6)}`, 'Guessed-pass-123', address)
      )
    );
    const statuses = attempts.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('enforces the password policy when a user is created', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'policy');
    const admin = await signedInUser(h.db, ctx, ['practice-admin'], [], clock);
    const create = (username: string, password: string) =>
      asUser(h.app, admin, {
        method: 'POST',
        url: '/admin/users',
        body: { username, displayName: 'New Person', roles: ['front-desk'], password },
        contentType: 'application/json',
      });
    const username = `newhire-${randomUUID().slice(0, 6)}`;
    for (const password of [
      'Abcdefgh-12', // 11 characters
      'password1234', // a common breached password with digits added
      `My-${username}-pass!`, // contains the username
    ]) {
      const res = await create(username, password);
      expect(res.status, password).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression).toEqual(['password']);
    }
    const listed = await asUser(h.app, admin, { method: 'GET', url: '/admin/users' });
    expect(listed.body.users.map((u: User) => u.username)).not.toContain(username);
    expect((await create(username, 'Abcdefgh-123')).status).toBe(201);
  });

  it('stores the password as PBKDF2-HMAC-SHA-256 with 600,000 iterations and a random salt', async () => {
    const ctx = await newPractice(h.db, 'hash');
    const user = await newUser(h.db, ctx, ['biller']);
    const other = await newUser(h.db, ctx, ['biller']);
    const stored = await h.db.query<{ id: string; password_hash: string }>(
      'SELECT id, password_hash FROM app_user WHERE practice_id = $1 ORDER BY id',
      [ctx.practiceId]
    );
    const hash = stored.rows.find((r) => r.id === user.id)?.password_hash as string;
    const m = /^pbkdf2-sha256\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
    expect(m).not.toBeNull();
    const [, iterations, salt, derived] = m as RegExpExecArray;
    expect(Number(iterations)).toBe(600_000);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    // Recomputed here with Node's own PBKDF2: the stored value is that function of the password.
    const expected = pbkdf2Sync(TEST_PASSWORD, Buffer.from(salt, 'base64'), 600_000, 32, 'sha256');
    expect(Buffer.from(derived, 'base64').equals(expected)).toBe(true);
    // The same password, another salt: another hash.
    expect(stored.rows.find((r) => r.id === other.id)?.password_hash).not.toBe(hash);
  });

  it('MFA for a practice administrator: enrol at first sign-in, then a TOTP code, once; recovery codes once', async () => {
    const start = new Date();
    clock = start;
    const ctx = await newPractice(h.db, 'mfa');
    const admin = await newUser(h.db, ctx, ['practice-admin']);
    const address = newAddress();

    const first = await signIn(admin.username, TEST_PASSWORD, address);
    expect(first.status).toBe(200);
    expect(first.body.stage).toBe('enrol');
    const enrolCookie = first.cookie as string;
    // Nothing else answers until the second factor is set up.
    expect((await patients(enrolCookie)).status).toBe(401);
    expect((await send(h.app, { method: 'GET', url: '/admin/users', cookie: enrolCookie })).status).toBe(401);
    expect((await send(h.app, { method: 'GET', url: '/auth/sessions', cookie: enrolCookie })).status).toBe(
      401
    );

    const enrol = await send(h.app, {
      method: 'POST',
      url: '/auth/mfa/enrol',
      body: {},
      cookie: enrolCookie,
    });
    expect(enrol.status).toBe(200);
    const secret = enrol.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(enrol.body.qrSvg).toContain('<svg');
    const wrongConfirm = await send(h.app, {
      method: 'POST',
      url: '/auth/mfa/enrol/confirm',
      body: { code: wrongCode(secret, clock.getTime()) },
      cookie: enrolCookie,
    });
    expect(wrongConfirm.status).toBe(401);
    const confirmed = await send(h.app, {
      method: 'POST',
      url: '/auth/mfa/enrol/confirm',
      body: { code: totpCode(secret, clock.getTime()) },
      cookie: enrolCookie,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.stage).toBe('signed-in');
    const recoveryCodes = confirmed.body.recoveryCodes as string[];
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const signedInCookie = confirmed.cookie as string;
    expect(signedInCookie).toBeTruthy();
    expect(signedInCookie).not.toBe(enrolCookie);
    expect((await patients(signedInCookie)).status).toBe(200);
    // The pre-MFA token stopped working when the session was upgraded.
    expect((await patients(enrolCookie)).status).toBe(401);

    // The next sign-in asks for a code (a later one: the enrolment's code is spent).
    clock = new Date(start.getTime() + 60_000);
    const second = await signIn(admin.username, TEST_PASSWORD, address);
    expect(second.body.stage).toBe('mfa');
    const mfaCookie = second.cookie as string;
    expect((await patients(mfaCookie)).status).toBe(401);
    const code = totpCode(secret, clock.getTime());
    const verify = (cookie: string, body: unknown) =>
      send(h.app, { method: 'POST', url: '/auth/mfa/verify', body, cookie, address });
    const wrong = await verify(mfaCookie, { code: wrongCode(secret, clock.getTime()) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.resourceType).toBe('OperationOutcome');
    const right = await verify(mfaCookie, { code });
    expect(right.status).toBe(200);
    expect(right.body.stage).toBe('signed-in');
    expect((await patients(right.cookie as string)).status).toBe(200);

    // The same code again, in another sign-in within its time step: refused (replay).
    const third = await signIn(admin.username, TEST_PASSWORD, address);
    expect(third.body.stage).toBe('mfa');
    const replay = await verify(third.cookie as string, { code });
    expect(replay.status).toBe(401);
    expect((await patients(third.cookie as string)).status).toBe(401);
    // A recovery code works once.
    const recovered = await verify(third.cookie as string, { recoveryCode: recoveryCodes[3] });
    expect(recovered.status).toBe(200);
    expect(recovered.body.stage).toBe('signed-in');
    const fourth = await signIn(admin.username, TEST_PASSWORD, address);
    expect((await verify(fourth.cookie as string, { recoveryCode: recoveryCodes[3] })).status).toBe(401);
    expect((await verify(fourth.cookie as string, { recoveryCode: recoveryCodes[4] })).status).toBe(200);
  });

  it('5 wrong second-factor codes lock the account too', async () => {
    const start = new Date();
    clock = start;
    const ctx = await newPractice(h.db, 'mfalock');
    const admin = await newUser(h.db, ctx, ['practice-admin']);
    const address = newAddress();
    const first = await signIn(admin.username, TEST_PASSWORD, address);
    const secret = (
      await send(h.app, { method: 'POST', url: '/auth/mfa/enrol', body: {}, cookie: first.cookie })
    ).body.secret as string;
    const confirm = await send(h.app, {
      method: 'POST',
      url: '/auth/mfa/enrol/confirm',
      body: { code: totpCode(secret, clock.getTime()) },
      cookie: first.cookie,
    });
    expect(confirm.status).toBe(200);
    clock = new Date(start.getTime() + 60_000);
    const second = await signIn(admin.username, TEST_PASSWORD, address);
    expect(second.body.stage).toBe('mfa');
    const verify = (body: unknown) =>
      send(h.app, { method: 'POST', url: '/auth/mfa/verify', body, cookie: second.cookie, address });
    for (let i = 1; i <= 5; i++) {
      expect((await verify({ code: wrongCode(secret, clock.getTime()) })).status, `attempt ${i}`).toBe(401);
    }
    const locked = await verify({ code: totpCode(secret, clock.getTime()) });
    expect(locked.status).toBe(423);
    expect((await patients(second.cookie as string)).status).toBe(401);
    expect((await signIn(admin.username, TEST_PASSWORD, address)).status).toBe(423);
  });

  it('times out after 15 idle minutes (401 expired); 14 idle minutes between requests keep it alive', async () => {
    const start = new Date();
    clock = start;
    const ctx = await newPractice(h.db, 'idle');
    const user = await newUser(h.db, ctx, ['medical-assistant']);
    const address = newAddress();
    // One session per kind of request, each idle for the same time: whichever request comes first after the
    // time-out is refused as expired.
    const firstRequests = [
      { method: 'GET', url: '/fhir/R4/Patient' },
      { method: 'GET', url: '/auth/session' },
      { method: 'GET', url: '/auth/sessions' },
      { method: 'POST', url: '/auth/keep-alive' },
    ] as const;
    const sessions = [];
    for (let i = 0; i < firstRequests.length; i++) {
      sessions.push(await signedIn(user, address));
    }
    let at = start.getTime();
    for (let i = 0; i < 3; i++) {
      at += 14 * MINUTE;
      clock = new Date(at);
      for (const { cookie } of sessions) {
        expect((await patients(cookie)).status, `after ${(i + 1) * 14} minutes`).toBe(200);
      }
    }
    const session = await send(h.app, { method: 'GET', url: '/auth/session', cookie: sessions[0].cookie });
    expect(new Date(session.body.session.idleExpiresAt).getTime()).toBe(at + 15 * MINUTE);

    clock = new Date(at + 15 * MINUTE + 1000);
    for (const [i, call] of firstRequests.entries()) {
      const { cookie, csrf } = sessions[i];
      const res = await send(h.app, {
        ...call,
        cookie,
        csrf,
        ...(call.method === 'POST' ? { body: {} } : {}),
      });
      expect(res.status, call.url).toBe(401);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].code, call.url).toBe('expired');
      // The session is over: resuming needs a new sign-in.
      expect((await patients(cookie)).status).toBe(401);
    }
    const ended = await h.db.query<{ end_reason: string }>(
      'SELECT end_reason FROM user_session WHERE practice_id = $1 AND user_id = $2',
      [ctx.practiceId, user.id]
    );
    expect(ended.rows.map((r) => r.end_reason)).toEqual(Array(firstRequests.length).fill('idle-timeout'));
    expect((await signIn(user.username, TEST_PASSWORD, address)).status).toBe(200);
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const start = new Date();
    clock = start;
    const ctx = await newPractice(h.db, 'absolute');
    const user = await newUser(h.db, ctx, ['medical-assistant']);
    const { cookie, body } = await signedIn(user, newAddress());
    expect(new Date(body.session.absoluteExpiresAt).getTime()).toBe(start.getTime() + 12 * 60 * MINUTE);
    let at = start.getTime();
    while (at + 14 * MINUTE < start.getTime() + 12 * 60 * MINUTE) {
      at += 14 * MINUTE;
      clock = new Date(at);
      const alive = await send(h.app, {
        method: 'POST',
        url: '/auth/keep-alive',
        body: {},
        cookie,
        csrf: body.session.csrfToken,
      });
      expect(alive.status).toBe(200);
    }
    clock = new Date(start.getTime() + 12 * 60 * MINUTE + 1000);
    const res = await patients(cookie);
    expect(res.status).toBe(401);
    expect(res.body.issue[0].code).toBe('expired');
  });

  it('refuses an idle time-out above 30 minutes at start-up', () => {
    expect(parseServerConfig({ idleMinutes: '30' }, {}).idleMinutes).toBe(30);
    expect(parseServerConfig({}, {}).idleMinutes).toBe(15);
    expect(() => parseServerConfig({ idleMinutes: '31' }, {})).toThrow(ConfigError);
    expect(() => parseServerConfig({ idleMinutes: '31' }, {})).toThrow(/--idle-minutes.*30/);
    expect(() => parseServerConfig({}, { MEDASSIST_IDLE_MINUTES: '45' })).toThrow(/idle-minutes/i);
    expect(() => parseServerConfig({ idleMinutes: '0' }, {})).toThrow(ConfigError);
  });

  it('refuses a cookie write without the CSRF header, or with a wrong one, and stores nothing', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'csrf');
    const user = await signedInUser(h.db, ctx, ['front-desk'], [], clock);
    const patient = { resourceType: 'Patient', name: [{ family: 'Nakamura' }] };
    const count = () => countOf(h.app, ctx, 'Patient');
    const before = await count();
    for (const csrf of [null, 'not-the-token', '']) {
      const res = await asUser(h.app, user, { method: 'POST', url: 'Patient', body: patient, csrf });
      expect(res.status, String(csrf)).toBe(403);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression).toEqual(['x-csrf-token']);
    }
    // Another session's token does not do either.
    const other = await signedInUser(h.db, ctx, ['front-desk'], [], clock);
    expect(
      (await asUser(h.app, user, { method: 'POST', url: 'Patient', body: patient, csrf: other.csrf })).status
    ).toBe(403);
    // Nor for the auth and admin routes.
    const ended = await asUser(h.app, user, {
      method: 'DELETE',
      url: `/auth/sessions/${user.sessionId}`,
      csrf: null,
    });
    expect(ended.status).toBe(403);
    expect(await count()).toBe(before);
    expect((await asUser(h.app, user, { method: 'GET', url: 'Patient' })).status).toBe(200);
    expect((await asUser(h.app, user, { method: 'POST', url: 'Patient', body: patient })).status).toBe(201);
    expect(await count()).toBe(before + 1);
  });

  it('lists and ends one’s own sessions, never another user’s', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'sessions');
    const user = await newUser(h.db, ctx, ['provider']);
    const address = newAddress();
    const laptop = await signedIn(user, address);
    const phone = await signedIn(user, address);
    const listed = await send(h.app, { method: 'GET', url: '/auth/sessions', cookie: laptop.cookie });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(2);
    const current = listed.body.sessions.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    const phoneSession = listed.body.sessions.find((s: { current: boolean }) => !s.current);
    expect(phoneSession.address).toBe(address);

    const someoneElse = await signedInUser(h.db, ctx, ['provider'], [], clock);
    const refused = await send(h.app, {
      method: 'DELETE',
      url: `/auth/sessions/${someoneElse.sessionId}`,
      cookie: laptop.cookie,
      csrf: laptop.csrf,
    });
    expect(refused.status).toBe(404);
    expect((await asUser(h.app, someoneElse, { method: 'GET', url: 'Patient' })).status).toBe(200);

    const ended = await send(h.app, {
      method: 'DELETE',
      url: `/auth/sessions/${phoneSession.id}`,
      cookie: laptop.cookie,
      csrf: laptop.csrf,
    });
    expect(ended.status).toBe(204);
    expect((await patients(phone.cookie)).status).toBe(401);
    expect((await patients(laptop.cookie)).status).toBe(200);
    const after = await send(h.app, { method: 'GET', url: '/auth/sessions', cookie: laptop.cookie });
    expect(after.body.sessions).toHaveLength(1);
  });

  it('disabling a user ends their sessions at once; a role change applies on the next request', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'admin');
    const admin = await signedInUser(h.db, ctx, ['practice-admin'], [], clock);
    const leaving = await newUser(h.db, ctx, ['front-desk']);
    const moving = await newUser(h.db, ctx, ['front-desk']);
    const address = newAddress();
    const leavingSession = await signedIn(leaving, address);
    const movingSession = await signedIn(moving, address);
    const patch = (user: User, body: unknown) =>
      asUser(h.app, admin, {
        method: 'PATCH',
        url: `/admin/users/${user.id}`,
        body,
        contentType: 'application/json',
      });

    expect((await patients(leavingSession.cookie)).status).toBe(200);
    expect((await patch(leaving, { status: 'disabled' })).status).toBe(200);
    expect((await patients(leavingSession.cookie)).status).toBe(401);
    const again = await signIn(leaving.username, TEST_PASSWORD, address);
    expect(again.status).toBe(401);
    expect(again.setCookie).toEqual([]);

    const observations = () =>
      send(h.app, { method: 'GET', url: '/fhir/R4/Observation', cookie: movingSession.cookie });
    expect((await observations()).status).toBe(403);
    expect((await patch(moving, { roles: ['medical-assistant'] })).status).toBe(200);
    expect((await observations()).status).toBe(200);
    expect((await patch(moving, { roles: ['biller'] })).status).toBe(200);
    expect((await observations()).status).toBe(403);
  });

  describe('API clients (OAuth 2.0 client credentials)', () => {
    const token = (form: Record<string, string>, address: string, headers?: Record<string, string>) =>
      send(h.app, {
        method: 'POST',
        url: '/oauth2/token',
        body: new URLSearchParams(form).toString(),
        contentType: 'application/x-www-form-urlencoded',
        address,
        headers,
      });
    const bearer = (accessToken: string, url = '/fhir/R4/Patient') =>
      send(h.app, { method: 'GET', url, headers: { authorization: `Bearer ${accessToken}` } });

    it('gives a JWT that works; a wrong secret is 401; a revoked client is refused on its next request', async () => {
      clock = new Date();
      const ctx = await newPractice(h.db, 'oauth');
      const client = await createClient(h.db, ctx.practiceId, 'lab interface', 'system/*.rs');
      const address = newAddress();
      const res = await token(
        {
          grant_type: 'client_credentials',
          client_id: client.client_id,
          client_secret: client.client_secret,
        },
        address
      );
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
      expect(res.body.expires_in).toBe(300);
      expect(res.body.scope).toBe('system/*.rs');
      expect(res.headers['cache-control']).toBe('no-store');
      const jwt = res.body.access_token as string;
      expect(jwt.split('.')).toHaveLength(3);
      expect(JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).alg).toBe('HS256');
      expect((await bearer(jwt)).status).toBe(200);
      // Read-only: it cannot write.
      const write = await send(h.app, {
        method: 'POST',
        url: '/fhir/R4/Patient',
        body: { resourceType: 'Patient' },
        contentType: 'application/fhir+json',
        headers: { authorization: `Bearer ${jwt}` },
      });
      expect(write.status).toBe(403);
      // HTTP Basic works too.
      const basic = await token({ grant_type: 'client_credentials' }, address, {
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      });
      expect(basic.status).toBe(200);

      const wrong = await token(
        {
          grant_type: 'client_credentials',
          client_id: client.client_id,
          client_secret: `${client.client_secret}x`,
        },
        address
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body.resourceType).toBe('OperationOutcome');
      expect(wrong.text).not.toContain('access_token');
      // A tampered token is refused.
      const [head, payload, signature] = jwt.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, scope: 'system/*.cruds' })).toString('base64url')}.${signature}`;
      expect((await bearer(forged)).status).toBe(401);

      await revokeClient(h.db, ctx.practiceId, client.client_id);
      const revoked = await bearer(jwt);
      expect(revoked.status).toBe(401);
      expect(revoked.body.resourceType).toBe('OperationOutcome');
      expect(
        (
          await token(
            {
              grant_type: 'client_credentials',
              client_id: client.client_id,
              client_secret: client.client_secret,
            },
            address
          )
        ).status
      ).toBe(401);
    });

    it('a token expires after 300 s; a broader scope than granted is 400', async () => {
      const start = new Date();
      clock = start;
      const ctx = await newPractice(h.db, 'expiry');
      const client = await createClient(
        h.db,
        ctx.practiceId,
        'reporting',
        'system/Patient.rs system/Observation.rs'
      );
      const address = newAddress();
      const form = {
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      };
      const res = await token(form, address);
      const jwt = res.body.access_token as string;
      clock = new Date(start.getTime() + 299_000);
      expect((await bearer(jwt)).status).toBe(200);
      clock = new Date(start.getTime() + 301_000);
      const expired = await bearer(jwt);
      expect(expired.status).toBe(401);
      expect(expired.body.resourceType).toBe('OperationOutcome');

      for (const scope of [
        'system/*.rs',
        'system/Patient.cruds',
        'system/Encounter.rs',
        'system/Patient.write',
      ]) {
        const broader = await token({ ...form, scope }, address);
        expect(broader.status, scope).toBe(400);
        expect(broader.body.issue[0].expression).toEqual(['scope']);
      }
      const narrower = await token({ ...form, scope: 'system/Patient.r' }, address);
      expect(narrower.status).toBe(200);
      expect(narrower.body.scope).toBe('system/Patient.r');
      expect((await bearer(narrower.body.access_token as string, '/fhir/R4/Observation')).status).toBe(403);
      expect((await bearer(narrower.body.access_token as string, '/fhir/R4/Patient')).status).toBe(403);
    });

    it('serves /.well-known/smart-configuration', async () => {
      const res = await send(h.app, { method: 'GET', url: '/.well-known/smart-configuration' });
      expect(res.status).toBe(200);
      expect(res.body.token_endpoint).toMatch(/\/oauth2\/token$/);
      expect(res.body.grant_types_supported).toContain('client_credentials');
      expect(res.body.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_post', 'client_secret_basic'])
      );
    });
  });

  it('sends the security headers on /fhir and / (CSP frame-ancestors none, nosniff, no-store on /fhir)', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'headers');
    const checks = [
      await send(h.app, { method: 'GET', url: '/' }),
      await send(h.app, { method: 'GET', url: '/fhir/R4/metadata' }),
      await fhir(h.app, ctx, { method: 'GET', url: 'Patient' }),
      await send(h.app, { method: 'GET', url: '/fhir/R4/Patient' }),
    ];
    for (const res of checks) {
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    for (const res of checks.slice(1)) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

/** A six-digit code that is wrong for `secret` at `at` (not the code of that time step or of either neighbour). */
function wrongCode(secret: string, at: number): string {
  const valid = [-30_000, 0, 30_000].map((d) => totpCode(secret, at + d));
  let n = Number(valid[1]);
  let code: string;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, '0');
  } while (valid.includes(code));
  return code;
}
