/**
 * The trends and growth requests (docs/rooming/growth.md): the patient's vital signs over time and a growth
 * chart. Patients are addressed by id, never by name.
 */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { sendJson } from '../../fhir/http';
import { keys, usePractice } from '../../fhir/queries';

export type HistorySign =
  | 'bloodPressure'
  | 'heartRate'
  | 'respiratoryRate'
  | 'temperature'
  | 'oxygenSaturation'
  | 'height'
  | 'weight'
  | 'bmi'
  | 'headCircumference'
  | 'pain'
  | 'bmiPercentile'
  | 'weightForLengthPercentile'
  | 'headCircumferencePercentile';

export interface HistoryValue {
  observationId: string;
  value: number;
  unit: string;
  diastolic?: number;
  display: string;
  asEntered?: string;
  flag?: string;
}

export interface HistoryRow {
  date: string;
  encounterId?: string;
  ageMonths?: number;
  values: Partial<Record<HistorySign, HistoryValue>>;
  bloodPressures?: HistoryValue[];
}

export interface VitalsHistory {
  patientId: string;
  birthDate?: string;
  gender?: string;
  /** Newest first. */
  rows: HistoryRow[];
}

export const CHART_KINDS = [
  'weight-for-age',
  'length-for-age',
  'bmi-for-age',
  'head-circumference',
  'weight-for-length',
] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export const CHART_KIND_LABELS: Record<ChartKind, string> = {
  'weight-for-age': 'Weight-for-age',
  'length-for-age': 'Length/stature-for-age',
  'bmi-for-age': 'BMI-for-age',
  'head-circumference': 'Head circumference',
  'weight-for-length': 'Weight-for-length',
};

export interface ChartCurve {
  percentile: number;
  label: string;
  points: { x: number; y: number }[];
}

export interface GrowthPoint {
  date: string;
  ageMonths: number;
  x: number;
  y: number;
  percentile?: number;
  zScore?: number;
}

export interface GrowthChartData {
  patientId: string;
  sex: 'male' | 'female';
  birthDate: string;
  ageMonths: number;
  kind: ChartKind;
  kinds: ChartKind[];
  chart: {
    kind: ChartKind;
    title: string;
    reference: string;
    table: string;
    x: { label: string; unit: string; min: number; max: number };
    y: { label: string; unit: string };
    curves: ChartCurve[];
  };
  points: GrowthPoint[];
  latest?: { date: string; percentile: number; words: string };
}

function fetchHistory(patientId: string, signal: AbortSignal): Promise<VitalsHistory> {
  return sendJson<VitalsHistory>(`/api/rooming/patients/${encodeURIComponent(patientId)}/vitals-history`, {
    signal,
  });
}

export function useVitalsHistory(patientId: string): UseQueryResult<VitalsHistory> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, 'vitals-history'),
    queryFn: ({ signal }) => fetchHistory(patientId, signal),
    enabled: patientId !== '',
  });
}

/** The same request (one fetch), its rows only: newest first. */
export function useVitalsHistoryRows(patientId: string): UseQueryResult<HistoryRow[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, 'vitals-history'),
    queryFn: ({ signal }) => fetchHistory(patientId, signal),
    select: (history) => history.rows,
    enabled: patientId !== '',
  });
}

/** `kind` undefined: the server's default for the age (weight-for-age under 2 years, BMI-for-age from 2). */
export function useGrowthChart(
  patientId: string,
  kind: ChartKind | undefined,
  enabled = true
): UseQueryResult<GrowthChartData> {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.patientData(practice, patientId, 'growth-chart', kind ?? 'default'),
    queryFn: ({ signal }) =>
      sendJson<GrowthChartData>(
        `/api/rooming/patients/${encodeURIComponent(patientId)}/growth${kind ? `?chart=${kind}` : ''}`,
        { signal }
      ),
    enabled: enabled && patientId !== '',
  });
}
