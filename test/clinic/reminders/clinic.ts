import type { Appointment, Patient } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { transaction, type TestContext } from '../../harness.js';

/**
 * A small synthetic clinic for the reminder and recall tests: Riverbend's main site (America/Chicago),
 * Dr. Whitfield, and patients written per test. Ids are the test's own; every test has its own practice.
 */
export const SITE = {
  resourceType: 'Location',
  id: 'site-main',
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/Chicago' }],
  status: 'active',
  name: 'Main Clinic',
  telecom: [{ system: 'phone', value: '(512) 555-0100' }],
  address: { line: ['1200 River Bend Parkway'], city: 'Riverbend', state: 'TX', postalCode: '75001' },
  managingOrganization: { reference: 'Organization/clinic' },
};

export async function writeClinic(app: FastifyInstance, ctx: TestContext): Promise<void> {
  const res = await transaction(app, ctx, [
    put({ resourceType: 'Organization', id: 'clinic', name: 'Riverbend Family Medicine' }),
    put(SITE),
    put({
      resourceType: 'Practitioner',
      id: 'whitfield',
      name: [{ use: 'official', given: ['Eleanor'], family: 'Whitfield', suffix: ['MD'] }],
    }),
  ]);
  expect(res.status).toBe(200);
}

export function put(resource: { resourceType: string; id?: string; [key: string]: unknown }): unknown {
  return { resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } };
}

/** A patient: Ana (Spanish, email and mobile) unless overridden. */
export function patient(id: string, over: Partial<Patient> = {}): Patient {
  return {
    resourceType: 'Patient',
    id,
    name: [{ given: ['Ana'], family: `Prueba-${id}` }],
    birthDate: '1980-04-02',
    telecom: [
      { system: 'phone', value: '(512) 555-0101', use: 'home' },
      { system: 'phone', value: '(512) 555-0102', use: 'mobile' },
      { system: 'email', value: `${id}@example.com` },
    ],
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true }],
    ...over,
  };
}

/** A booked appointment of the patient with Dr. Whitfield at the main site. */
export function appointment(
  id: string,
  patientId: string,
  start: string,
  visitType = 'lab-draw',
  status: Appointment['status'] = 'booked'
): Appointment {
  const end = new Date(new Date(start).getTime() + 10 * 60_000).toISOString();
  return {
    resourceType: 'Appointment',
    id,
    status,
    appointmentType: {
      coding: [
        {
          system: 'urn:medassist:visit-type',
          code: visitType,
          display: visitType === 'lab-draw' ? 'Lab draw' : 'Follow-up',
        },
      ],
    },
    start,
    end,
    participant: [
      { actor: { reference: `Patient/${patientId}` }, status: 'accepted' },
      {
        actor: { reference: 'Practitioner/whitfield', display: 'Eleanor Whitfield, MD' },
        status: 'accepted',
      },
      { actor: { reference: 'Location/site-main' }, status: 'accepted' },
    ],
  };
}

export async function write(
  app: FastifyInstance,
  ctx: TestContext,
  resources: { resourceType: string; id?: string }[]
): Promise<void> {
  const res = await transaction(app, ctx, resources.map(put));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
