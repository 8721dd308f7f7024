/**
 * The desk's registration API (docs/front-desk-api.md, "Registration"): likely matches, registering a
 * patient, insurance with card images, signed consents, merge and undo. Patient names travel in POST bodies.
 */
import type { Consent, Coverage, DocumentReference, Patient } from '@medplum/fhirtypes';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../fhir/http';
import { keys, usePractice } from '../fhir/queries';

export interface DeskSetup {
  providers: { id: string; name: string }[];
  payers: { id: string; name: string }[];
}

export interface LikelyMatch {
  patient: { id: string; name: string; birthDate?: string; mrn?: string; phone?: string } | null;
  restricted: boolean;
  confidence: 'high' | 'possible';
  reasons: { kind: 'name' | 'birthDate' | 'phone'; text: string }[];
}

export interface RegistrationForm {
  name: { family: string; given: string; middle?: string };
  nameToUse?: string;
  birthDate: string;
  gender: string;
  birthSex?: string;
  genderIdentity?: string;
  pronouns?: string;
  race?: string[];
  ethnicity?: string;
  language?: string;
  address?: { line?: string; city?: string; state?: string; postalCode?: string };
  homePhone?: string;
  mobilePhone?: string;
  email?: string;
  preferredContact?: string;
  emergencyContact?: { name: string; relationship: string; phone?: string };
  guarantor?: { self: true } | { name: string; relationship: string; phone?: string };
  primaryCareProviderId?: string;
  confirmedNotDuplicate?: boolean;
}

/** An image as the server takes it. */
export interface ImageUpload {
  contentType: string;
  data: string;
}

export interface CoverageForm {
  patientId: string;
  payer: { id: string };
  memberId: string;
  group?: string;
  plan?: string;
  relationship: 'self' | 'spouse' | 'child' | 'other';
  subscriber?: { family: string; given: string; birthDate?: string };
  copay?: number;
  /** Coverage start: the clinic's local date. */
  start?: string;
  cardFront?: ImageUpload;
  cardBack?: ImageUpload;
}

export type ConsentType = 'consent-to-treat' | 'privacy-practices' | 'financial-policy';
export const CONSENT_TYPES: { code: ConsentType; label: string }[] = [
  { code: 'consent-to-treat', label: 'Consent to treat' },
  { code: 'privacy-practices', label: 'Notice of privacy practices acknowledgement' },
  { code: 'financial-policy', label: 'Financial policy' },
];

export interface ConsentForm {
  patientId: string;
  type: ConsentType;
  /** The day it was signed: the desk's (the clinic's) local date. */
  date?: string;
  expires?: string;
  signedBy: { kind: 'patient' } | { kind: 'representative'; name: string; relationship: string };
  signature: ImageUpload;
}

export function useDeskSetup(): UseQueryResult<DeskSetup> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.reference(practice, 'registration-setup'),
    queryFn: ({ signal }) => sendJson<DeskSetup>('/api/registration/setup', { method: 'GET', signal }),
    staleTime: 10 * 60_000,
  });
}

export async function findMatches(query: {
  family: string;
  given: string;
  birthDate: string;
  phones: string[];
}): Promise<LikelyMatch[]> {
  return (
    await sendJson<{ matches: LikelyMatch[] }>('/api/registration/matches', {
      method: 'POST',
      ...jsonBody(query),
    })
  ).matches;
}

export function registerPatient(form: RegistrationForm) {
  return sendJson<{ patient: Patient; mrn: string }>('/api/registration/patients', {
    method: 'POST',
    ...jsonBody(form),
  });
}

export function captureCoverage(form: CoverageForm) {
  return sendJson<{ coverage: Coverage; documents: DocumentReference[] }>('/api/registration/coverage', {
    method: 'POST',
    ...jsonBody(form),
  });
}

export function recordConsent(form: ConsentForm) {
  return sendJson<{ consent: Consent; signature: DocumentReference }>('/api/registration/consents', {
    method: 'POST',
    ...jsonBody(form),
  });
}

/** A picked file as base64 with its declared type (the server checks the bytes). */
export function readImageFile(file: File): Promise<ImageUpload> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve({ contentType: file.type, data: url.slice(url.indexOf(',') + 1) });
    };
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

/** Today in the desk's own time zone (the clinic's), "YYYY-MM-DD". */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
