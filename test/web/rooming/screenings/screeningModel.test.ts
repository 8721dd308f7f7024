import type { Questionnaire } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  formOf,
  isScored,
  liveScore,
  pregnancyApplies,
  tobaccoApplies,
  resultText,
  saveLabel,
  scoreLabel,
  unanswered,
} from '../../../../web/src/rooming/screenings/screeningModel.js';

const ORDINAL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const option = (code: string, display: string, points?: number) => ({
  valueCoding: { system: 'http://loinc.org', code, display },
  ...(points === undefined ? {} : { extension: [{ url: ORDINAL, valueDecimal: points }] }),
});
const FREQ = [
  option('LA6568-5', 'Not at all', 0),
  option('LA6569-3', 'Several days', 1),
  option('LA6570-1', 'More than half the days', 2),
  option('LA6571-9', 'Nearly every day', 3),
];

/** A PHQ-2 as the server serves it (a display preamble, two choice items with ordinalValue 0-3). */
const PHQ2: Questionnaire = {
  resourceType: 'Questionnaire',
  status: 'active',
  title: 'Patient Health Questionnaire-2',
  item: [
    { linkId: 'preamble', type: 'display', text: 'Over the last 2 weeks...' },
    { linkId: '44250-9', type: 'choice', required: true, text: 'Little interest', answerOption: FREQ },
    { linkId: '44255-8', type: 'choice', required: true, text: 'Feeling down', answerOption: FREQ },
  ],
};

describe('the form read from a Questionnaire', () => {
  it('questions in order with their labels and points; the preamble; max 3 + 3 = 6', () => {
    const form = formOf(PHQ2);
    expect(form.preamble).toBe('Over the last 2 weeks...');
    expect(form.questions.map((q) => q.linkId)).toEqual(['44250-9', '44255-8']);
    expect(form.questions[0].options.map((o) => o.label)).toEqual([
      'Not at all',
      'Several days',
      'More than half the days',
      'Nearly every day',
    ]);
    expect(form.max).toBe(6);
    expect(isScored(form)).toBe(true);
  });
  it('live score: Several days (1) + Nearly every day (3) = 4; nothing answered = 0', () => {
    const form = formOf(PHQ2);
    expect(liveScore(form, {})).toBe(0);
    expect(liveScore(form, { '44250-9': 'LA6569-3', '44255-8': 'LA6571-9' })).toBe(4);
  });
  it('says which required questions are left', () => {
    const form = formOf(PHQ2);
    expect(unanswered(form, { '44250-9': 'LA6569-3' }).map((q) => q.linkId)).toEqual(['44255-8']);
    expect(unanswered(form, { '44250-9': 'LA6569-3', '44255-8': 'LA6568-5' })).toEqual([]);
  });
  it('an unscored status picker has max 0', () => {
    const tobacco: Questionnaire = {
      resourceType: 'Questionnaire',
      status: 'active',
      item: [{ linkId: '72166-2', type: 'choice', answerOption: [option('8517006', 'Former smoker')] }],
    };
    expect(isScored(formOf(tobacco))).toBe(false);
  });
});

describe('pregnancy status applies from 12 to 50, not to a male patient', () => {
  it('age edges in months: 143 no, 144 yes, 611 yes, 612 no', () => {
    expect(pregnancyApplies('female', 143)).toBe(false);
    expect(pregnancyApplies('female', 144)).toBe(true);
    expect(pregnancyApplies('female', 611)).toBe(true);
    expect(pregnancyApplies('female', 612)).toBe(false);
    expect(pregnancyApplies('male', 300)).toBe(false);
    expect(pregnancyApplies(undefined, 300)).toBe(true);
    expect(pregnancyApplies('female', undefined)).toBe(false);
  });
});

describe('tobacco use is asked from 12 years', () => {
  it('143 months no, 144 yes, unknown age yes', () => {
    expect(tobaccoApplies(143)).toBe(false);
    expect(tobaccoApplies(144)).toBe(true);
    expect(tobaccoApplies(undefined)).toBe(true);
  });
});

describe('words', () => {
  it('the save button and the result line', () => {
    expect(saveLabel('PHQ-2')).toBe('Save PHQ-2');
    expect(scoreLabel('phq-2')).toBe('Score');
    expect(scoreLabel('social-needs')).toBe('Safety score');
    expect(resultText({ score: 4, max: 6, band: 'positive' })).toBe('4 of 6, positive');
    expect(resultText({ band: 'Former smoker' })).toBe('Former smoker');
    expect(resultText({ score: 12, band: 'moderate' })).toBe('12, moderate');
  });
});
