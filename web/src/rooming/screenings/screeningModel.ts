/**
 * Pure helpers of the screenings panel: the form read from a FHIR Questionnaire (served by
 * GET /api/rooming/questionnaires/:id, docs/rooming/screenings.md), the live score from the answers'
 * ordinalValue extensions, and whether pregnancy status applies. The cut-offs and bands stay on the server
 * (src/clinic/rooming/screenings/scoring.ts): the panel shows the live sum, the server says the band.
 */
import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';

export const ORDINAL_VALUE_URL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';

export interface FormOption {
  code: string;
  label: string;
  points?: number;
}

export interface FormQuestion {
  linkId: string;
  text: string;
  required: boolean;
  repeats: boolean;
  options: FormOption[];
}

export interface ScreeningForm {
  title: string;
  preamble?: string;
  questions: FormQuestion[];
  /** The highest possible live score (sum of each scored question's top points); 0 when unscored. */
  max: number;
}

/** linkId -> answer code (a list for a question that repeats). */
export type FormAnswers = Record<string, string | string[]>;

function question(item: QuestionnaireItem): FormQuestion {
  return {
    linkId: item.linkId,
    text: item.text ?? item.linkId,
    required: item.required === true,
    repeats: item.repeats === true,
    options: (item.answerOption ?? []).flatMap((option) => {
      const coding = option.valueCoding;
      if (!coding?.code) return [];
      const points = option.extension?.find((e) => e.url === ORDINAL_VALUE_URL)?.valueDecimal;
      return [
        {
          code: coding.code,
          label: coding.display ?? coding.code,
          ...(points === undefined ? {} : { points }),
        },
      ];
    }),
  };
}

/** The form of a Questionnaire: its choice questions in order, the display item as the preamble. */
export function formOf(questionnaire: Questionnaire): ScreeningForm {
  const items = questionnaire.item ?? [];
  const questions = items.filter((i) => i.type === 'choice').map(question);
  const max = questions.reduce((sum, q) => {
    const top = Math.max(...q.options.map((o) => o.points ?? Number.NEGATIVE_INFINITY));
    return Number.isFinite(top) ? sum + top : sum;
  }, 0);
  return {
    title: questionnaire.title ?? questionnaire.name ?? '',
    preamble: items.find((i) => i.type === 'display')?.text,
    questions,
    max,
  };
}

/** The sum of the chosen answers' points (unanswered questions count 0). */
export function liveScore(form: ScreeningForm, answers: FormAnswers): number {
  let total = 0;
  for (const q of form.questions) {
    const given = answers[q.linkId];
    for (const code of Array.isArray(given) ? given : given ? [given] : []) {
      total += q.options.find((o) => o.code === code)?.points ?? 0;
    }
  }
  return total;
}

/** The required questions not answered yet, in order (the Save button says how many are left). */
export function unanswered(form: ScreeningForm, answers: FormAnswers): FormQuestion[] {
  return form.questions.filter((q) => {
    const given = answers[q.linkId];
    return (
      q.required && (given === undefined || given === '' || (Array.isArray(given) && given.length === 0))
    );
  });
}

/** Whether the form is scored (its answers carry points). */
export function isScored(form: ScreeningForm): boolean {
  return form.max > 0;
}

/**
 * Tobacco use is asked from 12 years (144 months; the due rule of src/clinic/rooming/screenings/due.ts and the
 * checklist), or when the age is unknown.
 */
export function tobaccoApplies(ageMonths: number | undefined): boolean {
  return ageMonths === undefined || ageMonths >= 144;
}

/**
 * Pregnancy status applies to a patient who is not male, aged 12 to 50 (src/clinic/rooming/model.ts
 * checklist rule); age in months as the rooming screen gives it (12 y = 144 mo, 51 y = 612 mo).
 */
export function pregnancyApplies(gender: string | undefined, ageMonths: number | undefined): boolean {
  if (gender === 'male' || ageMonths === undefined) return false;
  return ageMonths >= 144 && ageMonths < 612;
}

/**
 * The words before the live sum. The social-needs screen's points are its safety questions' (AHC: 11 or more
 * of 20 is positive); its result is the number of needs, which only the server works out.
 */
export function scoreLabel(screening: string): string {
  return screening === 'social-needs' ? 'Safety score' : 'Score';
}

/** "Save PHQ-2": the button of a screening. */
export function saveLabel(title: string): string {
  return `Save ${title}`;
}

/** The result line: "4 of 6, positive" / "Former smoker". */
export function resultText(result: { score?: number; max?: number; band?: string }): string {
  if (result.score === undefined) return result.band ?? 'recorded';
  const of = result.max !== undefined ? ` of ${result.max}` : '';
  return result.band ? `${result.score}${of}, ${result.band}` : `${result.score}${of}`;
}
