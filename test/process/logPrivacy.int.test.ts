/**
 * No credentials or patient data in logs (OWASP ASVS 7.1.1 and 7.1.2; HIPAA minimum necessary): a real server
 * at `--log-level debug` on the demo clinic serves a session of ordinary work (a staff member signed in with
 * the cookie, an API client with a Bearer token: name searches, reads, writes, a wrong password, a 400) and
 * then its whole output is searched for every demo patient's names and birth date and for every secret used.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToken, runCli, startServer, stop, type RunningServer } from './serverProcess.js';

const PORT = 18495;
const PATIENTS = 40;
/** The demo users' password (README "Demo sign-in"). */
const PASSWORD = 'Riverbend-demo-2026';
const WRONG_PASSWORD = 'Tangerine-Walrus-4417';
/** A patient this test creates, with names no demo patient has. */
const NEW_FAMILY = 'Quillfeather';
const NEW_GIVEN = 'Octavia';
const NEW_BIRTH_DATE = '1961-07-23';

let dir: string;
let server: RunningServer;
/** Everything that must never reach a log line. */
const secrets = new Map<string, string>();
/** Patient names and birth dates read through the API. */
const patientData = new Map<string, string>();
let cookieToken = '';
let csrfToken = '';
let bearer = '';

const fhir = (p: string): string => `${server.url}/fhir/R4/${p}`;

async function asClient(p: string, init: RequestInit = {}): Promise<Response> {
  return fetch(fhir(p), {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string>) },
  });
}

/** A request with the staff member's session cookie (and its CSRF token, needed on every change). */
async function asStaff(p: string, init: RequestInit = {}): Promise<Response> {
  return fetch(fhir(p), {
    ...init,
    headers: {
      cookie: `__Host-medassist-session=${cookieToken}`,
      'x-csrf-token': csrfToken,
      ...(init.headers as Record<string, string>),
    },
  });
}

const form = (params: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(params).toString(),
});

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/fhir+json' },
  body: JSON.stringify(body),
});

/** Escapes a literal for a RegExp. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where `value` occurs in the log as a whole word (names) or anywhere (secrets, dates), also as JSON would
 * escape it (pino writes non-ASCII as is, but a name may reach a log through JSON.stringify elsewhere).
 */
function occurrences(log: string, value: string, wholeWord: boolean): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  const found: string[] = [];
  for (const form of forms) {
    const pattern = wholeWord ? `(?<![\\p{L}\\p{N}])${literal(form)}(?![\\p{L}\\p{N}])` : literal(form);
    for (const m of log.matchAll(new RegExp(pattern, 'gu'))) {
      found.push(log.slice(Math.max(0, (m.index ?? 0) - 80), (m.index ?? 0) + form.length + 80));
    }
  }
  return found;
}

