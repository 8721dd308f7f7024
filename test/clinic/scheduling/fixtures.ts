import type { FastifyInstance } from 'fastify';
import { createClient, issueToken } from '../../../src/auth/clients.js';
import { fhir, injectJson, newPractice, type JsonAnswer, type TestContext } from '../../harness.js';
import type { Database } from '../../../src/store/db.js';
import { asUser, signedInUser, type TestUser } from '../../authHarness.js';
import type { Role } from '../../../src/auth/accessMatrix.js';

export const ZONE = 'America/New_York';

/** Mon-Fri 08:00-12:00 and 13:00-17:00: the template the hand-worked expectations use. */
export const WEEKDAYS_WITH_LUNCH = [
  { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '08:00', end: '12:00' },
  { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '13:00', end: '17:00' },
];

/** Calls a /api route with the practice's API client (full access). */
export function api(
  app: FastifyInstance,
  ctx: TestContext,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown
): Promise<JsonAnswer> {
  return injectJson(app, {
    method,
    url,
    body,
    contentType: 'application/json',
    headers: { authorization: `Bearer ${ctx.token}` },
  });
}

/** Calls a /api route as a signed-in user. */
export function apiAs(
  app: FastifyInstance,
  who: TestUser,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown
): Promise<JsonAnswer> {
  return asUser(app, who, { method, url, body, contentType: 'application/json' });
}

async function create(
  app: FastifyInstance,
  ctx: TestContext,
  body: Record<string, unknown>
): Promise<string> {
  const res = await fhir(app, ctx, { method: 'POST', url: String(body.resourceType), body });
  if (res.status !== 201) throw new Error(`setup: ${String(body.resourceType)} ${res.status} ${res.text}`);
  return res.body.id as string;
}

export interface Clinic {
  ctx: TestContext;
  siteId: string;
  providerId: string;
  /** Dr. Harlow's schedule at the site (the weekday template with lunch). */
  scheduleId: string;
  /** The site's nurse line (same template). */
  nurseLineId: string;
  patientId: string;
  otherPatientId: string;
  restrictedPatientId: string;
  user: (roles: Role[]) => Promise<TestUser>;
}

/**
 * A site in America/New_York with one provider (Dr. Imogen Harlow) and a nurse line, both on the Mon-Fri
 * 08:00-12:00 + 13:00-17:00 template, and three patients (one with a restricted chart).
 */
export async function clinic(app: FastifyInstance, db: Database, now: Date): Promise<Clinic> {
  const ctx = await clientAt(db, await newPractice(db, 'sched'), now);
  const siteId = await create(app, ctx, {
    resourceType: 'Location',
    name: 'Harbor Street Clinic',
    status: 'active',
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: ZONE }],
  });
  await create(app, ctx, {
    resourceType: 'Location',
    name: 'Harbor Street Clinic - Exam 1',
    alias: ['Exam 1'],
    status: 'active',
    partOf: { reference: `Location/${siteId}` },
    operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code: 'U' },
  });
  const providerId = await create(app, ctx, {
    resourceType: 'Practitioner',
    name: [{ family: 'Harlow', given: ['Imogen'] }],
  });
  const scheduleId = await create(app, ctx, {
    resourceType: 'Schedule',
    active: true,
    actor: [
      { reference: `Practitioner/${providerId}`, display: 'Imogen Harlow, MD' },
      { reference: `Location/${siteId}` },
    ],
  });
  const nurseLineId = await create(app, ctx, {
    resourceType: 'Schedule',
    active: true,
    actor: [{ reference: `Location/${siteId}` }],
    comment: 'Nurse line',
  });
  for (const id of [scheduleId, nurseLineId]) {
    const res = await api(app, ctx, 'PUT', `/api/schedule/schedules/${id}/availability`, {
      rules: WEEKDAYS_WITH_LUNCH,
    });
    if (res.status !== 200) throw new Error(`setup: availability ${res.status} ${res.text}`);
  }
  const patientId = await create(app, ctx, {
    resourceType: 'Patient',
    name: [{ family: 'Brandt', given: ['Osric'] }],
    birthDate: '1961-04-12',
  });
  const otherPatientId = await create(app, ctx, {
    resourceType: 'Patient',
    name: [{ family: 'Quillon', given: ['Maren'] }],
    birthDate: '1990-09-30',
  });
  const restrictedPatientId = await create(app, ctx, {
    resourceType: 'Patient',
    meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    name: [{ family: 'Vesper', given: ['Talia'] }],
    birthDate: '1985-02-02',
  });
  return {
    ctx,
    siteId,
    providerId,
    scheduleId,
    nurseLineId,
    patientId,
    otherPatientId,
    restrictedPatientId,
    user: (roles) => signedInUser(db, ctx, roles, [], now),
  };
}

/** The practice's full-access API client with a token issued at the app's clock `now`. */
export async function clientAt(db: Database, ctx: TestContext, now: Date): Promise<TestContext> {
  const client = await createClient(db, ctx.practiceId, 'scheduling test client', 'system/*.cruds');
  const token = await issueToken(db, client.client_id, client.client_secret, undefined, now);
  return { ...ctx, token: token.access_token, clientId: client.client_id };
}
