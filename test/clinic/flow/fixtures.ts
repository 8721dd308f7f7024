import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { signedInUser, asUser, type TestUser } from '../../authHarness.js';
import { transaction, type TestContext } from '../../harness.js';
import type { Database } from '../../../src/store/db.js';
import { dayRange, localDate } from '../../../src/clinic/flow/visit.js';

/**
 * A small clinic for the flow tests: one site (New York time) with three exam rooms, a provider (Dr. Amara
 * Nwosu), an MA (Luis Ortega), a patient (Maria Delgado, born 1980-04-12, Spanish-speaking) with insurance
 * carrying a $25 co-pay, and her appointment starting `start` (default: todayAt(), so it is today).
 */
export const SITE = 'site-main';
export const SITE_TIME_ZONE = 'America/New_York';
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

const MINUTE = 60_000;

/**
 * An instant of today at the site, `offsetMs` from now, with now held at least 10 minutes inside the local
 * day: fixtures a minute or two either side of "now" stay on today's board when a test runs at 23:59 or
 * 00:00 New York time (before, one fell on yesterday or tomorrow and the board lost a row).
 */
export function todayAt(offsetMs = 0, now = new Date()): Date {
  const { start, end } = dayRange(localDate(now, SITE_TIME_ZONE), SITE_TIME_ZONE);
  const anchor = Math.min(
    Math.max(now.getTime(), start.getTime() + 10 * MINUTE),
    end.getTime() - 10 * MINUTE
  );
  return new Date(anchor + offsetMs);
}

/** 10:00 New York time on the site's next local day (by the calendar: 24 hours from now is sometimes today). */
export function tomorrowAt10(now = new Date()): Date {
  const { end } = dayRange(localDate(now, SITE_TIME_ZONE), SITE_TIME_ZONE);
  return new Date(end.getTime() + 10 * 60 * MINUTE);
}

/**
 * Waits out the last 30 seconds of the site's day, so that a test that books today and checks in a moment
 * later does not straddle midnight (a test takes a few seconds).
 */
async function awayFromSiteMidnight(): Promise<void> {
  const now = new Date();
  const { end } = dayRange(localDate(now, SITE_TIME_ZONE), SITE_TIME_ZONE);
  const left = end.getTime() - now.getTime();
  if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}

/** Loads the clinic and one appointment (id `appt-1`, default todayAt()). */
export async function clinic(app: FastifyInstance, ctx: TestContext, start?: Date): Promise<void> {
  if (!start) await awayFromSiteMidnight();
  const answer = await transaction(app, ctx, [
    put({
      resourceType: 'Location',
      id: SITE,
      name: 'Main Street Clinic',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: SITE_TIME_ZONE }],
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
    appointment('appt-1', start ?? todayAt()),
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