describe('server logs at debug level', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-logs-'));
    const database = `pglite:${dir}`;
    const demo = await runCli(['demo', '--database', database, '--patients', String(PATIENTS)]);
    if (demo.code !== 0) {
      throw new Error(`medassist demo failed (${demo.code}): ${demo.output}`);
    }
    server = await startServer(['--database', database, '--log-level', 'debug'], PORT);
    // The API client the server left for the local command line (server.json, readable by this user only).
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'server.json'), 'utf8')) as {
      clientId: string;
      clientSecret: string;
    };
    secrets.set('client secret', info.clientSecret);
    bearer = await clientToken(server.url, { client_id: info.clientId, client_secret: info.clientSecret });
    secrets.set('bearer token', bearer);
    secrets.set('password', PASSWORD);
    secrets.set('wrong password', WRONG_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    if (server) {
      await stop(server);
    }
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds no patient names, birth dates, passwords or tokens after a session of ordinary work', async () => {
    // Every demo patient's names and birth date, read through the API (the client sees restricted charts too).
    const all = (await (await asClient(`Patient?_count=${PATIENTS + 10}`)).json()) as Bundle<Patient>;
    const patients = (all.entry ?? []).map((e) => e.resource as Patient);
    expect(patients).toHaveLength(PATIENTS);
    for (const patient of patients) {
      for (const name of patient.name ?? []) {
        if (name.family) patientData.set(`family name of ${patient.id}`, name.family);
        // A given name of two words ("Ana Sofía") is searched word by word.
        for (const given of name.given ?? []) {
          for (const word of given.split(/\s+/)) patientData.set(`given name ${word} of ${patient.id}`, word);
        }
      }
      if (patient.birthDate) patientData.set(`birth date of ${patient.id}`, patient.birthDate);
    }
    patientData.set('new family name', NEW_FAMILY);
    patientData.set('new given name', NEW_GIVEN);
    patientData.set('new birth date', NEW_BIRTH_DATE);

    // A wrong password, then the medical assistant signs in.
    const wrong = await fetch(`${server.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ma', password: WRONG_PASSWORD }),
    });
    expect(wrong.status).toBe(401);
    const signIn = await fetch(`${server.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ma', password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('__Host-medassist-session='));
    cookieToken = /^__Host-medassist-session=([^;]+)/.exec(cookie ?? '')?.[1] ?? '';
    expect(cookieToken.length).toBeGreaterThan(20);
    const session = (await signIn.json()) as { stage: string; session: { csrfToken: string } };
    expect(session.stage).toBe('signed-in');
    csrfToken = session.session.csrfToken;
    secrets.set('session cookie token', cookieToken);
    secrets.set('CSRF token', csrfToken);

    // Name searches (POST _search keeps names out of the URL), by both the MA and the client.
    const jose = patients.find((p) => p.id === 'demo-pat-0004') as Patient;
    const byName = await asStaff('Patient/_search', form({ name: jose.name?.[0].family ?? '' }));
    expect(byName.status).toBe(200);
    expect(((await byName.json()) as Bundle).entry?.length).toBeGreaterThan(0);
    for (const patient of patients.slice(0, 8)) {
      const family = patient.name?.[0].family ?? '';
      const given = patient.name?.[0].given?.[0] ?? '';
      expect((await asStaff('Patient/_search', form({ family, given }))).status).toBe(200);
      expect(
        (await asClient('Patient/_search', form({ name: family, birthdate: patient.birthDate ?? '' }))).status
      ).toBe(200);
    }
    // A name in a GET query string, which the app never sends but another client might: the query is not logged.
    expect((await asStaff(`Patient?name=${encodeURIComponent(jose.name?.[0].family ?? '')}`)).status).toBe(
      200
    );

    // Reads of charts and what is in them.
    expect((await asStaff('Patient/demo-pat-0004')).status).toBe(200);
    expect((await asStaff('Observation/_search', form({ subject: 'Patient/demo-pat-0004' }))).status).toBe(
      200
    );
    expect((await asClient('Patient/demo-pat-0009/_history')).status).toBe(200);

    // Writes: the client registers a patient, the MA records a heart rate.
    const created = await asClient(
      'Patient',
      json('POST', {
        resourceType: 'Patient',
        name: [{ family: NEW_FAMILY, given: [NEW_GIVEN] }],
        birthDate: NEW_BIRTH_DATE,
      })
    );
    expect(created.status).toBe(201);
    const newId = ((await created.json()) as Patient).id;
    const vitals = await asStaff(
      'Observation',
      json('POST', {
        resourceType: 'Observation',
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
            ],
          },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
        subject: { reference: `Patient/${newId}`, display: `${NEW_GIVEN} ${NEW_FAMILY}` },
        effectiveDateTime: '2026-03-10T10:00:00Z',
        valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      })
    );
    expect(vitals.status).toBe(201);

    // 400s that carry patient data in the request: an impossible birth date, a bad search value.
    const invalid = await asStaff(
      'Patient',
      json('POST', {
        resourceType: 'Patient',
        name: [{ family: NEW_FAMILY }],
        birthDate: `${NEW_BIRTH_DATE}x`,
      })
    );
    expect(invalid.status).toBe(400);
    const badSearch = await asClient(
      'Patient/_search',
      form({ name: NEW_FAMILY, birthdate: `lt${NEW_BIRTH_DATE}-nonsense` })
    );
    expect(badSearch.status).toBe(400);
    // A Bearer token that is not valid, and the session ended.
    expect(
      (await fetch(fhir('Patient/demo-pat-0004'), { headers: { authorization: `Bearer ${bearer}x` } })).status
    ).toBe(401);
    const signOut = await fetch(`${server.url}/auth/sign-out`, {
      method: 'POST',
      headers: {
        cookie: `__Host-medassist-session=${cookieToken}`,
        'x-csrf-token': csrfToken,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(signOut.status).toBe(204);

    await stop(server);
    const log = server.output();
    // The level really was debug and requests were logged: an empty log would prove nothing.
    expect(log).toMatch(/"msg":"request"/);
    expect(log.match(/"msg":"request"/g)?.length).toBeGreaterThanOrEqual(30);

    const leaks: string[] = [];
    for (const [what, value] of patientData) {
      for (const context of occurrences(log, value, !what.includes('birth date'))) {
        leaks.push(`${what} "${value}": …${context}…`);
      }
    }
    for (const [what, value] of secrets) {
      for (const context of occurrences(log, value, false)) {
        leaks.push(`${what}: …${context}…`);
      }
    }
    expect(leaks).toEqual([]);
  }, 300_000);
});
