import type { CodeableConcept, Patient } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { assertId } from '../../../store/repository.js';
import { findById } from '../../flow/visit.js';

/** Small readers of request bodies: each names the field it refuses (issue.expression). */

export type Body = Record<string, unknown>;

export function objectAt(value: unknown, field: string): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${field} must be an object`, field);
  }
  return value as Body;
}

export function optionalText(value: unknown, field: string, max = 500): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw badRequest(`${field} must be text of at most ${max} characters`, field);
  }
  return value.trim();
}

export function optionalCode<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')}`, field);
  }
  return value as T;
}

export function requiredCode<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  const code = optionalCode(value, allowed, field);
  if (code === undefined) {
    throw badRequest(`${field} is required: one of ${allowed.join(', ')}`, field);
  }
  return code;
}

export function optionalId(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be an id`, field);
  assertId(value, field);
  return value;
}

/** A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) not in the future. */
export function optionalPastDate(value: unknown, field: string, now: Date): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) {
    throw badRequest(`${field} must be a date: YYYY, YYYY-MM or YYYY-MM-DD`, field);
  }
  const [y, m = '01', d = '01'] = value.split('-');
  const at = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (at.getUTCMonth() !== Number(m) - 1 || at.getUTCDate() !== Number(d)) {
    throw badRequest(`${field}: ${value} is not a calendar date`, field);
  }
  if (at.getTime() > now.getTime()) {
    throw badRequest(`${field} cannot be in the future`, field);
  }
  return value;
}

/** A CodeableConcept with one coding whose display is also the text. */
export function concept(system: string, code: string, display: string): CodeableConcept {
  return { coding: [{ system, code, display }], text: display };
}

/** The patient as the caller may read them: 404 when out of reach (restricted charts stay hidden). */
export async function patientOf(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<Patient> {
  assertId(patientId, 'id');
  const patient = await findById<Patient>(conn, ctx, 'Patient', patientId);
  if (!patient) {
    throw notFound(`Patient/${patientId} was not found`);
  }
  return patient;
}

/** The first coding's code of a CodeableConcept. */
export function codeOf(c: CodeableConcept | undefined): string | undefined {
  return c?.coding?.[0]?.code;
}
