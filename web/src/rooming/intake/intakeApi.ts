/**
 * Requests of the intake part (docs/rooming/intake.md): chief complaint and MA note, the co-signature queue,
 * handouts and what was given, care gaps, the huddle sheet. Patients are addressed by id; writes go through
 * fhir/http.ts (session cookie, CSRF header).
 */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../../fhir/http';
import { keys, usePractice } from '../../fhir/queries';
import { huddleUrl, type HandoutLanguage, type IntakeEntryView } from './intakeModel';

export interface IntakeView {
  encounterId: string;
  patientId: string;
  provider?: { id: string };
  chiefComplaint?: IntakeEntryView;
  note?: IntakeEntryView;
}

export interface CosignItem extends IntakeEntryView {
  encounterId?: string;
  patient: { id: string; name: string; birthDate?: string } | null;
  provider?: { id: string; name: string };
  visitStart?: string;
}

export interface CareGap {
  id: string;
  title: string;
  why: string;
  rule: string;
  lastDone?: string;
}

export interface HandoutSummary {
  id: string;
  language: HandoutLanguage;
  title: string;
  summary: string;
  codes: { system: string; code: string; display: string }[];
}

export interface PatientEducation {
  patientId: string;
  preferredLanguage: HandoutLanguage;
  given: {
    id: string;
    handoutId: string;
    title: string;
    language: string;
    givenAt: string;
    givenBy: string;
    encounterId?: string;
  }[];
  problems: {
    display: string;
    codes: { system: string; code: string }[];
    medlinePlus: { en?: string; es?: string };
    handouts: string[];
  }[];
  suggested: string[];
  library: HandoutSummary[];
}

export interface HuddleRow {
  appointmentId: string;
  start: string;
  time: string;
  restricted: boolean;
  patient: { id: string; name: string; birthDate?: string } | null;
  visitType: { code: string; display: string };
  provider?: { id: string; name: string };
  status: string;
  allergies: { count: number; nkda: boolean } | null;
  gaps: CareGap[];
}

export interface HuddleSheet {
  site: { id: string; name: string };
  date: string;
  timeZone: string;
  rows: HuddleRow[];
}

const intakeKey = (practice: string, encounterId: string) =>
  [...keys.practice(practice), 'rooming-intake', encounterId] as const;

export function useIntake(encounterId: string): UseQueryResult<IntakeView> {
  const practice = usePractice();
  return useQuery({
    queryKey: intakeKey(practice, encounterId),
    queryFn: ({ signal }) =>
      sendJson<IntakeView>(`/api/rooming/encounters/${encodeURIComponent(encounterId)}/intake`, { signal }),
  });
}

export function saveIntake(
  encounterId: string,
  body: { chiefComplaint?: string; note?: string }
): Promise<IntakeView> {
  return sendJson<IntakeView>(`/api/rooming/encounters/${encodeURIComponent(encounterId)}/intake`, {
    method: 'POST',
    ...jsonBody(body),
  });
}

export function useCosignQueue(
  scope: 'mine' | 'all'
): UseQueryResult<{ scope: string; items: CosignItem[] }> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...keys.practice(practice), 'cosign', scope],
    queryFn: ({ signal }) =>
      sendJson<{ scope: string; items: CosignItem[] }>(`/api/rooming/cosign?scope=${scope}`, { signal }),
  });
}

export function cosign(observationId: string, version: string): Promise<unknown> {
  return sendJson(`/api/rooming/cosign/${encodeURIComponent(observationId)}/sign`, {
    method: 'POST',
    ...jsonBody({ version }),
  });
}

export function useCareGaps(patientId: string): UseQueryResult<{ date: string; gaps: CareGap[] }> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...keys.practice(practice), 'care-gaps', patientId],
    queryFn: ({ signal }) =>
      sendJson<{ date: string; gaps: CareGap[] }>(
        `/api/rooming/patients/${encodeURIComponent(patientId)}/care-gaps`,
        { signal }
      ),
  });
}

export function useEducation(
  patientId: string,
  language: HandoutLanguage | undefined
): UseQueryResult<PatientEducation> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...keys.practice(practice), 'education', patientId, language ?? ''],
    queryFn: ({ signal }) =>
      sendJson<PatientEducation>(
        `/api/rooming/patients/${encodeURIComponent(patientId)}/education${language ? `?language=${language}` : ''}`,
        { signal }
      ),
  });
}

export function recordGiven(
  encounterId: string,
  handoutId: string,
  language: HandoutLanguage
): Promise<unknown> {
  return sendJson(`/api/rooming/encounters/${encodeURIComponent(encounterId)}/education`, {
    method: 'POST',
    ...jsonBody({ handoutId, language }),
  });
}

export function useHuddle(siteId: string | undefined, date: string): UseQueryResult<HuddleSheet> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...keys.practice(practice), 'huddle', siteId ?? '', date],
    queryFn: ({ signal }) => sendJson<HuddleSheet>(huddleUrl(siteId ?? '', date), { signal }),
    enabled: siteId !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(date),
  });
}
