import { badRequest } from '../../../fhir/outcome.js';
import {
  SCREENINGS,
  STATUS_LABELS,
  type AnswerOption,
  type ScreeningDefinition,
  type ScreeningId,
} from './questionnaires.js';

/**
 * Pure scoring of the screenings with the published cut-offs (docs/rooming/screenings.md "Cut-offs"):
 * - PHQ-2 (Kroenke 2003): sum 0-6, >= 3 positive, and then the PHQ-9 follows.
 * - PHQ-9 (Kroenke 2001): sum 0-27; 0-4 none-minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe,
 *   20-27 severe; >= 10 positive; item 9 (44260-8) above 0 is positive and urgent whatever the sum.
 * - GAD-7 (Spitzer 2006): sum 0-21; 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe; >= 10 positive.
 * - Fall risk, STEADI Stay Independent (CDC): sum 0-14, >= 4 at risk.
 * - Social needs, AHC HRSN (CMS 2021 guide): a domain is positive when living situation is not steady or
 *   any housing problem is named; food: either question "often" or "sometimes true"; transportation: yes;
 *   utilities: yes or already shut off; safety: the four answers (1-5 each) sum to >= 11. The score is the
 *   number of positive domains (0-5).
 */

/** What the API takes: linkId -> answer code (a list for items that repeat). */
export type Answers = Record<string, string | string[]>;

export interface HrsnDomain {
  domain: 'living situation' | 'food' | 'transportation' | 'utilities' | 'safety';
  positive: boolean;
}

export interface ScreeningResult {
  /** The total (score instruments); absent for status records. */
  score?: number;
  /** The highest possible score. */
  max?: number;
  /** The band in words: "moderate", "at risk", "Former smoker". */
  band: string;
  positive: boolean;
  /** Needs the provider now (PHQ-9 item 9 above 0). */
  urgent: boolean;
  /** The screening that follows (PHQ-2 positive -> PHQ-9). */
  next?: 'phq-9';
  /** The coded answer of a status record (tobacco, pregnancy). */
  value?: AnswerOption;
  /** AHC HRSN domains. */
  domains?: HrsnDomain[];
  /** AHC HRSN safety total (4-20), when answered. */
  safetyScore?: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the answers against the instrument: every required item answered with one of its codes (a list
 * only where the item repeats), no unknown linkIds. A 400 names the first failing item (`answers.<linkId>`).
 */
export function parseAnswers(def: ScreeningDefinition, raw: unknown): Answers {
  if (!isObject(raw)) {
    throw badRequest('answers must be an object of linkId: answer code', 'answers');
  }
  const known = new Map(def.items.map((item) => [item.linkId, item]));
  for (const linkId of Object.keys(raw)) {
    if (!known.has(linkId)) {
      throw badRequest(`${linkId} is not a question of ${def.title}`, `answers.${linkId}`);
    }
  }
  const answers: Answers = {};
  for (const item of def.items) {
    const value = raw[item.linkId];
    const where = `answers.${item.linkId}`;
    if (
      value === undefined ||
      value === null ||
      value === '' ||
      (Array.isArray(value) && value.length === 0)
    ) {
      if (item.required) {
        throw badRequest(`answer "${item.text}" (${item.linkId})`, where);
      }
      continue;
    }
    const codes = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && !item.repeats) {
      throw badRequest(`${item.linkId} takes one answer`, where);
    }
    for (const code of codes) {
      if (typeof code !== 'string' || !item.options.some((o) => o.code === code)) {
        throw badRequest(
          `${item.linkId}: the answer must be one of ${item.options.map((o) => o.code).join(', ')}`,
          where
        );
      }
    }
    if (item.repeats) {
      const unique = [...new Set(codes as string[])];
      if (unique.includes('LA9-3') && unique.length > 1) {
        throw badRequest(`${item.linkId}: "None of the above" cannot go with a problem`, where);
      }
      answers[item.linkId] = unique;
    } else {
      answers[item.linkId] = codes[0] as string;
    }
  }
  return answers;
}

/** The answer option chosen for an item (single-answer items). */
function chosen(def: ScreeningDefinition, answers: Answers, linkId: string): AnswerOption | undefined {
  const code = answers[linkId];
  const item = def.items.find((i) => i.linkId === linkId);
  return typeof code === 'string' ? item?.options.find((o) => o.code === code) : undefined;
}

