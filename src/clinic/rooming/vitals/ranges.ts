import type { Sex } from '../model.js';

/**
 * Age-specific reference ranges for the vital signs and the interpretation flags they set
 * (http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation: N, L, H, LL, HH).
 *
 * A range is { low, high } (inclusive normal limits: below low -> L, above high -> H) and critical limits
 * { criticalBelow, criticalFrom } (value < criticalBelow -> LL, value >= criticalFrom -> HH). Sources, per
 * sign, below; where no single published table gives a critical limit, the number is medassist's choice and
 * says so. These are screening flags for an MA, not diagnoses: a clinic should review them with its providers.
 */

export const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

export type Flag = 'N' | 'L' | 'H' | 'LL' | 'HH';

export const FLAG_DISPLAY: Record<Flag, string> = {
  N: 'Normal',
  L: 'Low',
  H: 'High',
  LL: 'Critical low',
  HH: 'Critical high',
};

export type AgeGroup = 'newborn' | 'infant' | 'toddler' | 'child' | 'adolescent' | 'adult';

export const AGE_GROUP_LABEL: Record<AgeGroup, string> = {
  newborn: 'newborn (0-27 days)',
  infant: 'infant (28 days-11 months)',
  toddler: 'toddler (1-2 years)',
  child: 'child (3-11 years)',
  adolescent: 'adolescent (12-17 years)',
  adult: 'adult (18 years and over)',
};

/** The age group at an age in days (PALS age bands; an unknown age is treated as an adult). */
export function ageGroupOf(ageDays: number | undefined): AgeGroup {
  if (ageDays === undefined) return 'adult';
  const years = ageDays / 365.25;
  if (ageDays < 28) return 'newborn';
  if (years < 1) return 'infant';
  if (years < 3) return 'toddler';
  if (years < 12) return 'child';
  if (years < 18) return 'adolescent';
  return 'adult';
}

export interface Range {
  low?: number;
  high?: number;
  criticalBelow?: number;
  criticalFrom?: number;
  /** Where the numbers come from, in words (shown in referenceRange.text). */
  source: string;
}

export type RangedSign =
  'heartRate' | 'respiratoryRate' | 'systolic' | 'diastolic' | 'temperature' | 'oxygenSaturation';

/**
 * Heart rate, /min. Normal: PALS Provider Manual (AHA 2020), "Normal heart rates" (awake), the
 * preschool (80-120) and school-age (75-118) bands merged as "child". Critical: adults, the NEWS2 (RCP
 * 2017) red score (<= 40 or >= 131); children, medassist's choice (about 20% beyond the PALS band).
 */
const HEART_RATE: Record<AgeGroup, Range> = {
  newborn: { low: 100, high: 205, criticalBelow: 80, criticalFrom: 221, source: 'PALS 2020 (neonate)' },
  infant: { low: 100, high: 180, criticalBelow: 80, criticalFrom: 201, source: 'PALS 2020 (infant)' },
  toddler: { low: 98, high: 140, criticalBelow: 70, criticalFrom: 181, source: 'PALS 2020 (toddler)' },
  child: {
    low: 75,
    high: 120,
    criticalBelow: 60,
    criticalFrom: 161,
    source: 'PALS 2020 (preschool, school-age)',
  },
  adolescent: { low: 60, high: 100, criticalBelow: 45, criticalFrom: 141, source: 'PALS 2020 (adolescent)' },
  adult: {
    low: 60,
    high: 100,
    criticalBelow: 41,
    criticalFrom: 131,
    source: 'AHA adult 60-100; NEWS2 2017 critical',
  },
};

/**
 * Respiratory rate, /min. Normal: PALS 2020 "Normal respiratory rates" (newborn: 30-60, the usual neonatal
 * range, AAP/NRP). Critical: adults, NEWS2 2017 red score (<= 8 or >= 25); children, medassist's choice.
 */
