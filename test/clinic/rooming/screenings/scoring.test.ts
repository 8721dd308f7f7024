import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../../../src/fhir/definitions.js';
import { OutcomeError } from '../../../../src/fhir/outcome.js';
import { validateForWrite } from '../../../../src/fhir/validate.js';
import {
  SCREENINGS,
  questionnaireOf,
  SCREENING_IDS,
} from '../../../../src/clinic/rooming/screenings/questionnaires.js';
import {
  fallRiskResult,
  gad7Result,
  hrsnResult,
  parseAnswers,
  phq2Result,
  phq9Result,
  scoreScreening,
  type Answers,
} from '../../../../src/clinic/rooming/screenings/scoring.js';

// LOINC answer codes of the PHQ/GAD frequency list: 0 Not at all, 1 Several days, 2 More than half, 3 Nearly every day.
const F = ['LA6568-5', 'LA6569-3', 'LA6570-1', 'LA6571-9'];
const PHQ9 = [
  '44250-9',
  '44255-8',
  '44259-0',
  '44254-1',
  '44251-7',
  '44258-2',
  '44252-5',
  '44253-3',
  '44260-8',
];
const GAD7 = ['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'];

/** Answers giving each linkId the frequency points listed. */
const freq = (linkIds: string[], points: number[]): Answers =>
  Object.fromEntries(linkIds.map((id, i) => [id, F[points[i]]]));

function fails(fn: () => unknown): { status: number; expression?: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OutcomeError);
    const e = err as OutcomeError;
    return { status: e.status, expression: e.outcome.issue?.[0]?.expression?.[0] };
  }
  throw new Error('expected a failure');
}

describe('PHQ-2: sum 0-6, >= 3 positive and the PHQ-9 follows', () => {
  it('cut-off at 3', () => {
    expect(phq2Result(2)).toMatchObject({ score: 2, band: 'negative', positive: false });
    expect(phq2Result(2).next).toBeUndefined();
    expect(phq2Result(3)).toMatchObject({ score: 3, band: 'positive', positive: true, next: 'phq-9' });
  });
  it('scores from the answers: Several days (1) + More than half the days (2) = 3', () => {
    const answers = parseAnswers(SCREENINGS['phq-2'], { '44250-9': F[1], '44255-8': F[2] });
    expect(scoreScreening('phq-2', answers)).toMatchObject({ score: 3, positive: true, next: 'phq-9' });
  });
  it('all "Nearly every day" = 3 + 3 = 6 (the maximum)', () => {
    expect(scoreScreening('phq-2', freq(['44250-9', '44255-8'], [3, 3])).score).toBe(6);
  });
});

describe('PHQ-9: sum 0-27, bands 0-4 / 5-9 / 10-14 / 15-19 / 20-27, item 9 > 0 urgent', () => {
  it('every band edge', () => {
    const cases: [number, string][] = [
      [0, 'none-minimal'],
      [4, 'none-minimal'],
      [5, 'mild'],
      [9, 'mild'],
      [10, 'moderate'],
      [14, 'moderate'],
      [15, 'moderately severe'],
      [19, 'moderately severe'],
      [20, 'severe'],
      [27, 'severe'],
    ];
    for (const [total, band] of cases) {
      expect(phq9Result(total, 0).band, `total ${total}`).toBe(band);
      expect(phq9Result(total, 0).positive, `total ${total}`).toBe(total >= 10);
    }
  });
  it('item 9 above 0 is positive and urgent even when the total is low', () => {
    // items 1-8 "Not at all" (0), item 9 "Several days" (1): total 1, none-minimal, but urgent.
    const answers = freq(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(scoreScreening('phq-9', answers)).toMatchObject({
      score: 1,
      band: 'none-minimal',
      positive: true,
      urgent: true,
    });
  });
  it('a hand-worked 13: 2+2+1+2+1+1+2+2+0 = 13, moderate, not urgent', () => {
    const answers = freq(PHQ9, [2, 2, 1, 2, 1, 1, 2, 2, 0]);
    expect(scoreScreening('phq-9', answers)).toMatchObject({
      score: 13,
      band: 'moderate',
      positive: true,
      urgent: false,
    });
  });
  it('the difficulty item (69722-7) is optional and never scored', () => {
    const answers = parseAnswers(SCREENINGS['phq-9'], {
      ...freq(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 3]),
      '69722-7': 'LA6574-3',
    });
    expect(scoreScreening('phq-9', answers).score).toBe(27);
    expect(() => parseAnswers(SCREENINGS['phq-9'], freq(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 0]))).not.toThrow();
  });
});

