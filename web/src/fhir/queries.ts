/**
 * TanStack Query hooks over the FHIR client. Keys start with the practice, then the patient, so one
 * practice's or one patient's data can be dropped at once; the cache lives in memory only (no
 * persistence plugin: patient data never reaches browser storage).
 */
import type {
  AllergyIntolerance,
  Appointment,
  Condition,
  Coverage,
  DocumentReference,
  Encounter,
  Flag,
  Immunization,
  Location,
  MedicationStatement,
  Observation,
  Organization,
  Patient,
} from '@medplum/fhirtypes';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { get, postSearch, search, type SearchParams, type SearchResult } from './client';

/** The practice (tenant) the screens work in: the signed-in session's (app/Root.tsx provides it). */
export const PracticeContext = createContext('default');

/** The practice of the current screen, for query keys. */
export function usePractice(): string {
  return useContext(PracticeContext);
}

/** How long data counts as fresh: reference data rarely changes; a chart should be re-read on return. */
const STALE = { reference: 10 * 60_000, chart: 30_000, search: 15_000 } as const;

/** Query keys, one place: [practice, scope, ...]. */
export const keys = {
  practice: (practice: string) => ['practice', practice] as const,
  reference: (practice: string, what: string) => ['practice', practice, 'reference', what] as const,
  search: (practice: string, params: SearchParams) =>
    ['practice', practice, 'patient-search', params] as const,
  patient: (practice: string, id: string) => ['practice', practice, 'patient', id] as const,
  patientData: (practice: string, id: string, what: string, ...rest: string[]) =>
    ['practice', practice, 'patient', id, what, ...rest] as const,
};

/** The practice's own Organization (type "prov"): its name goes in the top bar. */
export function usePracticeOrganization(): UseQueryResult<Organization | undefined> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.reference(practice, 'organization'),
    queryFn: async ({ signal }) =>
      (
        await search(
          'Organization',
          [
            ['type', 'prov'],
            ['active', 'true'],
            ['_count', '1'],
          ],
          signal
        )
      ).resources[0],
    staleTime: STALE.reference,
  });
}

/** The practice's sites: Locations that are not part of another (rooms are `partOf` a site). */
export function useSites(): UseQueryResult<Location[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.reference(practice, 'sites'),
    queryFn: async ({ signal }) =>
      (
        await search(
          'Location',
          [
            ['partof:missing', 'true'],
            ['status', 'active'],
            ['_sort', 'name'],
            ['_count', '100'],
          ],
          signal
        )
      ).resources,
    staleTime: STALE.reference,
  });
}

/** Patient search (POST `_search`, form body). Disabled while `params` is empty. */
export function usePatientSearch(params: readonly [string, string][]): UseQueryResult<SearchResult<Patient>> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.search(practice, params),
    queryFn: ({ signal }) =>
      postSearch('Patient', [...params, ['_sort', 'family,given,birthdate'], ['_count', '10']], signal),
    enabled: params.length > 0,
    staleTime: STALE.search,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function usePatient(id: string): UseQueryResult<Patient> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patient(practice, id),
    queryFn: ({ signal }) => get('Patient', id, signal),
    staleTime: STALE.chart,
  });
}

/** One search scoped to a patient, cached under the patient. */
function usePatientSearchOf<T extends Parameters<typeof search>[0]>(
  patientId: string,
  type: T,
  what: string,
  params: [string, string][],
  enabled = true
) {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, what, ...params.map(([k, v]) => `${k}=${v}`)),
    queryFn: async ({ signal }) => (await search(type, params, signal)).resources,
    staleTime: STALE.chart,
    enabled,
  });
}

export function useAllergies(patientId: string): UseQueryResult<AllergyIntolerance[]> {
  return usePatientSearchOf(patientId, 'AllergyIntolerance', 'allergies', [
    ['patient', patientId],
    ['_count', '100'],
  ]);
}

export function useCoverage(patientId: string): UseQueryResult<Coverage[]> {
  return usePatientSearchOf(patientId, 'Coverage', 'coverage', [
    ['beneficiary', patientId],
    ['status', 'active'],
    ['_count', '10'],
  ]);
}

