import type { Observation, Patient } from '@medplum/fhirtypes';
import { assertAllowed } from '../../../auth/policy.js';
import { notFound } from '../../../fhir/outcome.js';
import { accessConditions } from '../../../store/access.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { assertId } from '../../../store/repository.js';
import { SqlParams } from '../../../store/search/sqlParams.js';
import { findById } from '../../flow/visit.js';
import { AS_ENTERED_URL, GROWTH_LOINC, LOINC, VITAL_LOINC } from '../model.js';
import { clinicTimeZone } from '../../flow/clinicZone.js';
import { ageInDays, MONTH_DAYS } from '../visit.js';

/**
 * A patient's vital signs over time (GET /api/rooming/patients/:id/vitals-history): every vital-sign
 * Observation (model.ts VITAL_LOINC, and the growth percentiles GROWTH_LOINC) as one row per measurement set
 * (the Observations of one visit, or of one instant when they have no visit), newest first, each value in its
 * canonical UCUM unit and in words with the other unit system ("70.3 kg (155.0 lb)").
 */

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

export const HISTORY_SIGNS: readonly HistorySign[] = [
  'bloodPressure',
  'heartRate',
  'respiratoryRate',
  'temperature',
  'oxygenSaturation',
  'height',
  'weight',
  'bmi',
  'headCircumference',
  'pain',
  'bmiPercentile',
  'weightForLengthPercentile',
  'headCircumferencePercentile',
];

const SIGN_OF_CODE: Record<string, HistorySign> = {
  [VITAL_LOINC.bloodPressure]: 'bloodPressure',
  [VITAL_LOINC.heartRate]: 'heartRate',
  [VITAL_LOINC.respiratoryRate]: 'respiratoryRate',
  [VITAL_LOINC.temperature]: 'temperature',
  [VITAL_LOINC.oxygenSaturation]: 'oxygenSaturation',
  [VITAL_LOINC.pulseOximetry]: 'oxygenSaturation',
  [VITAL_LOINC.height]: 'height',
  [VITAL_LOINC.weight]: 'weight',
  [VITAL_LOINC.bmi]: 'bmi',
  [VITAL_LOINC.headCircumference]: 'headCircumference',
  [VITAL_LOINC.pain]: 'pain',
  [GROWTH_LOINC.bmiPercentile]: 'bmiPercentile',
  [GROWTH_LOINC.weightForLengthPercentile]: 'weightForLengthPercentile',
  [GROWTH_LOINC.headCircumferencePercentile]: 'headCircumferencePercentile',
};

export interface HistoryValue {
  observationId: string;
  /** Canonical value and UCUM unit as stored (blood pressure: the systolic; see `diastolic`). */
  value: number;
  unit: string;
  diastolic?: number;
  /** The value in words with the other unit system, e.g. "170.2 cm (5 ft 7 in)", "120/80 mmHg". */
  display: string;
  /** What the MA typed (the as-entered extension), e.g. "5 ft 7 in". */
  asEntered?: string;
  /** Interpretation flag: N, L, H, LL, HH. */
  flag?: string;
}

export interface HistoryRow {
  /** The measurement time (the set's earliest effectiveDateTime). */
  date: string;
  encounterId?: string;
  /** Age in months at `date` (days / 30.4375), when the birth date is known. */
  ageMonths?: number;
  values: Partial<Record<HistorySign, HistoryValue>>;
  /** Repeat blood pressure readings of the same set, oldest first (values.bloodPressure is the last). */
  bloodPressures?: HistoryValue[];
}

export interface VitalsHistory {
  patientId: string;
  birthDate?: string;
  gender?: string;
  rows: HistoryRow[];
}

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

const KG_PER_LB = 0.45359237;
const CM_PER_IN = 2.54;

/** "170.2 cm (5 ft 7 in)". */
export function lengthDisplay(cm: number): string {
  const totalIn = cm / CM_PER_IN;
  let ft = Math.floor(totalIn / 12);
  let inches = round(totalIn - ft * 12, 1);
  if (inches >= 12) {
    ft += 1;
    inches -= 12;
  }
  return `${round(cm, 1)} cm (${ft > 0 ? `${ft} ft ` : ''}${inches} in)`;
}

/** "70.3 kg (155.0 lb)". */
export function weightDisplay(kg: number): string {
  return `${round(kg, kg < 10 ? 3 : 1)} kg (${(kg / KG_PER_LB).toFixed(1)} lb)`;
}

/** "37.0 °C (98.6 °F)". */
export function temperatureDisplay(cel: number): string {
  return `${cel.toFixed(1)} °C (${((cel * 9) / 5 + 32).toFixed(1)} °F)`;
}

function toCanonical(sign: HistorySign, value: number, unit: string): { value: number; unit: string } {
  if (sign === 'weight') {
    if (unit === 'g') return { value: value / 1000, unit: 'kg' };
    if (unit === '[lb_av]') return { value: value * KG_PER_LB, unit: 'kg' };
  }
  if ((sign === 'height' || sign === 'headCircumference') && unit === '[in_i]') {
    return { value: value * CM_PER_IN, unit: 'cm' };
  }
  if (sign === 'temperature' && unit === '[degF]') return { value: ((value - 32) * 5) / 9, unit: 'Cel' };
  return { value, unit };
}