const RESPIRATORY_RATE: Record<AgeGroup, Range> = {
  newborn: { low: 30, high: 60, criticalBelow: 20, criticalFrom: 71, source: 'neonatal normal 30-60' },
  infant: { low: 30, high: 53, criticalBelow: 20, criticalFrom: 66, source: 'PALS 2020 (infant)' },
  toddler: { low: 22, high: 37, criticalBelow: 15, criticalFrom: 51, source: 'PALS 2020 (toddler)' },
  child: {
    low: 18,
    high: 28,
    criticalBelow: 12,
    criticalFrom: 41,
    source: 'PALS 2020 (preschool, school-age)',
  },
  adolescent: { low: 12, high: 20, criticalBelow: 8, criticalFrom: 31, source: 'PALS 2020 (adolescent)' },
  adult: {
    low: 12,
    high: 20,
    criticalBelow: 9,
    criticalFrom: 25,
    source: 'adult 12-20; NEWS2 2017 critical',
  },
};

/**
 * Body temperature, Cel, every age: normal 36.0-37.9; fever from 38.0 (100.4 °F); hypothermia below 35.0
 * (LL). HH: newborns from 38.0 (AAP 2021 febrile infant guideline: any fever in the first weeks needs a
 * same-day evaluation), otherwise from 40.0 (medassist's choice: high fever).
 */
function temperatureRange(group: AgeGroup): Range {
  return group === 'newborn'
    ? { low: 36.0, high: 37.9, criticalBelow: 35.0, criticalFrom: 38.0, source: 'AAP 2021 febrile infant' }
    : { low: 36.0, high: 37.9, criticalBelow: 35.0, criticalFrom: 40.0, source: 'fever >= 38.0 Cel' };
}

/** SpO2, %, every age: normal from 95; critical below 90 (issue 6; also the NEWS2 scale 1 red band <= 91). */
const OXYGEN_SATURATION: Range = { low: 95, criticalBelow: 90, source: 'normal >= 95%, critical < 90%' };

/**
 * AAP 2017 Clinical Practice Guideline (Flynn et al., Pediatrics 2017;140:e20171904), Table 6, "Screening BP
 * values requiring further evaluation" (about the 90th percentile at the 5th height percentile), by age in
 * whole years 1-12: [boys systolic, boys diastolic, girls systolic, girls diastolic]. From 13 years 120/80.
 */
const AAP_2017_SCREENING: Record<number, [number, number, number, number]> = {
  1: [98, 52, 98, 54],
  2: [100, 55, 101, 58],
  3: [101, 58, 102, 60],
  4: [102, 60, 103, 62],
  5: [103, 63, 104, 64],
  6: [105, 66, 105, 67],
  7: [106, 68, 106, 68],
  8: [107, 69, 107, 69],
  9: [107, 70, 108, 71],
  10: [108, 72, 109, 72],
  11: [110, 74, 111, 74],
  12: [113, 75, 114, 75],
};

/**
 * Blood pressure, mm[Hg].
 * - Adults: ACC/AHA 2017: normal systolic < 120, elevated 120-129, stage 1 from 130 (H from 130, diastolic
 *   from 80); hypertensive crisis >= 180 / >= 120 (HH, issue 6); hypotension below 90 systolic (L), LL below
 *   80 (medassist's choice).
 * - 1-12 years: H from the AAP 2017 screening value for age and sex (the lower of the two when the sex is
 *   unknown); HH from 30 mm[Hg] above it plus 5 (AAP 2017 sends a child > 30 above the 95th percentile to
 *   emergency care; the 95th is about 5 above the screening value: an approximation); L below the PALS
 *   normal band, LL below PALS hypotension 70 + 2 x age in years.
 * - 13-17 years: AAP 2017 adolescent cut-offs as adults (120/80; emergency >= 180/120); L/LL as adults but
 *   LL below 90 (PALS hypotension from 10 years).
 * - Under 1 year: PALS 2020 normal systolic (neonate 67-84, 4 days 75-94 merged; infant 72-104); LL below the
 *   PALS hypotension (< 60 newborn, < 70 infant); HH medassist's choice (newborn from 110, infant from 130).
 *   Diastolic under 1 year: PALS 2020 (neonate 35-62 merged, infant 37-56), no critical limit.
 */
