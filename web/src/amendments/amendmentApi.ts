/**
 * Amendment requests (ONC 170.315(d)(4), HIPAA 164.526; docs/security/auth-api.md, "Amendments and prints"):
 * a patient asks to correct their data; a provider, the privacy officer or a practice administrator accepts
 * or denies. The server keeps each request as a FHIR Task; writes go through fhir/http.ts (CSRF header).
 */
import type { Task } from '@medplum/fhirtypes';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { search } from '../fhir/client';
import { jsonBody, sendJson } from '../fhir/http';
import { keys, usePractice } from '../fhir/queries';

/** Task.code of an amendment request (src/clinic/amendments/amendments.ts AMENDMENT_CODE). */
export const AMENDMENT_TASK_CODE = 'urn:medassist:task-type|amendment-request';

export interface NewAmendmentRequest {
  patientId: string;
  /** "Type/id" of the data concerned. */
  focus: string;
  requestedChange: string;
  requestedBy?: string;
}

export type AmendmentDecision =
  { decision: 'accepted'; reason: string; amendment: string } | { decision: 'denied'; reason: string };

/** The query key of one patient's amendment requests. */
export function amendmentsKey(practice: string, patientId: string) {
  return keys.patientData(practice, patientId, 'amendment-requests');
}

/** The patient's amendment requests, newest first. */
export function useAmendmentRequests(patientId: string): UseQueryResult<Task[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: amendmentsKey(practice, patientId),
    queryFn: async ({ signal }) =>
      (
        await search(
          'Task',
          [
            ['patient', patientId],
            ['code', AMENDMENT_TASK_CODE],
            ['_count', '100'],
          ],
          signal
        )
      ).resources.sort((a, b) => (b.authoredOn ?? '').localeCompare(a.authoredOn ?? '')),
    staleTime: 30_000,
  });
}

/** POST /api/amendments: records a request (201, the Task). */
export function requestAmendment(request: NewAmendmentRequest): Promise<Task> {
  return sendJson<Task>('/api/amendments', { method: 'POST', ...jsonBody(request) });
}

/** POST /api/amendments/:taskId/decision: accepts or denies a request (200, the Task). */
export function decideAmendment(taskId: string, decision: AmendmentDecision): Promise<Task> {
  return sendJson<Task>(`/api/amendments/${encodeURIComponent(taskId)}/decision`, {
    method: 'POST',
    ...jsonBody(decision),
  });
}

/** A request's status in the clinic's words. */
export function amendmentStatus(task: Task): string {
  switch (task.status) {
    case 'requested':
      return 'Requested';
    case 'completed':
      return 'Accepted';
    case 'rejected':
      return 'Denied';
    default:
      return task.status;
  }
}

/** "Type/id" of a versioned reference ("AllergyIntolerance/1/_history/2" -> "AllergyIntolerance/1"). */
export function unversioned(reference: string | undefined): string {
  return (reference ?? '').split('/_history/')[0] ?? '';
}
