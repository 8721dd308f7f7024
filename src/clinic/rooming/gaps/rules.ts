/**
 * Care gaps: five simple rules over a patient's data, written out in docs/rooming/intake.md so a clinic can
 * check them by hand. Pure functions over dates (YYYY-MM-DD, the day the gaps are computed for): the huddle
 * sheet computes them for the visit's day, the rooming screen for today.
 *
 * Date arithmetic is by calendar: "12 months before 2026-03-31" is 2025-03-31, and a day that does not exist
 * in the target month falls back to that month's last day ("6 months before 2026-08-31" is 2026-02-28).
 * A record dated exactly on the cut-off day still counts (it is not *older than* the window). Records are
 * dated by the clinic's calendar: an instant is the local day it fell on in the clinic's zone (dayOf).
 */
import { SYSTEM } from '../../demo/codes.js';
import { addMonths, localDate } from '../../flow/visit.js';

export const GAP_IDS = [
  'blood-pressure',
  'hba1c',
  'flu-vaccine',
  'colorectal-screening',
  'depression-screening',
] as const;
export type GapId = (typeof GAP_IDS)[number];

/** LOINC: blood pressure panel (STANDARDS.md). */
export const BP_LOINC = ['85354-9'];
/** LOINC: hemoglobin A1c/Hemoglobin.total in Blood (4548-4), and by HPLC (17856-6). */
export const HBA1C_LOINC = ['4548-4', '17856-6'];
/** LOINC: PHQ-2 (55757-9) and PHQ-9 (44249-1) panels, and their total scores (55758-7, 44261-6). */
export const DEPRESSION_SCREEN_LOINC = ['55757-9', '44249-1', '55758-7', '44261-6'];
/**
 * LOINC: fecal occult blood tests, guaiac and immunochemical (FOBT/FIT), as listed in the CMS130 (colorectal
 * cancer screening) value set "Fecal Occult Blood Test (FOBT)".
 */
export const FOBT_LOINC = [
  '2335-8',
  '12503-9',
  '12504-7',
  '14563-1',
  '14564-9',
  '14565-6',
  '27396-1',
  '27401-9',
  '27925-7',
  '27926-5',
  '29771-3',
  '56490-6',
  '56491-4',
  '57905-2',
  '58453-2',
  '80372-6',
];
/** LOINC: multitarget stool DNA (FIT-DNA), CMS130 value set "FIT DNA". */
export const STOOL_DNA_LOINC = ['77353-1', '77354-9'];
/** SNOMED CT 73761001 "Colonoscopy" (a Procedure). */
export const COLONOSCOPY_SNOMED = ['73761001'];
/** SNOMED CT 44054006 "Diabetes mellitus type 2"; ICD-10-CM E11.* (type 2 diabetes). */
export const DIABETES_SNOMED = ['44054006'];
export const DIABETES_ICD10_PREFIX = 'E11';
/**
 * CVX codes of influenza vaccines (CDC CVX table): 88 unspecified; 15, 16 older split / whole virus; 111,
 * 149, 151 live attenuated; 135, 197 high dose; 140, 141, 150, 158, 161 inactivated (IIV3/IIV4, with or
 * without preservative); 144, 166 intradermal; 153, 171, 186 cell culture; 155, 185 recombinant; 168, 205
 * adjuvanted.
 */
export const FLU_CVX = [
  '15',
  '16',
  '88',
  '111',
  '135',
  '140',
  '141',
  '144',
  '149',
  '150',
  '151',
  '153',
  '155',
  '158',
  '161',
  '166',
  '168',
  '171',
  '185',
  '186',
  '197',
  '205',
];

export interface CodeRef {
  system?: string;
  code: string;
}

/** What the rules read about one patient (see facts.ts for how it is loaded from the store). */
export interface GapFacts {
  birthDate?: string;
  /** Active, not refuted or entered-in-error, problems. */
  conditions: { codes: CodeRef[] }[];
  /** Observations with a LOINC code, by their effective day. */
  observations: { code: string; date: string }[];
  /** Completed Immunizations by CVX code. */
  immunizations: { cvx: string; date: string }[];
  /** Completed Procedures (SNOMED CT). */
  procedures: { code: string; date: string }[];
}

