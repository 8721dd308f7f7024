/**
 * The vitals requests (docs/rooming/vitals.md): the visit's readings and saving a set. The visit is
 * addressed by its Encounter id; no patient data in the URL.
 */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../../fhir/http';
import { keys, usePractice } from '../../fhir/queries';
import type { Flag } from './vitalsForm';

export interface ReadingComponent {
  code: string;
  display: string;
  value: number;
  unit: string;
  flag?: Flag;
}

/** One reading as GET /api/rooming/encounters/:id/vitals answers it (server: vitals/read.ts VitalReading). */
export interface VitalReading {
  id: string;
  sign: string;
  code: string;
  display: string;
  effective?: string;
  value?: number;
  unit?: string;
  asEntered?: string;
  flag?: Flag;
  components?: ReadingComponent[];
  position?: string;
  arm?: string;
  cuff?: string;
  method?: string;
  oxygenFlow?: number;
  roomAir?: boolean;
  derivedFrom?: string[];
  performer?: string;
}

/** The answer of saving a set (server: vitals/record.ts RecordedVitals). */
export interface RecordedVitals {
  patientId: string;
  readings: VitalReading[];
  bmi?: { value: number; unit: 'kg/m2'; heightFrom: 'this visit' | 'earlier visit'; heightTaken?: string };
  /** Why a weight was saved without a BMI. */
  bmiNotComputed?: string;
  repeatAdvised: boolean;
  critical: {
    sign: string;
    flag: Flag;
    observationId: string;
    /** `sent` now, or `already-open`: the provider's notice of this sign and flag is still unacknowledged. */
    notice: { id: string; status: 'sent' | 'already-open' };
  }[];
  notices: string[];
}

const path = (encounterId: string) => `/api/rooming/encounters/${encodeURIComponent(encounterId)}/vitals`;

export function visitVitalsKey(practice: string, encounterId: string) {
  return [...keys.practice(practice), 'rooming-vitals', encounterId] as const;
}

export function useVisitVitals(encounterId: string): UseQueryResult<{ readings: VitalReading[] }> {
  const practice = usePractice();
  return useQuery({
    queryKey: visitVitalsKey(practice, encounterId),
    queryFn: ({ signal }) => sendJson<{ readings: VitalReading[] }>(path(encounterId), { signal }),
  });
}

export function saveVitals(encounterId: string, body: Record<string, unknown>): Promise<RecordedVitals> {
  return sendJson<RecordedVitals>(path(encounterId), { method: 'POST', ...jsonBody(body) });
}
