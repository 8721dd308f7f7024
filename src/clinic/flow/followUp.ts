import type { Encounter, Extension } from '@medplum/fhirtypes';
import { badRequest } from '../../fhir/outcome.js';
import { FOLLOW_UP_URL } from './status.js';

/** A follow-up the provider asked for, recorded on the Encounter (FOLLOW_UP_URL). */
export interface FollowUpRequest {
  visitType: string;
  withinDays: number;
  text?: string;
}

export function parseFollowUp(value: unknown, field = 'followUp'): FollowUpRequest | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const b = (typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  if (typeof b.visitType !== 'string' || !/^[a-z0-9-]{1,40}$/.test(b.visitType)) {
    throw badRequest('the follow-up needs a visit type code, e.g. follow-up', `${field}.visitType`);
  }
  if (
    typeof b.withinDays !== 'number' ||
    !Number.isInteger(b.withinDays) ||
    b.withinDays < 1 ||
    b.withinDays > 730
  ) {
    throw badRequest('withinDays must be whole days, 1-730', `${field}.withinDays`);
  }
  if (b.text !== undefined && (typeof b.text !== 'string' || b.text.length > 200)) {
    throw badRequest('text is at most 200 characters', `${field}.text`);
  }
  return { visitType: b.visitType, withinDays: b.withinDays, text: b.text };
}

export function followUpExtension(f: FollowUpRequest): Extension {
  return {
    url: FOLLOW_UP_URL,
    extension: [
      { url: 'visitType', valueCode: f.visitType },
      { url: 'withinDays', valueInteger: f.withinDays },
      ...(f.text ? [{ url: 'text', valueString: f.text }] : []),
    ],
  };
}

export function followUpOf(encounter: Encounter): (FollowUpRequest & { text: string }) | undefined {
  const ext = encounter.extension?.find((e) => e.url === FOLLOW_UP_URL);
  const sub = (url: string): Extension | undefined => ext?.extension?.find((e) => e.url === url);
  const visitType = sub('visitType')?.valueCode;
  const withinDays = sub('withinDays')?.valueInteger;
  if (!visitType || withinDays === undefined) {
    return undefined;
  }
  const text = sub('text')?.valueString ?? `Return in ${withinDays} days (${visitType})`;
  return { visitType, withinDays, text };
}
