import type { Sex } from '../model.js';
import { growthTable, type TableName } from './data.js';
import { lmsAt, percentileOf, valueAtZ, zForPercentile, zScore } from './lms.js';

/** One child's measurements at one visit (metric, as stored). */
export interface GrowthInput {
  sex: Sex;
  /** Age in months at the measurement (days / 30.4375). */
  ageMonths: number;
  weightKg?: number;
  /** Recumbent length (under 24 months) or standing height, cm. */
  heightCm?: number;
  bmi?: number;
  headCircumferenceCm?: number;
}

/** A percentile to store as an Observation (model.ts GROWTH_LOINC), with the reference it came from. */
export interface GrowthPercentile {
  loinc: '59576-9' | '8289-1' | '77606-2';
  display: string;
  /** 0-100, one decimal. */
  percentile: number;
  zScore: number;
  /** e.g. "CDC 2000 BMI-for-age (bmiagerev.csv)". */
  reference: string;
}

/** Where each percentile applies (CDC 2000: BMI-for-age 2-20 y; the infant charts birth to 36 months). */
export const PERCENTILE_RANGES = {
  bmiAgeMonths: [24, 240.5],
  infantAgeMonths: [0, 36],
  weightForLengthCm: [45, 103.5],
} as const;

const DISPLAY = {
  '59576-9': 'Body mass index (BMI) [Percentile] Per age and sex',
  '8289-1': 'Head Occipital-frontal circumference Percentile',
  '77606-2': 'Weight-for-length Per age and sex',
} as const;

const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;

function percentileFrom(
  table: TableName,
  sex: Sex,
  x: number,
  value: number
): { percentile: number; zScore: number } | undefined {
  const rows = growthTable(table)?.rows[sex];
  const lms = rows && lmsAt(rows, x);
  if (!lms) return undefined;
  const z = zScore(value, lms);
  if (!Number.isFinite(z)) return undefined;
  return { percentile: percentileOf(z), zScore: Math.round(z * 100) / 100 };
}

/**
 * The growth percentiles that apply at this age (BMI-for-age 2-20 y; weight-for-length and head
 * circumference-for-age 0-36 months), by the LMS method from the CDC reference data kept in reference/growth.
 * A measurement outside its table (a length under 45 cm, an age over 20 y) gives no percentile.
 */
