/**
 * The tests' own API calls as a demo user (setting the scene: booking, checking in), with the cookie and the
 * CSRF token the writes need, and the site the app opens on.
 */
import type { Bundle, Location } from '@medplum/fhirtypes';
import { DEMO_PASSWORD, ORIGIN, SESSION_COOKIE, fhirGet, matches } from './helpers.js';

export interface ApiSession {
  cookie: string;
  csrf: string;
  practitionerId?: string;
}

/** Signs a demo user in through the API and keeps the cookie and the CSRF token the writes need. */
export async function apiSession(username: string): Promise<ApiSession> {
  const response = await fetch(`${ORIGIN}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = (await response.json()) as {
    session?: { csrfToken?: string; user?: { practitionerId?: string } };
  };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie || !body.session?.csrfToken) {
    throw new Error(`signing ${username} in answered ${response.status}`);
  }
  return { cookie, csrf: body.session.csrfToken, practitionerId: body.session.user?.practitionerId };
}

/** A JSON request as that user; throws with the answer's text on anything but 2xx. */
export async function api<T>(session: ApiSession, method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ORIGIN}${url}`, {
    method,
    headers: {
      accept: 'application/json',
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The site the app opens on: the first active Location without partOf, by name (fhir/queries.ts useSites). */
export async function defaultSite(): Promise<Location> {
  const sites = matches<Location>(
    await fhirGet<Bundle>('Location?partof:missing=true&status=active&_sort=name&_count=100')
  );
  const site = sites[0];
  if (!site?.id) throw new Error('the demo has no site');
  return site;
}