export interface CareGap {
  id: GapId;
  title: string;
  /** Why it is due, with the dates the rule used. */
  why: string;
  /** The rule, in words. */
  rule: string;
  /** The newest record the rule found, if any (YYYY-MM-DD). */
  lastDone?: string;
}

export const GAP_RULES: Record<GapId, { title: string; rule: string }> = {
  'blood-pressure': {
    title: 'Blood pressure',
    rule: 'Ages 3 and over: a blood pressure (LOINC 85354-9) at least once in the last 12 months.',
  },
  hba1c: {
    title: 'HbA1c',
    rule:
      'Patients with type 2 diabetes (an active problem SNOMED CT 44054006 or ICD-10-CM E11.*): an HbA1c ' +
      '(LOINC 4548-4 or 17856-6) no older than 6 months.',
  },
  'flu-vaccine': {
    title: 'Flu vaccine',
    rule:
      'In flu season (August 1 to March 31), ages 6 months and over: an influenza vaccine (CVX ' +
      `${FLU_CVX.join(', ')}) given since August 1 of the season.`,
  },
  'colorectal-screening': {
    title: 'Colorectal cancer screening',
    rule:
      'Ages 45 to 75: a colonoscopy (SNOMED CT 73761001) in the last 10 years, or a stool DNA test (LOINC ' +
      '77353-1, 77354-9) in the last 3 years, or a FOBT/FIT (LOINC 2335-8, 29771-3, 57905-2 and the other ' +
      'CMS130 FOBT codes) in the last year.',
  },
  'depression-screening': {
    title: 'Depression screening',
    rule: 'Ages 12 and over: a PHQ-2 or PHQ-9 (LOINC 55757-9, 44249-1, or their total scores 55758-7, 44261-6) in the last 12 months.',
  },
};

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export { addMonths };

/** Whole years of age on `date` (the birthday itself counts). Partial birth dates take the first day. */
export function ageOn(birthDate: string | undefined, date: string): number | undefined {
  if (!birthDate) return undefined;
  const [by, bm = 1, bd = 1] = birthDate.split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  if (!by || !y) return undefined;
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The first day of the flu season `date` is in, or undefined from April 1 to July 31. */
export function fluSeasonStart(date: string): string | undefined {
  const [y, m] = date.split('-').map(Number);
  if (m >= 8) return `${y}-08-01`;
  if (m <= 3) return `${y - 1}-08-01`;
  return undefined;
}

function newest(dates: string[]): string | undefined {
  return dates
    .filter((d) => DATE_RE.test(d))
    .sort()
    .at(-1);
}

/**
 * The clinic's calendar day of a FHIR date or dateTime. A date stays as it is (partial dates take the first
 * day); a dateTime is an instant, dated in the clinic's zone: a blood pressure taken 2026-03-03T19:30-06:00
 * (stored as 2026-03-04T01:30:00Z) was taken on 2026-03-03 in Chicago, not on UTC's 2026-03-04.
 */
export function dayOf(value: string | undefined, timeZone: string): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}$/.test(value)) return `${value}-01-01`;
  if (/^\d{4}-\d{2}$/.test(value)) return `${value}-01`;
  if (DATE_RE.test(value)) return value;
  const day = value.slice(0, 10);
  if (!DATE_RE.test(day)) return undefined;
  // FHIR dateTimes with a time carry their offset; one without (not valid FHIR) keeps its written day.
  if (!/T.*(Z|[+-]\d{2}:\d{2})$/.test(value)) return day;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : localDate(instant, timeZone);
}

export function hasDiabetes(facts: GapFacts): boolean {
  return facts.conditions.some((c) =>
    c.codes.some(
      (k) =>
        ((k.system === undefined || k.system === SYSTEM.snomed) && DIABETES_SNOMED.includes(k.code)) ||
        ((k.system === undefined || k.system === SYSTEM.icd10cm) &&
          (k.code === DIABETES_ICD10_PREFIX || k.code.startsWith(`${DIABETES_ICD10_PREFIX}.`)))
    )
  );
}