export function growthPercentiles(input: GrowthInput): GrowthPercentile[] {
  const out: GrowthPercentile[] = [];
  const { sex, ageMonths } = input;
  if (!Number.isFinite(ageMonths) || ageMonths < 0) return out;
  if (input.bmi !== undefined && within(ageMonths, PERCENTILE_RANGES.bmiAgeMonths)) {
    const p = percentileFrom('bmiagerev', sex, ageMonths, input.bmi);
    if (p)
      out.push({
        loinc: '59576-9',
        display: DISPLAY['59576-9'],
        ...p,
        reference: 'CDC 2000 BMI-for-age (bmiagerev.csv)',
      });
  }
  if (
    input.weightKg !== undefined &&
    input.heightCm !== undefined &&
    within(ageMonths, PERCENTILE_RANGES.infantAgeMonths) &&
    within(input.heightCm, PERCENTILE_RANGES.weightForLengthCm)
  ) {
    const p = percentileFrom('wtleninf', sex, input.heightCm, input.weightKg);
    if (p) {
      out.push({
        loinc: '77606-2',
        display: DISPLAY['77606-2'],
        ...p,
        reference: 'CDC 2000 weight-for-length (wtleninf.csv)',
      });
    }
  }
  if (input.headCircumferenceCm !== undefined && within(ageMonths, PERCENTILE_RANGES.infantAgeMonths)) {
    const p = percentileFrom('hcageinf', sex, ageMonths, input.headCircumferenceCm);
    if (p) {
      out.push({
        loinc: '8289-1',
        display: DISPLAY['8289-1'],
        ...p,
        reference: 'CDC 2000 head circumference-for-age (hcageinf.csv)',
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- chart series

export const CHART_KINDS = [
  'weight-for-age',
  'length-for-age',
  'bmi-for-age',
  'head-circumference',
  'weight-for-length',
] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** The percentile curves drawn on every chart (the CDC clinical charts' 5th to 95th). */
export const CURVE_PERCENTILES = [5, 10, 25, 50, 75, 90, 95] as const;

interface ChartSource {
  table: TableName;
  title: string;
  x: { label: string; unit: string };
  y: { label: string; unit: string };
}

/** The reference of each chart kind: the infant table (birth-36 months) and, from 2 years, the child table. */
const CHART_SOURCES: Record<ChartKind, { infant: ChartSource; child?: ChartSource }> = {
  'weight-for-age': {
    infant: {
      table: 'wtageinf',
      title: 'Weight-for-age, birth to 36 months',
      x: { label: 'Age', unit: 'mo' },
      y: { label: 'Weight', unit: 'kg' },
    },
    child: {
      table: 'wtage',
      title: 'Weight-for-age, 2 to 20 years',
      x: { label: 'Age', unit: 'mo' },
      y: { label: 'Weight', unit: 'kg' },
    },
  },
  'length-for-age': {
    infant: {
      table: 'lenageinf',
      title: 'Length-for-age, birth to 36 months',
      x: { label: 'Age', unit: 'mo' },
      y: { label: 'Length', unit: 'cm' },
    },
    child: {
      table: 'statage',
      title: 'Stature-for-age, 2 to 20 years',
      x: { label: 'Age', unit: 'mo' },
      y: { label: 'Stature', unit: 'cm' },
    },
  },
  'bmi-for-age': {
    infant: {
      table: 'bmiagerev',
      title: 'BMI-for-age, 2 to 20 years',
      x: { label: 'Age', unit: 'mo' },
      y: { label: 'BMI', unit: 'kg/m2' },
    },
  },
  'head-circumference': {
    infant: {
      table: 'hcageinf',
      title: 'Head circumference-for-age, birth to 36 months',
      x: { label: 'Age', unit: 'mo' },
      y: { label: 'Head circumference', unit: 'cm' },
    },
  },
  'weight-for-length': {
    infant: {
      table: 'wtleninf',
      title: 'Weight-for-length, birth to 36 months',
      x: { label: 'Length', unit: 'cm' },
      y: { label: 'Weight', unit: 'kg' },
    },
  },
};

export interface ChartCurve {
  percentile: number;
  /** "5th", "50th", "95th". */
  label: string;
  points: { x: number; y: number }[];
}

export interface GrowthChartReference {
  kind: ChartKind;
  title: string;
  /** e.g. "CDC 2000 growth charts, wtageinf.csv". */
  reference: string;
  table: TableName;
  x: { label: string; unit: string; min: number; max: number };
  y: { label: string; unit: string };
  curves: ChartCurve[];
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/**
 * The reference curves of a chart for one sex. `ageMonths` picks the infant chart (under 24 months) or the
 * 2-20 year chart where the kind has one. Undefined when the table's file is not in reference/growth.
 */
export function chartReference(
  kind: ChartKind,
  sex: Sex,
  ageMonths?: number
): GrowthChartReference | undefined {
  const sources = CHART_SOURCES[kind];
  const wantChild =
    sources.child && ageMonths !== undefined && ageMonths >= 24 && growthTable(sources.child.table);
  const source = wantChild && sources.child ? sources.child : sources.infant;
  const table = growthTable(source.table);
  if (!table) return undefined;
  const rows = table.rows[sex];
  const curves = CURVE_PERCENTILES.map((p) => {
    const z = zForPercentile(p);
    return {
      percentile: p,
      label: ordinal(p),
      points: rows.map((r) => ({ x: r.x, y: Math.round(valueAtZ(z, r) * 1000) / 1000 })),
    };
  });
  return {
    kind,
    title: source.title,
    reference: `CDC 2000 growth charts, ${source.table}.csv`,
    table: source.table,
    x: { ...source.x, min: rows[0].x, max: rows[rows.length - 1].x },
    y: source.y,
    curves,
  };
}

/** The percentile of a point on a chart (undefined outside the chart's range). */
export function chartPercentile(
  chart: GrowthChartReference,
  sex: Sex,
  x: number,
  y: number
): { percentile: number; zScore: number } | undefined {
  return percentileFrom(chart.table, sex, x, y);
}