function displayOf(sign: HistorySign, value: number, unit: string, diastolic?: number): string {
  switch (sign) {
    case 'bloodPressure':
      return `${value}/${diastolic ?? '?'} mmHg`;
    case 'height':
    case 'headCircumference':
      return unit === 'cm' ? lengthDisplay(value) : `${value} ${unit}`;
    case 'weight':
      return unit === 'kg' ? weightDisplay(value) : `${value} ${unit}`;
    case 'temperature':
      return unit === 'Cel' ? temperatureDisplay(value) : `${value} ${unit}`;
    case 'heartRate':
    case 'respiratoryRate':
      return `${value} /min`;
    case 'oxygenSaturation':
      return `${value} %`;
    case 'bmi':
      return `${round(value, 1)} kg/m2`;
    case 'pain':
      return `${value} / 10`;
    default:
      return `${round(value, 1)} percentile`;
  }
}

function loincOf(obs: Observation): string | undefined {
  return obs.code.coding?.find((c) => c.system === LOINC && c.code && SIGN_OF_CODE[c.code])?.code;
}

/** One Observation as a history value (undefined when it has no number). */
export function historyValue(sign: HistorySign, obs: Observation): HistoryValue | undefined {
  let raw: number | undefined;
  let unit: string;
  let diastolic: number | undefined;
  if (sign === 'bloodPressure') {
    const part = (code: string) =>
      obs.component?.find((c) => c.code.coding?.some((k) => k.code === code))?.valueQuantity?.value;
    raw = part(VITAL_LOINC.systolic);
    diastolic = part(VITAL_LOINC.diastolic);
    unit = 'mm[Hg]';
  } else {
    raw = obs.valueQuantity?.value;
    unit = obs.valueQuantity?.code ?? obs.valueQuantity?.unit ?? '';
  }
  if (typeof raw !== 'number') return undefined;
  const canonical = toCanonical(sign, raw, unit);
  const value = sign === 'bloodPressure' ? raw : round(canonical.value, 3);
  const flag = obs.interpretation?.[0]?.coding?.[0]?.code;
  const asEntered = obs.valueQuantity?.extension?.find((e) => e.url === AS_ENTERED_URL)?.valueString;
  return {
    observationId: obs.id as string,
    value,
    unit: canonical.unit,
    ...(diastolic !== undefined ? { diastolic } : {}),
    display: displayOf(sign, value, canonical.unit, diastolic),
    ...(asEntered ? { asEntered } : {}),
    ...(flag ? { flag } : {}),
  };
}

/** The patient as the caller may see them: 403 without clinical access, 404 when unknown or restricted. */
export async function patientForVitals(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<Patient> {
  if (ctx.principal) assertAllowed(ctx.principal, 'search', 'Observation');
  assertId(patientId, 'id');
  const patient = await findById<Patient>(conn, ctx, 'Patient', patientId);
  if (!patient) throw notFound(`Patient/${patientId} was not found`);
  return patient;
}

/** Every vital-sign Observation of the patient the caller may see (any visit), by the history's LOINC codes. */
export async function patientVitalObservations(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<Observation[]> {
  const p = new SqlParams(ctx.practiceId, 'Observation');
  const subject = p.add(`Patient/${patientId}`);
  const codes = Object.keys(SIGN_OF_CODE)
    .map((c) => p.add(c))
    .join(', ');
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = 'subject' AND value = ${subject})`,
    `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = 'code' AND system = ${p.add(LOINC)} AND value IN (${codes}))`,
    ...accessConditions(ctx, 'search', 'Observation', 'r.resource_type', 'r.id', p),
  ];
  const result = await conn.query<{ content: Observation }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')}`,
    p.values
  );
  return result.rows
    .map((r) => r.content)
    .filter((o) => o.status !== 'entered-in-error' && o.status !== 'cancelled' && !!o.effectiveDateTime);
}

/** Groups the Observations into measurement sets: one per visit (Encounter), else one per instant. */
export function historyRows(
  observations: readonly Observation[],
  birthDate?: string,
  timeZone = 'UTC'
): HistoryRow[] {
  const sorted = [...observations].sort(
    (a, b) =>
      (a.effectiveDateTime ?? '').localeCompare(b.effectiveDateTime ?? '') ||
      (a.id ?? '').localeCompare(b.id ?? '')
  );
  const sets = new Map<string, HistoryRow>();
  for (const obs of sorted) {
    const code = loincOf(obs);
    if (!code) continue;
    const sign = SIGN_OF_CODE[code];
    const value = historyValue(sign, obs);
    if (!value) continue;
    const encounterId = obs.encounter?.reference?.startsWith('Encounter/')
      ? obs.encounter.reference.slice('Encounter/'.length)
      : undefined;
    const key = encounterId ? `E:${encounterId}` : `T:${obs.effectiveDateTime}`;
    let row = sets.get(key);
    if (!row) {
      const date = obs.effectiveDateTime as string;
      const days = ageInDays(birthDate, date, timeZone);
      row = {
        date,
        ...(encounterId ? { encounterId } : {}),
        ...(days !== undefined && days >= 0 ? { ageMonths: round(days / MONTH_DAYS, 2) } : {}),
        values: {},
      };
      sets.set(key, row);
    }
    if (sign === 'bloodPressure') {
      row.bloodPressures = [...(row.bloodPressures ?? []), value];
    }
    // the newest reading of a sign in the set wins (observations are oldest first)
    row.values[sign] = value;
  }
  const rows = [...sets.values()];
  for (const row of rows) {
    if (row.bloodPressures && row.bloodPressures.length < 2) delete row.bloodPressures;
  }
  return rows.sort((a, b) => b.date.localeCompare(a.date));
}

/** GET /api/rooming/patients/:id/vitals-history. */
export async function vitalsHistory(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<VitalsHistory> {
  const patient = await patientForVitals(conn, ctx, patientId);
  const observations = await patientVitalObservations(conn, ctx, patientId);
  return {
    patientId,
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    ...(patient.gender ? { gender: patient.gender } : {}),
    rows: historyRows(observations, patient.birthDate, await clinicTimeZone(conn, ctx.practiceId)),
  };
}