export function bloodPressureRange(
  component: 'systolic' | 'diastolic',
  ageDays: number | undefined,
  sex: Sex | undefined
): Range {
  const group = ageGroupOf(ageDays);
  const years = ageDays === undefined ? 99 : Math.floor(ageDays / 365.25);
  if (group === 'adult') {
    return component === 'systolic'
      ? { low: 90, high: 129, criticalBelow: 80, criticalFrom: 180, source: 'ACC/AHA 2017' }
      : { low: 60, high: 79, criticalBelow: 40, criticalFrom: 120, source: 'ACC/AHA 2017' };
  }
  if (group === 'newborn') {
    return component === 'systolic'
      ? { low: 67, high: 94, criticalBelow: 60, criticalFrom: 110, source: 'PALS 2020 (neonate)' }
      : { low: 35, high: 62, source: 'PALS 2020 (neonate)' };
  }
  if (group === 'infant') {
    return component === 'systolic'
      ? { low: 72, high: 104, criticalBelow: 70, criticalFrom: 130, source: 'PALS 2020 (infant)' }
      : { low: 37, high: 56, source: 'PALS 2020 (infant)' };
  }
  if (years >= 13) {
    return component === 'systolic'
      ? { low: 90, high: 119, criticalBelow: 90, criticalFrom: 180, source: 'AAP 2017 (13 years and over)' }
      : { low: 60, high: 79, criticalBelow: 40, criticalFrom: 120, source: 'AAP 2017 (13 years and over)' };
  }
  const row = AAP_2017_SCREENING[Math.min(12, Math.max(1, years))];
  const screening =
    component === 'systolic'
      ? sex === 'male'
        ? row[0]
        : sex === 'female'
          ? row[2]
          : Math.min(row[0], row[2])
      : sex === 'male'
        ? row[1]
        : sex === 'female'
          ? row[3]
          : Math.min(row[1], row[3]);
  const source = `AAP 2017 screening table (${years} y${sex ? `, ${sex}` : ''})`;
  if (component === 'systolic') {
    // PALS 2020 normal systolic lower limits: toddler 86, preschool 89, school-age 97.
    const low = years < 3 ? 86 : years < 6 ? 89 : 97;
    const hypotension = years >= 10 ? 90 : 70 + 2 * years;
    return { low, high: screening - 1, criticalBelow: hypotension, criticalFrom: screening + 35, source };
  }
  return { low: 40, high: screening - 1, criticalFrom: screening + 35, source };
}

/** The range of a sign at an age (and sex, for children's blood pressure). */
export function rangeOf(sign: RangedSign, ageDays: number | undefined, sex: Sex | undefined): Range {
  const group = ageGroupOf(ageDays);
  switch (sign) {
    case 'heartRate':
      return HEART_RATE[group];
    case 'respiratoryRate':
      return RESPIRATORY_RATE[group];
    case 'temperature':
      return temperatureRange(group);
    case 'oxygenSaturation':
      return OXYGEN_SATURATION;
    case 'systolic':
    case 'diastolic':
      return bloodPressureRange(sign, ageDays, sex);
  }
}

/** The flag a value earns in a range: critical limits first, then the normal limits. */
export function flagOf(value: number, range: Range): Flag {
  if (range.criticalBelow !== undefined && value < range.criticalBelow) return 'LL';
  if (range.criticalFrom !== undefined && value >= range.criticalFrom) return 'HH';
  if (range.low !== undefined && value < range.low) return 'L';
  if (range.high !== undefined && value > range.high) return 'H';
  return 'N';
}

/** Whether a flag is critical (asks for a repeat reading and an urgent notice to the provider). */
export function isCritical(flag: Flag): boolean {
  return flag === 'HH' || flag === 'LL';
}

/** The worse of two flags (a blood pressure's flag is its worse component's). */
export function worseFlag(a: Flag, b: Flag): Flag {
  const rank: Record<Flag, number> = { N: 0, L: 1, H: 1, LL: 2, HH: 2 };
  return rank[b] > rank[a] ? b : a;
}
