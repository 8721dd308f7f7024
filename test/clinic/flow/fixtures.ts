import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { signedInUser, asUser, type TestUser } from '../../authHarness.js';
import { transaction, type TestContext } from '../../harness.js';
import type { Database } from '../../../src/store/db.js';

/**
 * A small clinic for the flow tests: one site (New York time) with three exam rooms, a provider (Dr. Amara
 * Nwosu), an MA (Luis Ortega), a patient (Maria Delgado, born 1980-04-12, Spanish-speaking) with insurance
 * carrying a $25 co-pay, and her appointment starting `start` (default: now, so it is today).
 */
export const SITE = 'site-main';
export const ROOMS = ['room-1', 'room-2', 'room-3'];
export const PROVIDER = 'prac-nwosu';
export const MA = 'prac-ortega';
export const PATIENT = 'pat-delgado';
export const COVERAGE = 'cov-delgado';
export const PATIENT_NAME = 'Maria Delgado';
export const BIRTH_DATE = '1980-04-12';

const put = (resource: { resourceType: string; id: string } & Record<string, unknown>) => ({
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});

export function appointment(id: string, start: Date, patient = PATIENT, status = 'booked') {
  return put({
    resourceType: 'Appointment',
    id,
    status,
    appointmentType: {
      coding: [{ system: 'urn:medassist:visit-type', code: 'follow-up', display: 'Follow-up visit' }],
    },
    serviceType: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/service-type', code: '124' }] },
    ],
    start: start.toISOString(),
    end: new Date(start.getTime() + 20 * 60_000).toISOString(),
    participant: [
      { actor: { reference: `Patient/${patient}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${PROVIDER}`, display: 'Dr. Amara Nwosu' }, status: 'accepted' },
      { actor: { reference: `Location/${SITE}`, display: 'Main Street Clinic' }, status: 'accepted' },
    ],
  });
}

export function patient(
  id: string,
  given: string,
  family: string,
  birthDate: string,
  extra: Record<string, unknown> = {}
) {
  return put({ resourceType: 'Patient', id, name: [{ family, given: [given] }], birthDate, ...extra });
}

/** Loads the clinic and one appointment (id `appt-1`). */
export async function clinic(app: FastifyInstance, ctx: TestContext, start = new Date()): Promise<void> {
  const answer = await transaction(app, ctx, [
    put({
      resourceType: 'Location',
      id: SITE,
      name: 'Main Street Clinic',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/New_York' }],
      address: { line: ['12 Main Street'], city: 'Springfield', state: 'IL', postalCode: '62701' },
      telecom: [{ system: 'phone', value: '(217) 555-0100' }],
    }),
    ...ROOMS.map((id, i) =>
      put({
        resourceType: 'Location',
        id,
        name: `Main Street Clinic - Exam ${i + 1}`,
        alias: [`Exam ${i + 1}`],
        operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code: 'U' },
        partOf: { reference: `Location/${SITE}` },
      })
    ),
    put({
      resourceType: 'Practitioner',
      id: PROVIDER,
      name: [{ family: 'Nwosu', given: ['Amara'], prefix: ['Dr.'] }],
    }),
    put({ resourceType: 'Practitioner', id: MA, name: [{ family: 'Ortega', given: ['Luis'] }] }),
    patient(PATIENT, 'Maria', 'Delgado', BIRTH_DATE, {
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true }],
    }),
    put({
      resourceType: 'Coverage',
      id: COVERAGE,
      status: 'active',
      beneficiary: { reference: `Patient/${PATIENT}` },
      payor: [{ display: 'Prairie Health Plan' }],
      subscriberId: 'PH12345678',
      costToBeneficiary: [
        {
          type: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-copay-type', code: 'copay' }],
          },
          valueMoney: { value: 25, currency: 'USD' },
        },
      ],
    }),
    appointment('appt-1', start),
  ]);
  expect(answer.status, answer.text).toBe(200);
}

/** A check-in body that passes, for appt-1. */
export function goodCheckIn(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appointmentId: 'appt-1',
    identity: { name: PATIENT_NAME, birthDate: BIRTH_DATE },
    demographicsVerified: true,
    coverageVerified: [COVERAGE],
    copay: { amount: 25, method: 'card', reference: 'VISA 4242' },
    ...extra,
  };
}

export async function frontDesk(db: Database, ctx: TestContext): Promise<TestUser> {
  return signedInUser(db, ctx, ['front-desk']);
}

/** POSTs as a user; `body` is JSON. */
export function post(app: FastifyInstance, who: TestUser, url: string, body: unknown) {
  return asUser(app, who, { method: 'POST', url, body, contentType: 'application/json' });
}

export function get(app: FastifyInstance, who: TestUser, url: string) {
  return asUser(app, who, { method: 'GET', url });
}
