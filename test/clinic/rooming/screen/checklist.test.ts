import type { Encounter, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  ageInYears,
  applicableItems,
  buildChecklist,
  questionnaireIdOf,
} from '../../../../src/clinic/rooming/screen/checklist.js';
import { ageText } from '../../../../src/clinic/rooming/screen/visit.js';

describe('rooming checklist (pure)', () => {
  it('whole years of age turn on the birthday', () => {
    expect(ageInYears('1976-11-27', '2026-11-26')).toBe(49);
    expect(ageInYears('1976-11-27', '2026-11-27')).toBe(50);
    expect(ageInYears('1961-12-01', '2026-11-27')).toBe(64);
    expect(ageInYears('1980', '2026-11-27')).toBe(46);
  });

  it('pregnancy status from 12 to 50 unless recorded as male; fall risk from 65', () => {
    const follow = (gender: string, ageYears: number) => applicableItems('follow-up', { gender, ageYears });
    expect(follow('female', 11)).not.toContain('pregnancy');
    expect(follow('female', 12)).toContain('pregnancy');
    expect(follow('female', 50)).toContain('pregnancy');
    expect(follow('female', 51)).not.toContain('pregnancy');
    expect(follow('male', 30)).not.toContain('pregnancy');
    expect(follow('unknown', 30)).toContain('pregnancy');
    expect(follow('other', 51)).not.toContain('pregnancy');
    expect(follow('female', 64)).not.toContain('fall-risk');
    expect(follow('female', 65)).toContain('fall-risk');
    // model.ts lists: nurse visit = vitals, allergies, chief complaint; telehealth has no vitals.
    expect(applicableItems('nurse-visit', { gender: 'female', ageYears: 30 })).toEqual([
      'vitals',
      'allergies',
      'chief-complaint',
    ]);
    expect(applicableItems('telehealth', { gender: 'male', ageYears: 70 })).not.toContain('vitals');
    // An unknown visit type gets the follow-up list.
    expect(applicableItems('visit', { gender: 'male', ageYears: 40 })).toEqual(
      applicableItems('follow-up', { gender: 'male', ageYears: 40 })
    );
  });

  it('age in words: days under a month, months under two years, then years', () => {
    expect(ageText('2026-11-15', '2026-11-27')).toBe('12 d');
    // 2025-05-27 to 2026-11-27 = 18 whole months; one day earlier 17.
    expect(ageText('2025-05-27', '2026-11-27')).toBe('18 mo');
    expect(ageText('2025-05-28', '2026-11-27')).toBe('17 mo');
    expect(ageText('1972-03-01', '2026-11-27')).toBe('54 y');
    // Born on the 31st: the month is complete on the last day of a shorter month (2026-02-28).
    expect(ageText('2026-01-31', '2026-02-28')).toBe('1 mo');
  });

  it('screenings with their own item drop out of "Screenings due"; an empty list drops the item', () => {
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: 'e1',
      status: 'arrived',
      class: { code: 'AMB' },
    };
    const patient: Patient = { resourceType: 'Patient', id: 'p1', gender: 'male', birthDate: '1950-01-01' };
    const records = {
      observations: [],
      responses: [],
      consents: [],
      screenings: [
        { id: 'fall-risk', title: 'Fall risk', done: false, reason: '' },
        { id: 'phq-2', title: 'PHQ-2', done: true, reason: '' },
      ],
    };
    const items = buildChecklist(
      { encounter, patient, visitType: { code: 'new-patient', display: 'New patient' } },
      records,
      '2026-11-27',
      'UTC'
    );
    expect(items.find((i) => i.id === 'screenings')).toEqual({
      id: 'screenings',
      label: 'Screenings due',
      done: true,
      detail: 'PHQ-2 done',
    });
    expect(items.find((i) => i.id === 'fall-risk')?.done).toBe(false);
    const none = buildChecklist(
      { encounter, patient, visitType: { code: 'new-patient', display: 'New patient' } },
      { ...records, screenings: [records.screenings[0]] },
      '2026-11-27',
      'UTC'
    );
    expect(none.map((i) => i.id)).not.toContain('screenings');
  });

  it('reads the questionnaire id from a canonical, with or without a version', () => {
    const qr = (questionnaire: string) => ({
      resourceType: 'QuestionnaireResponse' as const,
      status: 'completed' as const,
      questionnaire,
    });
    expect(questionnaireIdOf(qr('https://medassist.dev/fhir/Questionnaire/fall-risk'))).toBe('fall-risk');
    expect(questionnaireIdOf(qr('https://medassist.dev/fhir/Questionnaire/phq-2|1.0'))).toBe('phq-2');
    expect(questionnaireIdOf(qr('urn:other'))).toBeUndefined();
  });
});
