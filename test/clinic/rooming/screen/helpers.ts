import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createSession, DEFAULT_SESSION_LIMITS, loadSession } from '../../../../src/auth/sessions.js';
import { createUser } from '../../../../src/auth/users.js';
import type { Role } from '../../../../src/auth/accessMatrix.js';
import type { Database } from '../../../../src/store/db.js';
import { signedInUser, TEST_PASSWORD, type TestUser } from '../../../authHarness.js';
import { newPractice, transaction, type TestContext } from '../../../harness.js';
import { clinic, goodCheckIn, MA, PATIENT, post } from '../../flow/fixtures.js';

export const LOINC = 'http://loinc.org';

/** A signed-in user whose account is linked to a Practitioner (clinical writes name them). */
export async function linkedUser(
  db: Database,
  ctx: TestContext,
  roles: Role[],
  practitionerId: string
): Promise<TestUser> {
  const user = await createUser(db, ctx.practiceId, {
    username: `${roles[0]}-${randomUUID().slice(0, 8)}`,
    displayName: `Test ${roles.join('/')}`,
    roles,
    password: TEST_PASSWORD,
    practitionerId,
  });
  const { token, id } = await createSession(db, user, 'signed-in', { now: new Date() });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, new Date(), false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

export interface Visit {
  ctx: TestContext;
  desk: TestUser;
  ma: TestUser;
  encounterId: string;
}

/**
 * The flow fixtures' clinic (Maria Delgado, female, born 1980-04-12, a follow-up with Dr. Amara Nwosu today),
 * checked in by the front desk and, unless `room` is false, roomed in Exam 1 by the MA (Luis Ortega).
 */
export async function roomedVisit(
  app: FastifyInstance,
  db: Database,
  options: { room?: boolean; start?: Date } = {}
): Promise<Visit> {
  const ctx = await newPractice(db, 'rooming-screen');
  await clinic(app, ctx, options.start);
  const desk = await signedInUser(db, ctx, ['front-desk']);
  const ma = await linkedUser(db, ctx, ['medical-assistant'], MA);
  const res = await post(app, desk, '/api/flow/check-in', goodCheckIn());
  expect(res.status, res.text).toBe(201);
  const encounterId = res.body.encounter.id as string;
  if (options.room !== false) {
    const roomed = await post(app, ma, `/api/flow/encounters/${encounterId}/status`, {
      status: 'roomed',
      room: 'room-1',
    });
    expect(roomed.status, roomed.text).toBe(200);
  }
  return { ctx, desk, ma, encounterId };
}

/** An Observation of this visit by the conventions of model.ts (LOINC code, encounter, subject). */
export function observation(
  encounterId: string,
  code: string,
  value: Record<string, unknown>,
  extra: Record<string, unknown> = {}
) {
  return {
    resource: {
      resourceType: 'Observation',
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
          ],
        },
      ],
      code: { coding: [{ system: LOINC, code }] },
      subject: { reference: `Patient/${PATIENT}` },
      encounter: { reference: `Encounter/${encounterId}` },
      effectiveDateTime: new Date().toISOString(),
      ...value,
      ...extra,
    },
    request: { method: 'POST', url: 'Observation' },
  };
}

export async function load(app: FastifyInstance, ctx: TestContext, entries: unknown[]): Promise<void> {
  const answer = await transaction(app, ctx, entries);
  expect(answer.status, answer.text).toBe(200);
}

/** Audit records written by auditShown (subtype rooming, or print) of a data category naming the patient. */
export async function auditCount(db: Database, ctx: TestContext, category: string, patientId: string) {
  const result = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND subtype = $2 AND category = $3 AND $4 = ANY(patient_ids)',
    [ctx.practiceId, 'rooming', category, patientId]
  );
  return result.rows[0]?.n ?? 0;
}

/** A "no known drug allergies" entry (SNOMED 409137002) for the fixtures' patient: a list "allergies reviewed" can stamp. */
export function nkdaEntry() {
  return {
    resource: {
      resourceType: 'AllergyIntolerance',
      patient: { reference: `Patient/${PATIENT}` },
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        ],
      },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
            code: 'confirmed',
          },
        ],
      },
      category: ['medication'],
      code: {
        coding: [{ system: 'http://snomed.info/sct', code: '409137002', display: 'No known drug allergy' }],
      },
    },
    request: { method: 'POST', url: 'AllergyIntolerance' },
  };
}
