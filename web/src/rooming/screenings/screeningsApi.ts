/** The screenings' requests (docs/rooming/screenings.md). Patients are addressed by their visit's id. */
import type { Questionnaire } from '@medplum/fhirtypes';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../../fhir/http';
import { keys, usePractice } from '../../fhir/queries';
import type { FormAnswers } from './screeningModel';

export interface DueScreening {
  id: string;
  title: string;
  done: boolean;
  reason: string;
}

export interface ScreeningResultView {
  id: string;
  title: string;
  score?: number;
  max?: number;
  band?: string;
  positive: boolean;
  at: string;
  observationId: string;
  code?: string;
}

export interface EncounterScreenings {
  due: DueScreening[];
  results: ScreeningResultView[];
  latest: Partial<Record<'tobacco' | 'pregnancy', ScreeningResultView>>;
}

export interface RecordedScreening {
  screening: string;
  score?: number;
  max?: number;
  band: string;
  positive: boolean;
  urgent: boolean;
  next?: 'phq-9';
}

const id = encodeURIComponent;

export function screeningsKey(practice: string, encounterId: string) {
  return [...keys.practice(practice), 'rooming-screenings', encounterId] as const;
}

export function useEncounterScreenings(encounterId: string): UseQueryResult<EncounterScreenings> {
  const practice = usePractice();
  return useQuery({
    queryKey: screeningsKey(practice, encounterId),
    queryFn: ({ signal }) =>
      sendJson<EncounterScreenings>(`/api/rooming/encounters/${id(encounterId)}/screenings`, { signal }),
  });
}

/** A Questionnaire never changes while the app runs (it is kept in the server's code). */
export function useQuestionnaire(screening: string): UseQueryResult<Questionnaire> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...keys.practice(practice), 'questionnaire', screening],
    queryFn: ({ signal }) =>
      sendJson<Questionnaire>(`/api/rooming/questionnaires/${id(screening)}`, { signal }),
    staleTime: Infinity,
  });
}

export function recordScreening(
  encounterId: string,
  screening: string,
  answers: FormAnswers
): Promise<RecordedScreening> {
  return sendJson<RecordedScreening>(
    `/api/rooming/encounters/${id(encounterId)}/screenings/${id(screening)}`,
    {
      method: 'POST',
      ...jsonBody({ answers }),
    }
  );
}