/** Active flags (R4 Flag has no `status` search parameter, so inactive ones are dropped here). */
export function useFlags(patientId: string): UseQueryResult<Flag[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, 'flags'),
    queryFn: async ({ signal }) =>
      (
        await search(
          'Flag',
          [
            ['patient', patientId],
            ['_count', '50'],
          ],
          signal
        )
      ).resources.filter((flag) => flag.status === 'active'),
    staleTime: STALE.chart,
  });
}

/** How many patients share this family and given name (POST `_search`, `_summary=count`). */
export function useSameNameCount(
  family: string | undefined,
  given: string | undefined
): UseQueryResult<number> {
  const practice = usePractice();
  const params: [string, string][] = [
    ['family', family ?? ''],
    ['given', given ?? ''],
    ['_summary', 'count'],
  ];
  return useQuery({
    queryKey: keys.search(practice, params),
    queryFn: async ({ signal }) => (await postSearch('Patient', params, signal)).total ?? 0,
    enabled: Boolean(family && given),
    staleTime: STALE.chart,
  });
}

export function useActiveProblems(patientId: string): UseQueryResult<Condition[]> {
  return usePatientSearchOf(patientId, 'Condition', 'problems', [
    ['patient', patientId],
    ['clinical-status', 'active,recurrence,relapse'],
    ['_sort', '-onset-date'],
    ['_count', '100'],
  ]);
}

export function useMedications(patientId: string): UseQueryResult<MedicationStatement[]> {
  return usePatientSearchOf(patientId, 'MedicationStatement', 'medications', [
    ['patient', patientId],
    ['status', 'active,intended,on-hold'],
    ['_sort', '-effective'],
    ['_count', '100'],
  ]);
}

export function useImmunizations(patientId: string): UseQueryResult<Immunization[]> {
  return usePatientSearchOf(patientId, 'Immunization', 'immunizations', [
    ['patient', patientId],
    ['_sort', '-date'],
    ['_count', '200'],
  ]);
}

/** Vital-sign Observations, newest first: enough for the latest of each and a short trend. */
export function useVitalSigns(patientId: string): UseQueryResult<Observation[]> {
  return usePatientSearchOf(patientId, 'Observation', 'vitals', [
    ['patient', patientId],
    ['category', 'vital-signs'],
    ['_sort', '-date'],
    ['_count', '200'],
  ]);
}

/** Appointments from `from` (a UTC instant: the start of the clinic's today) on. */
export function useUpcomingAppointments(patientId: string, from: string): UseQueryResult<Appointment[]> {
  return usePatientSearchOf(patientId, 'Appointment', 'appointments', [
    ['patient', patientId],
    ['date', `ge${from}`],
    ['_sort', 'date'],
    ['_count', '20'],
  ]);
}

export function useRecentEncounters(patientId: string): UseQueryResult<Encounter[]> {
  return usePatientSearchOf(patientId, 'Encounter', 'encounters', [
    ['patient', patientId],
    ['_sort', '-date'],
    ['_count', '5'],
  ]);
}

export function useDocuments(patientId: string): UseQueryResult<DocumentReference[]> {
  return usePatientSearchOf(patientId, 'DocumentReference', 'documents', [
    ['patient', patientId],
    ['_sort', '-date'],
    ['_count', '20'],
  ]);
}

/** Today's appointments at a site, for the patients home screen; `day` is the clinic's day as UTC instants. */
export function useTodaysAppointments(
  siteId: string | undefined,
  day: [string, string]
): UseQueryResult<Appointment[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.reference(practice, `appointments-${siteId ?? ''}-${day[0]}`),
    queryFn: async ({ signal }) =>
      (
        await search(
          'Appointment',
          [
            ['location', `Location/${siteId ?? ''}`],
            // Appointments that overlap the clinic's day (FHIR R4 search.html#prefix, ge/lt on periods).
            ['date', `ge${day[0]}`],
            ['date', `lt${day[1]}`],
            ['_sort', 'date'],
            ['_count', '100'],
          ],
          signal
        )
      ).resources,
    enabled: Boolean(siteId),
    staleTime: STALE.chart,
  });
}
