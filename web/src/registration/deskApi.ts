/** The chart's view of what the desk captured (coverages, consents) and of merges, with their query keys. */
import type { Consent, Coverage, Patient } from '@medplum/fhirtypes';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { search } from '../fhir/client';
import { jsonBody, sendJson } from '../fhir/http';
import { keys, usePractice } from '../fhir/queries';

export interface MergeRecord {
  id: string;
  sourceId: string;
  targetId: string;
  reason: string;
  mergedAt: string;
  mergedBy: string;
  undoneAt?: string;
  undoUntil: string;
  repointed: { reference: string; before: number; after: number }[];
}

export function useCoverages(patientId: string): UseQueryResult<Coverage[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, 'desk-coverages'),
    queryFn: async ({ signal }) =>
      (
        await search(
          'Coverage',
          [
            ['beneficiary', `Patient/${patientId}`],
            ['_count', '50'],
          ],
          signal
        )
      ).resources,
    staleTime: 30_000,
  });
}

export function useConsents(patientId: string): UseQueryResult<Consent[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, 'desk-consents'),
    queryFn: async ({ signal }) =>
      (
        await search(
          'Consent',
          [
            ['patient', patientId],
            ['_count', '50'],
          ],
          signal
        )
      ).resources,
    staleTime: 30_000,
  });
}

export function useMerges(patientId: string): UseQueryResult<MergeRecord[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, 'merges'),
    queryFn: async ({ signal }) =>
      (
        await sendJson<{ merges: MergeRecord[] }>(
          `/api/registration/patients/${encodeURIComponent(patientId)}/merges`,
          { method: 'GET', signal }
        )
      ).merges,
    staleTime: 30_000,
  });
}

/** The chart with this MRN (an identifier, not a name: fine in a URL). */
export async function patientByMrn(mrn: string): Promise<Patient | undefined> {
  return (await search('Patient', [['identifier', `urn:medassist:mrn|${mrn.trim().toUpperCase()}`]]))
    .resources[0];
}

export function mergeCharts(body: { sourceId: string; targetId: string; reason: string }) {
  return sendJson<MergeRecord>('/api/registration/merge', { method: 'POST', ...jsonBody(body) });
}

export function undoMerge(mergeId: string) {
  return sendJson<MergeRecord>(`/api/registration/merge/${encodeURIComponent(mergeId)}/undo`, {
    method: 'POST',
    ...jsonBody({}),
  });
}
