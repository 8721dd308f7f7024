import type { Sex } from '../model.js';

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

/**
 * The growth percentiles that apply at this age (BMI-for-age 2-20 y; weight-for-length and head
 * circumference-for-age 0-36 months), by the LMS method from the CDC reference data kept in data/growth.
 * PLACEHOLDER until the growth part lands: returns none.
 */
export function growthPercentiles(input: GrowthInput): GrowthPercentile[] {
  void input;
  return [];
}
