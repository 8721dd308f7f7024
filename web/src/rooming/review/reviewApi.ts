/**
 * The review panels' requests (docs/rooming/review.md). Patients are addressed by id; writes go through
 * fhir/http.ts (session cookie, CSRF header). After a save the patient's cached data is dropped, so the
 * banner's allergies and every panel re-read.
 */
import { keepPreviousData, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import { jsonBody, sendJson } from '../../fhir/http';
import { keys, usePractice } from '../../fhir/queries';
import type { MedSource, ReviewStamp } from './reviewModel';

export interface AllergyView {
  id: string;
  /** Sent back with a change (409 when someone changed the entry since). */
  versionId?: string;
  text: string;
  code?: { system: string; code: string };
  nkda: boolean;
  type?: string;
  category: string[];
  criticality?: string;
  clinicalStatus?: string;
  verificationStatus?: string;
  reactions: { text: string; code?: string; severity?: string }[];
  recordedDate?: string;
  recorder?: string;
}

export interface AllergyList {
  patientId: string;
  allergies: AllergyView[];
  nkda: boolean;
  empty: boolean;
  reviewed?: ReviewStamp;
}

export interface MedicationView {
  ref: string;
  kind: 'statement' | 'prescription';
  text: string;
  rxnorm?: string;
  dosage?: string;
  status: string;
  source?: MedSource;
  dateAsserted?: string;
  note?: string;
}

export interface MedicationList {
  patientId: string;
  current: MedicationView[];
  past: MedicationView[];
  /** Nothing current, and "no known medications" is recorded. */
  noMedications: boolean;
  reviewed?: ReviewStamp;
}

export interface ProblemView {
  id: string;
  text: string;
  snomed?: string;
  icd10?: string;
  clinicalStatus?: string;
  onset?: string;
  abated?: string;
}

export interface ProblemList {
  patientId: string;
  problems: ProblemView[];
  reviewed?: ReviewStamp;
}

export interface PharmacyView {
  organizationId?: string;
  name: string;
  phone?: string;
  address?: string;
}

export interface PharmacyAnswer {
  patientId: string;
  pharmacy?: PharmacyView;
  choices: PharmacyView[];
  reviewed?: ReviewStamp;
}

export interface AllergenEntry {
  system: string;
  code: string;
  display: string;
  category: 'medication' | 'food' | 'environment';
  type: 'allergy' | 'intolerance';
}

export interface DrugEntry {
  code: string;
  display: string;
}

type What = 'allergies' | 'medications' | 'problems' | 'pharmacy';

function useReviewQuery<T>(patientId: string, encounterId: string, what: What): UseQueryResult<T> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, `rooming-${what}`, encounterId),
    queryFn: ({ signal }) =>
      sendJson<T>(
        `/api/rooming/patients/${encodeURIComponent(patientId)}/${what}?encounter=${encodeURIComponent(encounterId)}`,
        { signal }
      ),
    staleTime: 0,
  });
}

export const useAllergyList = (patientId: string, encounterId: string) =>
  useReviewQuery<AllergyList>(patientId, encounterId, 'allergies');
export const useMedicationList = (patientId: string, encounterId: string) =>
  useReviewQuery<MedicationList>(patientId, encounterId, 'medications');
export const useProblemList = (patientId: string, encounterId: string) =>
  useReviewQuery<ProblemList>(patientId, encounterId, 'problems');
export const usePharmacy = (patientId: string, encounterId: string) =>
  useReviewQuery<PharmacyAnswer>(patientId, encounterId, 'pharmacy');

/** Drops the patient's cached data (the panels and the banner re-read). */
export function useRefreshPatient(patientId: string): () => Promise<void> {
  const client = useQueryClient();
  const practice = usePractice();
  return useCallback(
    () => client.invalidateQueries({ queryKey: keys.patient(practice, patientId) }),
    [client, practice, patientId]
  );
}

export function useAllergenSearch(
  q: string
): UseQueryResult<{ allergens: AllergenEntry[]; reactions: { code: string; display: string }[] }> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.reference(practice, `rooming-allergens:${q}`),
    queryFn: ({ signal }) =>
      sendJson(`/api/rooming/catalog/allergens?q=${encodeURIComponent(q)}`, { signal }),
    staleTime: 10 * 60_000,
    // While a new word is looked up, the last answer stays (the chosen entry is found in it).
    placeholderData: keepPreviousData,
  });
}

export function useDrugSearch(q: string): UseQueryResult<{ drugs: DrugEntry[] }> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.reference(practice, `rooming-drugs:${q}`),
    queryFn: ({ signal }) => sendJson(`/api/rooming/catalog/drugs?q=${encodeURIComponent(q)}`, { signal }),
    staleTime: 10 * 60_000,
    placeholderData: keepPreviousData,
    enabled: q.trim().length >= 2,
  });
}

export function postAllergy(encounterId: string, body: unknown): Promise<unknown> {
  return sendJson(`/api/rooming/encounters/${encodeURIComponent(encounterId)}/allergies`, {
    method: 'POST',
    ...jsonBody(body),
  });
}

export function postReconciliation(encounterId: string, body: unknown): Promise<unknown> {
  return sendJson(`/api/rooming/encounters/${encodeURIComponent(encounterId)}/medications`, {
    method: 'POST',
    ...jsonBody(body),
  });
}

export function postReviewed(encounterId: string, what: What): Promise<unknown> {
  return sendJson(`/api/rooming/encounters/${encodeURIComponent(encounterId)}/reviewed`, {
    method: 'POST',
    ...jsonBody({ what }),
  });
}

export function putPharmacy(patientId: string, body: unknown): Promise<unknown> {
  return sendJson(`/api/rooming/patients/${encodeURIComponent(patientId)}/pharmacy`, {
    method: 'PUT',
    ...jsonBody(body),
  });
}