describe('GAD-7: sum 0-21, bands 0-4 / 5-9 / 10-14 / 15-21, >= 10 positive', () => {
  it('every band edge', () => {
    const cases: [number, string, boolean][] = [
      [0, 'minimal', false],
      [4, 'minimal', false],
      [5, 'mild', false],
      [9, 'mild', false],
      [10, 'moderate', true],
      [14, 'moderate', true],
      [15, 'severe', true],
      [21, 'severe', true],
    ];
    for (const [total, band, positive] of cases) {
      expect(gad7Result(total), `total ${total}`).toMatchObject({ band, positive });
    }
  });
  it('from answers: 1+1+2+2+1+2+1 = 10, moderate, positive', () => {
    expect(scoreScreening('gad-7', freq(GAD7, [1, 1, 2, 2, 1, 2, 1]))).toMatchObject({
      score: 10,
      band: 'moderate',
      positive: true,
    });
  });
});

describe('Fall risk (STEADI Stay Independent): yes = 2 points for questions 1-2, 1 for 3-12; >= 4 at risk', () => {
  const all = (yes: number[]): Answers =>
    Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`steadi-${i + 1}`, yes.includes(i + 1) ? 'LA33-6' : 'LA32-8'])
    );
  it('cut-off at 4', () => {
    expect(fallRiskResult(3)).toMatchObject({ band: 'not at risk', positive: false });
    expect(fallRiskResult(4)).toMatchObject({ band: 'at risk', positive: true });
  });
  it('fallen (2) + unsteady (1) = 3: not at risk; + worried (1) = 4: at risk', () => {
    expect(scoreScreening('fall-risk', all([1, 3]))).toMatchObject({ score: 3, positive: false });
    expect(scoreScreening('fall-risk', all([1, 3, 5]))).toMatchObject({ score: 4, positive: true });
  });
  it('cane (2) + fallen (2) = 4 from two answers', () => {
    expect(scoreScreening('fall-risk', all([1, 2])).score).toBe(4);
  });
  it('every yes: 2 + 2 + 10 x 1 = 14', () => {
    expect(scoreScreening('fall-risk', all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).score).toBe(14);
  });
});

describe('Social needs (AHC HRSN)', () => {
  const none: Answers = {
    '71802-3': 'LA31993-1',
    '96778-6': ['LA9-3'],
    '88122-7': 'LA28398-8',
    '88123-5': 'LA28398-8',
    '93030-5': 'LA32-8',
    '96779-4': 'LA32-8',
    '95618-5': 'LA6270-8',
    '95617-7': 'LA6270-8',
    '95616-9': 'LA6270-8',
    '95615-1': 'LA6270-8',
  };
  it('no needs: score 0, safety 1+1+1+1 = 4', () => {
    expect(hrsnResult(none)).toMatchObject({
      score: 0,
      positive: false,
      safetyScore: 4,
      band: 'no needs identified',
    });
  });
  it('food "Sometimes true" on one question is positive', () => {
    const r = hrsnResult({ ...none, '88123-5': 'LA6729-3' });
    expect(r).toMatchObject({ score: 1, positive: true, band: 'needs: food' });
  });
  it('worried about losing housing, or a housing problem, is positive', () => {
    expect(hrsnResult({ ...none, '71802-3': 'LA31994-9' }).score).toBe(1);
    expect(hrsnResult({ ...none, '96778-6': ['LA28580-1'] }).score).toBe(1);
  });
  it('utilities already shut off and transportation yes: two domains', () => {
    const r = hrsnResult({ ...none, '96779-4': 'LA32002-0', '93030-5': 'LA33-6' });
    expect(r.score).toBe(2);
    expect(r.band).toBe('needs: transportation, utilities');
  });
  it('safety: 10 is negative, 11 is positive (Sometimes 3 + Sometimes 3 + Rarely 2 + Rarely 2 = 10; one more step = 11)', () => {
    const ten = {
      ...none,
      '95618-5': 'LA10082-8',
      '95617-7': 'LA10082-8',
      '95616-9': 'LA10066-1',
      '95615-1': 'LA10066-1',
    };
    expect(hrsnResult(ten)).toMatchObject({ safetyScore: 10, positive: false });
    const eleven = { ...ten, '95615-1': 'LA10082-8' };
    expect(hrsnResult(eleven)).toMatchObject({ safetyScore: 11, positive: true, band: 'needs: safety' });
  });
});

