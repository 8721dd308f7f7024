/**
 * The recall list's requests (docs/front-desk-api.md): GET /api/recall with filters, and contact attempts
 * POSTed by the recall's id (never a patient's name in a URL).
 */
import type { Communication } from '@medplum/fhirtypes';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../fhir/http';
import { keys, usePractice } from '../fhir/queries';
import {
  recallQuery,
  type AttemptMethod,
  type AttemptOutcome,
  type RecallFilter,
  type RecallList,
} from './recallModel';

export function recallKey(practice: string) {
  return [...keys.practice(practice), 'recall'] as const;
}

export function useRecallList(filter: RecallFilter): UseQueryResult<RecallList> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...recallKey(practice), recallQuery(filter)],
    queryFn: ({ signal }) => sendJson<RecallList>(`/api/recall${recallQuery(filter)}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export interface AttemptInput {
  method: AttemptMethod;
  outcome: AttemptOutcome;
  note?: string;
}

export function logAttempt(recallId: string, input: AttemptInput): Promise<Communication> {
  return sendJson<Communication>(`/api/recall/${encodeURIComponent(recallId)}/attempts`, {
    method: 'POST',
    ...jsonBody(input),
  });
}
