import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { asUser, signedInUser, TEST_PASSWORD, type TestUser } from '../../../authHarness.js';
import { transaction, type TestContext } from '../../../harness.js';
import { createSession, DEFAULT_SESSION_LIMITS, loadSession } from '../../../../src/auth/sessions.js';
import { createUser } from '../../../../src/auth/users.js';
import type { Database } from '../../../../src/store/db.js';

/**
 * A small clinic for the vitals tests: one site, a provider (Dr. Amara Nwosu) and an MA (Luis Ortega, a user
 * linked to his Practitioner), and visits (Appointment + Encounter, roomed) for an adult (Maria Delgado, born
 * 1980-04-12), a 5-year-old boy, a 10-month-old girl and a restricted chart.
 */
export const SITE = 'site-vitals';
export const PROVIDER = 'prac-nwosu';
export const MA = 'prac-ortega';
export const ADULT = 'pat-delgado';
export const CHILD = 'pat-child';
export const INFANT = 'pat-infant';
export const RESTRICTED = 'pat-restricted';

const put = (resource: { resourceType: string; id: string } & Record<string, unknown>) => ({
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});

/** A birth date `days` before now (YYYY-MM-DD). */
export function bornDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

function visit(n: string, patient: string, start: Date) {
  return [
    put({
      resourceType: 'Appointment',
      id: `appt-${n}`,
      status: 'arrived',
      appointmentType: {
        coding: [{ system: 'urn:medassist:visit-type', code: 'follow-up', display: 'Follow-up visit' }],
      },
      start: start.toISOString(),
      end: new Date(start.getTime() + 20 * 60_000).toISOString(),
      participant: [
        { actor: { reference: `Patient/${patient}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${PROVIDER}`, display: 'Dr. Amara Nwosu' }, status: 'accepted' },
        { actor: { reference: `Location/${SITE}` }, status: 'accepted' },
      ],
    }),
    put({
      resourceType: 'Encounter',
      id: `enc-${n}`,
      status: 'triaged',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patient}` },
      appointment: [{ reference: `Appointment/appt-${n}` }],
      participant: [{ individual: { reference: `Practitioner/${PROVIDER}` } }],
      location: [{ location: { reference: `Location/${SITE}` }, status: 'active' }],
      period: { start: start.toISOString() },
    }),
  ];
}

export async function clinic(app: FastifyInstance, ctx: TestContext): Promise<void> {
  const now = new Date();
  const answer = await transaction(app, ctx, [
    put({
      resourceType: 'Location',
      id: SITE,
      name: 'Main Street Clinic',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/New_York' }],
    }),
    put({ resourceType: 'Practitioner', id: PROVIDER, name: [{ family: 'Nwosu', given: ['Amara'] }] }),
    put({ resourceType: 'Practitioner', id: MA, name: [{ family: 'Ortega', given: ['Luis'] }] }),
    put({
      resourceType: 'Patient',
      id: ADULT,
      name: [{ family: 'Delgado', given: ['Maria'] }],
      gender: 'female',
      birthDate: '1980-04-12',
    }),
    put({
      resourceType: 'Patient',
      id: CHILD,
      name: [{ family: 'Reyes', given: ['Tomas'] }],
      gender: 'male',
      birthDate: bornDaysAgo(5 * 365 + 60),
    }),
    put({
      resourceType: 'Patient',
      id: INFANT,
      name: [{ family: 'Reyes', given: ['Lucia'] }],
      gender: 'female',
      birthDate: bornDaysAgo(300),
    }),
    put({
      resourceType: 'Patient',
      id: RESTRICTED,
      name: [{ family: 'Hidden', given: ['Hana'] }],
      birthDate: '1970-01-01',
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    }),
    ...visit('adult', ADULT, now),
    ...visit('child', CHILD, now),
    ...visit('infant', INFANT, now),
    ...visit('restricted', RESTRICTED, now),
    // A visit of a week ago for the weight-change rule.
    ...visit('last-week', ADULT, new Date(now.getTime() - 7 * 86_400_000)),
  ]);
  expect(answer.status, answer.text).toBe(200);
}

/** The MA, signed in, whose user account is linked to Practitioner/prac-ortega. */
export async function medicalAssistant(db: Database, ctx: TestContext): Promise<TestUser> {
  const user = await createUser(db, ctx.practiceId, {
    username: `ma-${randomUUID().slice(0, 8)}`,
    displayName: 'Luis Ortega',
    roles: ['medical-assistant'],
    password: TEST_PASSWORD,
    practitionerId: MA,
  });
  const { token, id } = await createSession(db, user, 'signed-in', { now: new Date() });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, new Date(), false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

export function frontDesk(db: Database, ctx: TestContext): Promise<TestUser> {
  return signedInUser(db, ctx, ['front-desk']);
}

/** A provider, signed in (acknowledges the notices). */
export function provider(db: Database, ctx: TestContext): Promise<TestUser> {
  return signedInUser(db, ctx, ['provider']);
}

export function post(app: FastifyInstance, who: TestUser, url: string, body: unknown) {
  return asUser(app, who, { method: 'POST', url, body, contentType: 'application/json' });
}

export function get(app: FastifyInstance, who: TestUser, url: string) {
  return asUser(app, who, { method: 'GET', url });
}

/** A full adult set in imperial units: 5 ft 7 in, 150 lb, 98.6 °F, SpO2 on room air. */
export function fullSet(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bloodPressure: [{ systolic: 128, diastolic: 82, position: 'sitting', arm: 'left', cuff: 'adult' }],
    heartRate: 72,
    respiratoryRate: 16,
    temperature: { value: 98.6, unit: '[degF]', method: 'oral' },
    oxygenSaturation: { value: 98, onOxygen: false },
    height: { ft: 5, in: 7 },
    weight: { lb: 150 },
    pain: 3,
    ...extra,
  };
}