/** Points of the scored items (missing answers count 0: parseAnswers has already refused them). */
export function pointsOf(def: ScreeningDefinition, answers: Answers): Record<string, number> {
  const points: Record<string, number> = {};
  for (const item of def.items.filter((i) => i.scored)) {
    points[item.linkId] = chosen(def, answers, item.linkId)?.points ?? 0;
  }
  return points;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

export function phq2Result(total: number): ScreeningResult {
  const positive = total >= 3;
  return {
    score: total,
    max: 6,
    band: positive ? 'positive' : 'negative',
    positive,
    urgent: false,
    ...(positive ? { next: 'phq-9' as const } : {}),
  };
}

export function phq9Band(total: number): string {
  if (total >= 20) return 'severe';
  if (total >= 15) return 'moderately severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'none-minimal';
}

export function phq9Result(total: number, item9: number): ScreeningResult {
  const urgent = item9 > 0;
  return { score: total, max: 27, band: phq9Band(total), positive: total >= 10 || urgent, urgent };
}

export function gad7Band(total: number): string {
  if (total >= 15) return 'severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

export function gad7Result(total: number): ScreeningResult {
  return { score: total, max: 21, band: gad7Band(total), positive: total >= 10, urgent: false };
}

export function fallRiskResult(total: number): ScreeningResult {
  const positive = total >= 4;
  return { score: total, max: 14, band: positive ? 'at risk' : 'not at risk', positive, urgent: false };
}

export function hrsnResult(answers: Answers): ScreeningResult {
  const one = (linkId: string): string | undefined =>
    typeof answers[linkId] === 'string' ? answers[linkId] : undefined;
  const problems = answers['96778-6'];
  const housingProblems = Array.isArray(problems) && problems.some((code) => code !== 'LA9-3');
  const living = one('71802-3');
  const foodPositive = (code: string | undefined) => code === 'LA28397-0' || code === 'LA6729-3';
  const utilities = one('96779-4');
  const safetyCodes = ['95618-5', '95617-7', '95616-9', '95615-1'];
  const def = SCREENINGS['social-needs'];
  const safetyAnswered = safetyCodes.every((c) => one(c) !== undefined);
  const safetyScore = safetyAnswered
    ? sum(safetyCodes.map((c) => chosen(def, answers, c)?.points ?? 0))
    : undefined;
  const domains: HrsnDomain[] = [
    {
      domain: 'living situation',
      positive: living === 'LA31994-9' || living === 'LA31995-6' || housingProblems,
    },
    { domain: 'food', positive: foodPositive(one('88122-7')) || foodPositive(one('88123-5')) },
    { domain: 'transportation', positive: one('93030-5') === 'LA33-6' },
    { domain: 'utilities', positive: utilities === 'LA33-6' || utilities === 'LA32002-0' },
    { domain: 'safety', positive: safetyScore !== undefined && safetyScore >= 11 },
  ];
  const needs = domains.filter((d) => d.positive).map((d) => d.domain);
  return {
    score: needs.length,
    max: domains.length,
    band: needs.length === 0 ? 'no needs identified' : `needs: ${needs.join(', ')}`,
    positive: needs.length > 0,
    urgent: false,
    domains,
    ...(safetyScore === undefined ? {} : { safetyScore }),
  };
}

/** Scores validated answers (parseAnswers) of a screening. */
export function scoreScreening(id: ScreeningId, answers: Answers): ScreeningResult {
  const def = SCREENINGS[id];
  const points = pointsOf(def, answers);
  const total = sum(Object.values(points));
  switch (id) {
    case 'phq-2':
      return phq2Result(total);
    case 'phq-9':
      return phq9Result(total, points['44260-8'] ?? 0);
    case 'gad-7':
      return gad7Result(total);
    case 'fall-risk':
      return fallRiskResult(total);
    case 'social-needs':
      return hrsnResult(answers);
    case 'tobacco':
    case 'pregnancy': {
      const value = chosen(def, answers, def.items[0].linkId);
      return {
        band: value ? (STATUS_LABELS[value.code] ?? value.display) : 'not recorded',
        positive: false,
        urgent: false,
        value,
      };
    }
  }
}