describe('answers are checked and the failing linkId named', () => {
  it('a missing required answer', () => {
    expect(fails(() => parseAnswers(SCREENINGS['phq-2'], { '44250-9': F[0] }))).toEqual({
      status: 400,
      expression: 'answers.44255-8',
    });
  });
  it('an answer code not in the item', () => {
    expect(fails(() => parseAnswers(SCREENINGS['phq-2'], { '44250-9': 'LA33-6', '44255-8': F[0] }))).toEqual({
      status: 400,
      expression: 'answers.44250-9',
    });
  });
  it('an unknown linkId', () => {
    expect(
      fails(() => parseAnswers(SCREENINGS['phq-2'], { '44250-9': F[0], '44255-8': F[0], '44260-8': F[3] }))
    ).toEqual({ status: 400, expression: 'answers.44260-8' });
  });
  it('a list for a single-answer item; "None of the above" with a problem', () => {
    expect(
      fails(() => parseAnswers(SCREENINGS['phq-2'], { '44250-9': [F[0]], '44255-8': F[0] })).expression
    ).toBe('answers.44250-9');
    expect(
      fails(() => parseAnswers(SCREENINGS['social-needs'], { '96778-6': ['LA9-3', 'LA28580-1'] })).expression
    ).toBe('answers.71802-3');
  });
  it('not an object', () => {
    expect(fails(() => parseAnswers(SCREENINGS['phq-2'], 'LA6568-5')).expression).toBe('answers');
  });
});

describe('the Questionnaires', () => {
  it('carry the canonical URL, the instrument LOINC code and ordinalValue on scored answers', () => {
    const q = questionnaireOf('phq-9');
    expect(q.url).toBe('https://medassist.dev/fhir/Questionnaire/phq-9');
    expect(q.code?.[0]).toMatchObject({ system: 'http://loinc.org', code: '44249-1' });
    const item9 = q.item?.find((i) => i.linkId === '44260-8');
    expect(item9?.code?.[0].code).toBe('44260-8');
    expect(item9?.answerOption?.map((o) => o.extension?.[0].valueDecimal)).toEqual([0, 1, 2, 3]);
    expect(item9?.answerOption?.[0].extension?.[0].url).toBe(
      'http://hl7.org/fhir/StructureDefinition/ordinalValue'
    );
    expect(q.item?.filter((i) => i.type === 'choice')).toHaveLength(10);
  });
  it('have the codes of the brief', () => {
    const codes = Object.fromEntries(SCREENING_IDS.map((id) => [id, SCREENINGS[id].code.code]));
    expect(codes).toMatchObject({
      'phq-2': '55757-9',
      'phq-9': '44249-1',
      'gad-7': '69737-5',
      tobacco: '72166-2',
      pregnancy: '82810-3',
    });
    const tobacco = questionnaireOf('tobacco').item?.[0].answerOption?.map((o) => o.valueCoding?.code);
    expect(tobacco).toEqual(['449868002', '428041000124106', '8517006', '266919005', '266927001']);
    const pregnancy = questionnaireOf('pregnancy').item?.[0].answerOption?.map((o) => o.valueCoding?.code);
    expect(pregnancy).toEqual(['77386006', '60001007', '261665006']);
  });
});

describe('every Questionnaire is valid FHIR R4 (the store validator: structure, invariants, required bindings)', () => {
  it.each(SCREENING_IDS)('%s', (id) => {
    loadDefinitions();
    expect(() => validateForWrite(questionnaireOf(id))).not.toThrow();
  });
});
