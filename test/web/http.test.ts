/**
 * The web app's one request function (web/src/fhir/http.ts) with a stand-in fetch: the CSRF header on
 * requests that change something, 401 -> the auth layer told, every answer restarting the idle clock.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Http from '../../web/src/fhir/http.js';
import type * as Store from '../../web/src/auth/sessionStore.js';
import type { Session } from '../../web/src/auth/session.js';
import type * as AuthApi from '../../web/src/auth/authApi.js';

let http: typeof Http;
let store: typeof Store;
let authApi: typeof AuthApi;

const SESSION: Session = {
  user: {
    id: 'u-ma',
    username: 'ma',
    displayName: 'Maria',
    roles: ['medical-assistant'],
    permissions: [],
    mfaEnrolled: false,
  },
  practice: { id: 'demo', name: 'Demo' },
  csrfToken: 'csrf-123',
  idleTimeoutSeconds: 900,
  idleExpiresAt: '2026-11-26T20:15:00.000Z',
  absoluteExpiresAt: '2099-01-01T00:00:00.000Z',
};

const calls: { url: string; method: string; headers: Headers }[] = [];
let answer: () => Response;

beforeAll(async () => {
  // No other tabs here (and a Node BroadcastChannel would keep the worker alive).
  vi.stubGlobal('BroadcastChannel', undefined);
  store = await import('../../web/src/auth/sessionStore.js');
  http = await import('../../web/src/fhir/http.js');
  authApi = await import('../../web/src/auth/authApi.js');
});

beforeEach(() => {
  calls.length = 0;
  answer = () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', headers: new Headers(init.headers) });
    return answer();
  });
  store.adoptSession(SESSION, Date.now(), true);
});

afterEach(() => {
  store.forgetSession(false);
  vi.useRealTimers();
});

function outcome(status: number, code: string): Response {
  return new Response(
    JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code }] }),
    {
      status,
    }
  );
}

describe('send', () => {
  it('adds x-csrf-token to POST, PUT, PATCH and DELETE, not to GET', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      await http.send('/fhir/R4/Patient/_search', { method });
    }
    expect(calls.map((c) => [c.method, c.headers.get('x-csrf-token')])).toEqual([
      ['GET', null],
      ['POST', 'csrf-123'],
      ['PUT', 'csrf-123'],
      ['PATCH', 'csrf-123'],
      ['DELETE', 'csrf-123'],
    ]);
  });

  it('restarts the idle clock from the start of every answered request', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-26T20:00:00Z'), toFake: ['Date'] });
    store.adoptSession(SESSION, Date.now(), true);
    expect(store.idleDeadlineMs()).toBe(Date.parse('2026-11-26T20:15:00Z'));
    vi.setSystemTime(Date.parse('2026-11-26T20:05:00Z'));
    answer = () => outcome(404, 'not-found');
    await expect(http.send('/fhir/R4/Patient/x', {})).rejects.toMatchObject({ status: 404 });
    expect(store.idleDeadlineMs()).toBe(Date.parse('2026-11-26T20:20:00Z'));
  });

  it('tells the auth layer once when a request answers 401, "expired" meaning a time-out', async () => {
    const ended: string[] = [];
    const stop = store.onSessionEnded((reason) => ended.push(reason));
    answer = () => outcome(401, 'expired');
    await expect(http.send('/fhir/R4/Patient/x', {})).rejects.toMatchObject({ status: 401 });
    await expect(http.send('/fhir/R4/Patient/y', {})).rejects.toMatchObject({ status: 401 });
    stop();
    expect(ended).toEqual(['timed-out']);
    expect(store.csrfToken()).toBeUndefined();
    expect(store.idleDeadlineMs()).toBeUndefined();
  });

  it('reads a 401 "login" as signed out, and ignores 401s of sign-in itself', async () => {
    const ended: string[] = [];
    const stop = store.onSessionEnded((reason) => ended.push(reason));
    answer = () => outcome(401, 'login');
    await expect(
      http.send('/auth/sign-in', { method: 'POST' }, { sessionRequired: false })
    ).rejects.toMatchObject({
      status: 401,
    });
    expect(ended).toEqual([]);
    await expect(http.send('/fhir/R4/Patient/x', {})).rejects.toMatchObject({ status: 401 });
    stop();
    expect(ended).toEqual(['signed-out']);
  });

  it('ignores a late 401 from a session that has already been replaced', async () => {
    const ended: string[] = [];
    const stop = store.onSessionEnded((reason) => ended.push(reason));
    let release: (r: Response) => void = () => undefined;
    vi.stubGlobal('fetch', () => new Promise<Response>((resolve) => (release = resolve)));
    const late = http.send('/fhir/R4/Patient/x', {});
    store.adoptSession({ ...SESSION, csrfToken: 'csrf-456' }, Date.now(), true);
    release(outcome(401, 'login'));
    await expect(late).rejects.toMatchObject({ status: 401 });
    stop();
    expect(ended).toEqual([]);
    expect(store.csrfToken()).toBe('csrf-456');
  });

  it('reads JSON answers, an empty answer as undefined', async () => {
    answer = () => new Response('{"ok":true}', { status: 200 });
    expect(await http.sendJson('/admin/audit-settings', {})).toEqual({ ok: true });
    answer = () => new Response(null, { status: 204 });
    expect(await http.sendJson('/auth/sign-out', { method: 'POST' })).toBeUndefined();
  });
});

describe('signOutWithRetries', () => {
  it('sends the token it was given, even after the session was forgotten here', async () => {
    answer = () => new Response(null, { status: 204 });
    store.forgetSession(false);
    expect(await authApi.signOutWithRetries('csrf-123')).toBe(true);
    expect(calls.map((c) => [c.url, c.headers.get('x-csrf-token')])).toEqual([
      ['/auth/sign-out', 'csrf-123'],
    ]);
  });

  it('retries while the server cannot be reached, and says whether it got through', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    let failures = 2;
    vi.stubGlobal('fetch', async () => {
      if (failures-- > 0) throw new TypeError('network down');
      return new Response(null, { status: 204 });
    });
    const ended = authApi.signOutWithRetries('csrf-123');
    await vi.runAllTimersAsync();
    expect(await ended).toBe(true);

    vi.stubGlobal('fetch', async () => {
      throw new TypeError('network down');
    });
    const never = authApi.signOutWithRetries('csrf-123');
    await vi.runAllTimersAsync();
    expect(await never).toBe(false);
  });

  it('counts an already ended session (401) as signed out, and does not retry a refusal (403)', async () => {
    answer = () => outcome(401, 'login');
    expect(await authApi.signOutWithRetries('csrf-123')).toBe(true);
    answer = () => outcome(403, 'forbidden');
    calls.length = 0;
    expect(await authApi.signOutWithRetries('wrong')).toBe(false);
    expect(calls).toHaveLength(1);
  });
});
