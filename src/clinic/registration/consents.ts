import type { Consent, DocumentReference, RelatedPerson } from '@medplum/fhirtypes';
import { DOCUMENT_CATEGORY_SYSTEM } from '../../auth/accessMatrix.js';
import { badRequest } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database } from '../../store/db.js';
import { planCreate, Repository } from '../../store/repository.js';
import { applyWrites, type PendingWrite } from '../../store/writes.js';
import { adminDocument } from './coverage.js';
import { image, type ImageInput } from './images.js';
import { clinicToday } from '../flow/clinicZone.js';
import { asBody, date, id, oneOf, optionalBody, text, todayOf } from './input.js';

/**
 * Consents signed at the desk: consent to treat, the privacy-practices acknowledgement and the financial
 * policy, each a FHIR Consent whose signature (a PNG drawn on the screen) is an administrative
 * DocumentReference named by Consent.sourceReference. Check-in reads these by their type code.
 */
export const CONSENT_TYPE_SYSTEM = 'urn:medassist:consent-type';
export const CONSENT_TYPES = {
  'consent-to-treat': { display: 'Consent to treat', scope: 'treatment' },
  'privacy-practices': { display: 'Notice of privacy practices acknowledgement', scope: 'patient-privacy' },
  'financial-policy': { display: 'Financial policy', scope: 'treatment' },
} as const;
export type ConsentType = keyof typeof CONSENT_TYPES;

export interface ConsentInput {
  patientId: string;
  type: ConsentType;
  /** The day it was signed (the clinic's date); default the clinic's today. */
  date?: string;
  /** When it stops being valid, if it does (provision.period.end). */
  expires?: string;
  signedBy: { kind: 'patient' } | { kind: 'representative'; name: string; relationship: string };
  signature: ImageInput;
}

export function parseConsent(body: unknown, now: Date): ConsentInput {
  const b = asBody(body);
  const type = oneOf(b.type, 'type', Object.keys(CONSENT_TYPES) as ConsentType[]);
  const signed = optionalBody(b.signedBy, 'signedBy') ?? { kind: 'patient' };
  const kind = oneOf(signed.kind, 'signedBy.kind', ['patient', 'representative'] as const);
  const signedOn = b.date === undefined || b.date === '' ? undefined : date(b.date, 'date');
  if (signedOn && signedOn > todayOf(now)) {
    throw badRequest('date (the day it was signed) is in the future', 'date');
  }
  const expires =
    b.expires === undefined || b.expires === '' || b.expires === null
      ? undefined
      : date(b.expires, 'expires');
  // Without a date it is signed the clinic's today, known with the practice (recordConsent checks then).
  if (expires && signedOn && expires <= signedOn) {
    throw badRequest('expires must be after the day it was signed', 'expires');
  }
  if (b.signature === undefined || b.signature === null) {
    throw badRequest('the signature is required (draw it on the pad)', 'signature');
  }
  return {
    patientId: id(b.patientId, 'patientId'),
    type,
    date: signedOn,
    expires,
    signedBy:
      kind === 'patient'
        ? { kind }
        : {
            kind,
            name: text(signed.name, 'signedBy.name', 200),
            relationship: text(signed.relationship, 'signedBy.relationship', 100),
          },
    signature: image(b.signature, 'signature', ['image/png']),
  };
}

export interface RecordedConsent {
  consent: Consent;
  signature: DocumentReference;
}

export async function recordConsent(
  db: Database,
  ctx: RequestContext,
  input: ConsentInput,
  at = new Date()
): Promise<RecordedConsent> {
  return db.transaction(async (tx) => {
    const patient = await new Repository(tx).read(ctx, 'Patient', input.patientId);
    const def = CONSENT_TYPES[input.type];
    const now = at.toISOString();
    // The clinic's date, not UTC's: from 18:00 in Chicago UTC's date is already tomorrow.
    const signedOn = input.date ?? (await clinicToday(tx, ctx.practiceId, at));
    if (input.expires && input.expires <= signedOn) {
      throw badRequest('expires must be after the day it was signed', 'expires');
    }
    const writes: PendingWrite[] = [];
    let performer = { reference: `Patient/${patient.id}` } as { reference: string; display?: string };
    if (input.signedBy.kind === 'representative') {
      const rep: RelatedPerson = {
        resourceType: 'RelatedPerson',
        active: true,
        patient: { reference: `Patient/${patient.id}` },
        relationship: [{ text: input.signedBy.relationship }],
        name: [{ text: input.signedBy.name }],
      };
      const write = planCreate(rep);
      writes.push(write);
      performer = {
        reference: `RelatedPerson/${write.id}`,
        display: `${input.signedBy.name} (${input.signedBy.relationship})`,
      };
    }
    const doc = adminDocument(patient.id ?? '', 'consent', `Signature: ${def.display}`, input.signature, now);
    writes.push(doc);
    const consent: Consent = {
      resourceType: 'Consent',
      status: 'active',
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: def.scope }],
      },
      category: [
        {
          coding: [{ system: CONSENT_TYPE_SYSTEM, code: input.type, display: def.display }],
          text: def.display,
        },
        // The administrative category puts the Consent where the front desk may write it (accessMatrix.ts).
        { coding: [{ system: DOCUMENT_CATEGORY_SYSTEM, code: 'consent', display: 'Consent' }] },
      ],
      patient: { reference: `Patient/${patient.id}` },
      dateTime: signedOn,
      performer: [performer],
      policyRule: { text: def.display },
      sourceReference: { reference: `DocumentReference/${doc.id}` },
      provision: { period: { start: signedOn, ...(input.expires ? { end: input.expires } : {}) } },
    };
    const consentWrite = planCreate(consent);
    writes.push(consentWrite);
    await applyWrites(tx, ctx, writes);
    return { consent: consentWrite.content as Consent, signature: doc.content as DocumentReference };
  });
}
