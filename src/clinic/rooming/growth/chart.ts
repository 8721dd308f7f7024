import { badRequest, notFound, unprocessable } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import type { Sex } from '../model.js';
import { clinicTimeZone } from '../../flow/clinicZone.js';
import { ageInDays, MONTH_DAYS } from '../visit.js';
import { historyRows, patientForVitals, patientVitalObservations, type HistoryRow } from './history.js';
import {
  CHART_KINDS,
  chartPercentile,
  chartReference,
  ordinal,
  type ChartKind,
  type GrowthChartReference,
} from './percentiles.js';

/**
 * A child's growth chart (GET /api/rooming/patients/:id/growth?chart=<kind>): the CDC reference curves for the
 * patient's sex and the patient's measurements on it, each with its percentile where the reference covers it.
 */

export interface GrowthPoint {
  date: string;
  ageMonths: number;
  /** The chart's x (age in months, or length in cm for weight-for-length) and y (kg, cm, kg/m2). */
  x: number;
  y: number;
  percentile?: number;
  zScore?: number;
}

export interface GrowthChart {
  patientId: string;
  sex: Sex;
  birthDate: string;
  /** Age today in months. */
  ageMonths: number;
  kind: ChartKind;
  kinds: readonly ChartKind[];
  chart: GrowthChartReference;
  /** Oldest first. */
  points: GrowthPoint[];
  /** The newest point's percentile, in words: "72nd percentile" (BMI-for-age adds the CDC weight category). */
  latest?: { date: string; percentile: number; words: string };
}

/** The default chart: weight-for-age under 2 years, BMI-for-age from 2. */
export function defaultChart(ageMonths: number): ChartKind {
  return ageMonths < 24 ? 'weight-for-age' : 'bmi-for-age';
}

export function parseChartKind(value: unknown, ageMonths: number): ChartKind {
  if (value === undefined || value === '') return defaultChart(ageMonths);
  if (typeof value !== 'string' || !(CHART_KINDS as readonly string[]).includes(value)) {
    throw badRequest(`chart must be one of ${CHART_KINDS.join(', ')}`, 'chart');
  }
  return value as ChartKind;
}

/** The CDC BMI-for-age weight categories (CDC, "About Child and Teen BMI"). */
export function bmiCategory(percentile: number): string {
  if (percentile < 5) return 'underweight';
  if (percentile < 85) return 'healthy weight';
  if (percentile < 95) return 'overweight';
  return 'obesity';
}

/** "72nd percentile", "below the 1st percentile", "above the 99th percentile". */
export function percentileWords(percentile: number): string {
  if (percentile < 1) return 'below the 1st percentile';
  if (percentile > 99) return 'above the 99th percentile';
  return `${ordinal(Math.round(percentile))} percentile`;
}

function pointOf(kind: ChartKind, row: HistoryRow): { x: number; y: number } | undefined {
  if (row.ageMonths === undefined) return undefined;
  const v = row.values;
  const weight = v.weight?.value;
  const height = v.height?.value;
  switch (kind) {
    case 'weight-for-age':
      return weight === undefined ? undefined : { x: row.ageMonths, y: weight };
    case 'length-for-age':
      return height === undefined ? undefined : { x: row.ageMonths, y: height };
    case 'head-circumference':
      return v.headCircumference ? { x: row.ageMonths, y: v.headCircumference.value } : undefined;
    case 'weight-for-length':
      return weight === undefined || height === undefined ? undefined : { x: height, y: weight };
    case 'bmi-for-age': {
      const bmi =
        v.bmi?.value ??
        (weight !== undefined && height !== undefined && height > 0
          ? weight / (height / 100) ** 2
          : undefined);
      return bmi === undefined ? undefined : { x: row.ageMonths, y: Math.round(bmi * 10) / 10 };
    }
  }
}

export async function growthChart(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  chartParam: unknown,
  now: Date
): Promise<GrowthChart> {
  const patient = await patientForVitals(conn, ctx, patientId);
  const sex = patient.gender === 'male' || patient.gender === 'female' ? patient.gender : undefined;
  if (!sex) {
    throw unprocessable(
      'growth charts are by sex: the patient has no male or female gender recorded',
      'gender'
    );
  }
  const timeZone = await clinicTimeZone(conn, ctx.practiceId);
  const days = ageInDays(patient.birthDate, now, timeZone);
  if (!patient.birthDate || days === undefined || days < 0) {
    throw unprocessable('growth charts are by age: the patient has no birth date', 'birthDate');
  }
  const ageMonths = days / MONTH_DAYS;
  const kind = parseChartKind(chartParam, ageMonths);
  const chart = chartReference(kind, sex, ageMonths);
  if (!chart) throw notFound(`the reference data of the ${kind} chart is not installed (reference/growth)`);
  const observations = await patientVitalObservations(conn, ctx, patientId);
  const rows = historyRows(observations, patient.birthDate, timeZone).reverse();
  const points: GrowthPoint[] = [];
  for (const row of rows) {
    const xy = pointOf(kind, row);
    if (!xy || row.ageMonths === undefined) continue;
    const p = chartPercentile(chart, sex, xy.x, xy.y);
    points.push({ date: row.date, ageMonths: row.ageMonths, ...xy, ...(p ?? {}) });
  }
  const last = [...points].reverse().find((p) => p.percentile !== undefined);
  const latest =
    last?.percentile === undefined
      ? undefined
      : {
          date: last.date,
          percentile: last.percentile,
          words:
            percentileWords(last.percentile) +
            (kind === 'bmi-for-age' ? ` (${bmiCategory(last.percentile)})` : ''),
        };
  return {
    patientId,
    sex,
    birthDate: patient.birthDate,
    ageMonths: Math.round(ageMonths * 100) / 100,
    kind,
    kinds: CHART_KINDS,
    chart,
    points,
    ...(latest ? { latest } : {}),
  };
}
