/**
 * Vital signs for the chart summary: the latest value of each, and the series behind the small trends.
 * Pure: no I/O, no DOM. LOINC codes per the FHIR vital signs profile (R4 observation-vitalsigns).
 */
import type { Observation, Quantity } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';
export const BP_PANEL = '85354-9';
export const SYSTOLIC = '8480-6';
export const DIASTOLIC = '8462-4';
export const WEIGHT = '29463-7';

/** The vital signs shown, in the order an MA takes them. */
export const VITAL_SIGNS = [
  { code: BP_PANEL, label: 'Blood pressure' },
  { code: '8867-4', label: 'Heart rate' },
  { code: '9279-1', label: 'Respiratory rate' },
  { code: '8310-5', label: 'Temperature' },
  { code: '2708-6', label: 'Oxygen saturation' },
  { code: WEIGHT, label: 'Weight' },
  { code: '8302-2', label: 'Height' },
  { code: '39156-5', label: 'BMI' },
] as const;

export interface LatestVital {
  code: string;
  label: string;
  /** e.g. "128/82 mmHg", "72.5 kg". */
  value: string;
  /** effective dateTime of the reading. */
  when?: string;
}

export interface TrendPoint {
  when: string;
  value: number;
}

/** When a reading was taken: effectiveDateTime, else the start of effectivePeriod, else issued. */
export function effectiveTime(obs: Observation): string | undefined {
  return obs.effectiveDateTime ?? obs.effectivePeriod?.start ?? obs.effectiveInstant ?? obs.issued;
}

function hasCode(concept: Observation['code'] | undefined, code: string): boolean {
  return concept?.coding?.some((c) => c.code === code && (!c.system || c.system === LOINC)) ?? false;
}

function componentValue(obs: Observation, code: string): Quantity | undefined {
  return obs.component?.find((c) => hasCode(c.code, code))?.valueQuantity;
}

/** A quantity as text: "72.5 kg", "98 %". */
export function formatQuantity(q: Quantity | undefined): string {
  if (q?.value === undefined) return '';
  const unit = q.unit ?? q.code ?? '';
  return unit ? `${q.value} ${unit}` : String(q.value);
}

/** "128/82 mmHg" from a blood pressure panel, or '' when either part is missing. */
export function formatBloodPressure(obs: Observation): string {
  const sys = componentValue(obs, SYSTOLIC);
  const dia = componentValue(obs, DIASTOLIC);
  if (sys?.value === undefined || dia?.value === undefined) return '';
  return `${sys.value}/${dia.value} ${sys.unit ?? 'mmHg'}`;
}

/** Newest first, by effective time (missing times last). */
export function byNewest(observations: readonly Observation[]): Observation[] {
  return [...observations].sort((a, b) => (effectiveTime(b) ?? '').localeCompare(effectiveTime(a) ?? ''));
}

/** The latest reading of each vital sign that has one, in VITAL_SIGNS order. */
export function latestVitals(observations: readonly Observation[]): LatestVital[] {
  const sorted = byNewest(
    observations.filter((o) => o.status !== 'entered-in-error' && o.status !== 'cancelled')
  );
  const result: LatestVital[] = [];
  for (const sign of VITAL_SIGNS) {
    for (const obs of sorted) {
      if (!hasCode(obs.code, sign.code)) continue;
      const value = sign.code === BP_PANEL ? formatBloodPressure(obs) : formatQuantity(obs.valueQuantity);
      if (!value) continue;
      result.push({ code: sign.code, label: sign.label, value, when: effectiveTime(obs) });
      break;
    }
  }
  return result;
}

/** The last `limit` readings of one number, oldest first (for a trend line). */
export function series(
  observations: readonly Observation[],
  code: string,
  limit: number,
  component?: string
): TrendPoint[] {
  const points: TrendPoint[] = [];
  for (const obs of byNewest(observations)) {
    if (!hasCode(obs.code, code) || obs.status === 'entered-in-error') continue;
    const q = component ? componentValue(obs, component) : obs.valueQuantity;
    const when = effectiveTime(obs);
    if (q?.value === undefined || !when) continue;
    points.push({ when, value: q.value });
    if (points.length >= limit) break;
  }
  return points.reverse();
}
