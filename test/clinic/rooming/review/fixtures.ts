import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Role } from '../../../../src/auth/accessMatrix.js';
import { createSession, DEFAULT_SESSION_LIMITS, loadSession } from '../../../../src/auth/sessions.js';
import { createUser } from '../../../../src/auth/users.js';
import type { Database } from '../../../../src/store/db.js';
import { asUser, signedInUser, TEST_PASSWORD, type TestUser } from '../../../authHarness.js';
import { fhir, newPractice, transaction, type TestContext } from '../../../harness.js';
import { clinic, MA, PATIENT, patient, PROVIDER } from '../../flow/fixtures.js';

/**
 * The review tests' clinic: the flow tests' clinic (Maria Delgado, Dr. Nwosu, MA Luis Ortega, appt-1) with
 * Maria roomed in Encounter `enc-1`; the MA's account is linked to Practitioner prac-ortega, so authorOf()
 * names that Practitioner. Also a restricted patient (Iris Vance) with her own visit `enc-hidden`, and a
 * second patient (Otto Berg) with `enc-otto`.
 */
export { MA, PATIENT, PROVIDER };
export const ENCOUNTER = 'enc-1';
export const HIDDEN_PATIENT = 'pat-hidden';
export const HIDDEN_ENCOUNTER = 'enc-hidden';
export const OTHER_PATIENT = 'pat-berg';
export const OTHER_ENCOUNTER = 'enc-otto';

const put = (resource: { resourceType: string; id: string } & Record<string, unknown>) => ({
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});

export function encounter(id: string, patientId: string, appointmentId?: string) {
  return put({
    resourceType: 'Encounter',
    id,
    status: 'triaged',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patientId}` },
    ...(appointmentId ? { appointment: [{ reference: `Appointment/${appointmentId}` }] } : {}),
    participant: [{ individual: { reference: `Practitioner/${PROVIDER}` } }],
    period: { start: new Date().toISOString() },
  });
}

/** A signed-in user whose account is linked to a Practitioner. */
export async function linkedUser(
  db: Database,
  ctx: TestContext,
  roles: Role[],
  practitionerId: string
): Promise<TestUser> {
  const user = await createUser(db, ctx.practiceId, {
    username: `${roles[0]}-${Math.random().toString(36).slice(2, 10)}`,
    displayName: 'Luis Ortega',
    roles,
    password: TEST_PASSWORD,
    practitionerId,
  });
  const now = new Date();
  const { token, id } = await createSession(db, user, 'signed-in', { now });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, now, false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

export interface ReviewSetUp {
  ctx: TestContext;
  ma: TestUser;
}

export async function reviewClinic(app: FastifyInstance, db: Database, label: string): Promise<ReviewSetUp> {
  const ctx = await newPractice(db, label);
  await clinic(app, ctx);
  const loaded = await transaction(app, ctx, [
    encounter(ENCOUNTER, PATIENT, 'appt-1'),
    patient(HIDDEN_PATIENT, 'Iris', 'Vance', '1975-01-01', {
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    }),
    encounter(HIDDEN_ENCOUNTER, HIDDEN_PATIENT),
    patient(OTHER_PATIENT, 'Otto', 'Berg', '1940-06-06'),
    encounter(OTHER_ENCOUNTER, OTHER_PATIENT),
  ]);
  expect(loaded.status, loaded.text).toBe(200);
  const ma = await linkedUser(db, ctx, ['medical-assistant'], MA);
  return { ctx, ma };
}

export function frontDesk(db: Database, ctx: TestContext): Promise<TestUser> {
  return signedInUser(db, ctx, ['front-desk']);
}

export function post(app: FastifyInstance, who: TestUser, url: string, body: unknown) {
  return asUser(app, who, { method: 'POST', url, body, contentType: 'application/json' });
}

export function put_(app: FastifyInstance, who: TestUser, url: string, body: unknown) {
  return asUser(app, who, { method: 'PUT', url, body, contentType: 'application/json' });
}

export function get(app: FastifyInstance, who: TestUser, url: string) {
  return asUser(app, who, { method: 'GET', url });
}

/** A resource read back through the FHIR API with the practice's full-access client. */
export async function read(app: FastifyInstance, ctx: TestContext, ref: string) {
  const res = await fhir(app, ctx, { method: 'GET', url: ref });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** Current resources of a type in the practice. */
export async function all(app: FastifyInstance, ctx: TestContext, type: string) {
  const res = await fhir(app, ctx, { method: 'GET', url: `${type}?_count=100` });
  expect(res.status, res.text).toBe(200);
  return ((res.body.entry ?? []) as { resource: Record<string, unknown> & { id: string } }[]).map(
    (e) => e.resource
  );
}

export const REVIEWED_URL = 'https://medassist.dev/fhir/StructureDefinition/rooming-reviewed';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const SNOMED = 'http://snomed.info/sct';

/** Read records (subtype rooming) of a data category naming the patient: what auditShown writes for a list shown. */
export async function auditCount(db: Database, ctx: TestContext, category: string, patientId: string) {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND subtype = 'rooming' AND category = $2 AND $3 = ANY(patient_ids)",
    [ctx.practiceId, category, patientId]
  );
  return rows.rows[0].n;
}