function gap(id: GapId, why: string, lastDone?: string): CareGap {
  return { id, title: GAP_RULES[id].title, why, rule: GAP_RULES[id].rule, ...(lastDone ? { lastDone } : {}) };
}

const observed = (facts: GapFacts, codes: readonly string[]): string | undefined =>
  newest(facts.observations.filter((o) => codes.includes(o.code)).map((o) => o.date));

/** The care gaps of a patient on `today` (YYYY-MM-DD), in the order of GAP_IDS. */
export function careGaps(facts: GapFacts, today: string): CareGap[] {
  const gaps: CareGap[] = [];
  const age = ageOn(facts.birthDate, today);
  const ageMonths =
    facts.birthDate && age !== undefined
      ? (() => {
          // Whole months of age: the 6-month birthday is the day addMonths(birth, 6) says.
          let months = age * 12;
          while (addMonths(facts.birthDate, months + 1) <= today) months++;
          return months;
        })()
      : undefined;

  if (age !== undefined && age >= 3) {
    const since = addMonths(today, -12);
    const last = observed(facts, BP_LOINC);
    if (!last || last < since) {
      gaps.push(
        gap(
          'blood-pressure',
          last
            ? `Last blood pressure ${last}, before ${since} (12 months ago)`
            : 'No blood pressure on record',
          last
        )
      );
    }
  }

  if (hasDiabetes(facts)) {
    const since = addMonths(today, -6);
    const last = observed(facts, HBA1C_LOINC);
    if (!last || last < since) {
      gaps.push(
        gap(
          'hba1c',
          last
            ? `Type 2 diabetes; last HbA1c ${last}, before ${since} (6 months ago)`
            : 'Type 2 diabetes; no HbA1c on record',
          last
        )
      );
    }
  }

  const season = fluSeasonStart(today);
  if (season && ageMonths !== undefined && ageMonths >= 6) {
    const last = newest(facts.immunizations.filter((i) => FLU_CVX.includes(i.cvx)).map((i) => i.date));
    if (!last || last < season) {
      gaps.push(
        gap(
          'flu-vaccine',
          last
            ? `Flu season since ${season}; last flu vaccine ${last}`
            : `Flu season since ${season}; no flu vaccine on record`,
          last
        )
      );
    }
  }

  if (age !== undefined && age >= 45 && age <= 75) {
    const colonoscopy = newest(
      facts.procedures.filter((p) => COLONOSCOPY_SNOMED.includes(p.code)).map((p) => p.date)
    );
    const dna = observed(facts, STOOL_DNA_LOINC);
    const fobt = observed(facts, FOBT_LOINC);
    const covered =
      (colonoscopy !== undefined && colonoscopy >= addMonths(today, -120)) ||
      (dna !== undefined && dna >= addMonths(today, -36)) ||
      (fobt !== undefined && fobt >= addMonths(today, -12));
    if (!covered) {
      const seen = [
        colonoscopy ? `colonoscopy ${colonoscopy}` : undefined,
        dna ? `stool DNA ${dna}` : undefined,
        fobt ? `FOBT/FIT ${fobt}` : undefined,
      ].filter(Boolean);
      gaps.push(
        gap(
          'colorectal-screening',
          `Age ${age}; ${seen.length > 0 ? `last ${seen.join(', ')}: out of date` : 'no colorectal screening on record'}`,
          newest([colonoscopy, dna, fobt].filter((d): d is string => d !== undefined))
        )
      );
    }
  }

  if (age !== undefined && age >= 12) {
    const since = addMonths(today, -12);
    const last = observed(facts, DEPRESSION_SCREEN_LOINC);
    if (!last || last < since) {
      gaps.push(
        gap(
          'depression-screening',
          last ? `Last PHQ-2/PHQ-9 ${last}, before ${since} (12 months ago)` : 'No PHQ-2/PHQ-9 on record',
          last
        )
      );
    }
  }
  return gaps;
}
