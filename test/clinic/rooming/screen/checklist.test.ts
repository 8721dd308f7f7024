import type { Consent, Encounter, Observation, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  ageInYears,
  applicableItems,
  buildChecklist,
  newestConsent,
  questionnaireIdOf,
  type VisitRecords,
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
      tickable: true,
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

  const encounter = (extension: Encounter['extension'] = []): Encounter => ({
    resourceType: 'Encounter',
    id: 'e1',
    status: 'in-progress',
    class: { code: 'AMB' },
    extension,
  });
  const noRecords: VisitRecords = { observations: [], responses: [], consents: [], screenings: [] };
  const vital = (code: string): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
  });
  const followUp = { code: 'follow-up', display: 'Follow-up visit' };

  it('tobacco use only from 12 years, or when the age is unknown (as the panel and the due rule)', () => {
    const newPatient = (ageYears: number | undefined) =>
      applicableItems('new-patient', { gender: 'female', ageYears });
    expect(newPatient(11)).not.toContain('tobacco');
    expect(newPatient(12)).toContain('tobacco');
    expect(newPatient(undefined)).toContain('tobacco');
    // Born 2015-11-28: 10 on 2026-11-27 (the birthday is tomorrow), so no tobacco item on the list.
    const child: Patient = { resourceType: 'Patient', id: 'p', gender: 'male', birthDate: '2015-11-28' };
    const items = buildChecklist(
      { encounter: encounter(), patient: child, visitType: { code: 'new-patient', display: 'New patient' } },
      noRecords,
      '2026-11-27',
      'UTC'
    );
    expect(items.map((i) => i.id)).not.toContain('tobacco');
  });

  it('an 8-month-old: vital signs without blood pressure, no 0-10 pain item; from 3 years both again', () => {
    // Born 2026-03-27, seen 2026-11-27: 8 months, 0 whole years (< 3).
    const infant: Patient = { resourceType: 'Patient', id: 'p', gender: 'female', birthDate: '2026-03-27' };
    const records: VisitRecords = {
      ...noRecords,
      observations: [vital('8867-4'), vital('8310-5'), vital('29463-7')],
    };
    const items = buildChecklist(
      { encounter: encounter(), patient: infant, visitType: followUp },
      records,
      '2026-11-27',
      'UTC'
    );
    // follow-up = vitals, pain, allergies, medications, screenings, fall-risk, pregnancy, chief-complaint,
    // pharmacy; no pain (< 3), no screenings (none due here), no fall risk (< 65), no pregnancy (< 12).
    expect(items.map((i) => i.id)).toEqual([
      'vitals',
      'allergies',
      'medications',
      'chief-complaint',
      'pharmacy',
    ]);
    expect(items[0]).toEqual({
      id: 'vitals',
      label: 'Vital signs',
      done: true,
      detail: 'HR, temp, weight taken',
      tickable: false,
    });
    // Nothing recorded: BP is not among the missing.
    const empty = buildChecklist(
      { encounter: encounter(), patient: infant, visitType: followUp },
      noRecords,
      '2026-11-27',
      'UTC'
    );
    expect(empty[0].detail).toBe('HR, temp, weight missing');
    // Born 2023-11-27: 3 today, so blood pressure is required and pain is asked.
    const three: Patient = { ...infant, birthDate: '2023-11-27' };
    const older = buildChecklist(
      { encounter: encounter(), patient: three, visitType: followUp },
      records,
      '2026-11-27',
      'UTC'
    );
    expect(older[0]).toMatchObject({ done: false, detail: 'HR, temp, weight taken; BP missing' });
    expect(older.map((i) => i.id)).toContain('pain');
    // Age unknown: ask (BP and pain stay).
    const unknown = applicableItems('follow-up', { gender: 'female', ageYears: undefined });
    expect(unknown).toContain('pain');
  });

  it('fall risk screened within 12 months (at another visit) counts as done, with the date', () => {
    const older: Patient = { resourceType: 'Patient', id: 'p', gender: 'male', birthDate: '1950-01-01' };
    const items = buildChecklist(
      { encounter: encounter(), patient: older, visitType: followUp },
      // 2026-05-04 03:00 UTC is 2026-05-03 22:00 in Chicago (CDT, UTC-5): the clinic's date is the 3rd.
      { ...noRecords, fallRiskScreenedAt: '2026-05-04T03:00:00Z' },
      '2026-11-27',
      'America/Chicago'
    );
    expect(items.find((i) => i.id === 'fall-risk')).toEqual({
      id: 'fall-risk',
      label: 'Fall risk',
      done: true,
      detail: 'Screened 2026-05-03; due again after 12 months',
      tickable: true,
    });
    const none = buildChecklist(
      { encounter: encounter(), patient: older, visitType: followUp },
      noRecords,
      '2026-11-27',
      'UTC'
    );
    expect(none.find((i) => i.id === 'fall-risk')?.done).toBe(false);
  });

  it('consent: the newest by dateTime stands, whatever the id order; a refusal is done and needs attention', () => {
    const consent = (id: string, dateTime: string, type: 'permit' | 'deny'): Consent => ({
      resourceType: 'Consent',
      id,
      status: 'active',
      scope: { text: 'treatment' },
      category: [{ text: 'procedure consent' }],
      dateTime,
      provision: { type },
    });
    // Refused at 10:05 after consenting at 09:40; ids sort the other way round.
    const refusedLast = [
      consent('a-refusal', '2026-11-27T10:05:00-06:00', 'deny'),
      consent('b-consent', '2026-11-27T09:40:00-06:00', 'permit'),
    ];
    expect(newestConsent(refusedLast)?.id).toBe('a-refusal');
    // 15:30Z is 09:30 in Chicago: earlier than the 09:40 consent despite the later-looking string.
    expect(
      newestConsent([
        consent('a', '2026-11-27T09:40:00-06:00', 'permit'),
        consent('b', '2026-11-27T15:30:00Z', 'deny'),
      ])?.id
    ).toBe('a');
    const man: Patient = { resourceType: 'Patient', id: 'p', gender: 'male', birthDate: '1980-01-01' };
    const procedure = { code: 'procedure', display: 'Procedure' };
    const items = buildChecklist(
      { encounter: encounter(), patient: man, visitType: procedure },
      { ...noRecords, consents: refusedLast },
      '2026-11-27',
      'UTC'
    );
    expect(items.find((i) => i.id === 'consent')).toEqual({
      id: 'consent',
      label: 'Procedure consent',
      done: true,
      detail: 'Refused',
      tickable: false,
      attention: true,
    });
    const signed = buildChecklist(
      { encounter: encounter(), patient: man, visitType: procedure },
      { ...noRecords, consents: [refusedLast[1]] },
      '2026-11-27',
      'UTC'
    );
    expect(signed.find((i) => i.id === 'consent')).toEqual({
      id: 'consent',
      label: 'Procedure consent',
      done: true,
      detail: 'Signed',
      tickable: false,
    });
  });

  it('ticks by hand: who and when for the items that allow them; never vital signs, pain or consent', () => {
    const ext = 'https://medassist.dev/fhir/StructureDefinition';
    const tick = (item: string, at: string) => ({
      url: `${ext}/rooming-ticked-by-hand`,
      extension: [
        { url: 'item', valueCode: item },
        { url: 'by', valueReference: { reference: 'Practitioner/prac-ortega', display: 'Luis Ortega' } },
        { url: 'at', valueDateTime: at },
      ],
    });
    const man: Patient = { resourceType: 'Patient', id: 'p', gender: 'male', birthDate: '1980-01-01' };
    const items = buildChecklist(
      {
        encounter: encounter([
          // 16:42 UTC is 10:42 in Chicago (CST, UTC-6, on 2026-11-27).
          tick('pharmacy', '2026-11-27T16:42:00Z'),
          // Written before the list existed: ticks of measured items are ignored.
          { url: `${ext}/rooming-checked`, valueCode: 'vitals' },
          { url: `${ext}/rooming-checked`, valueCode: 'pain' },
        ]),
        patient: man,
        visitType: followUp,
      },
      noRecords,
      '2026-11-27',
      'America/Chicago'
    );
    const byId = (id: string) => items.find((i) => i.id === id);
    expect(byId('pharmacy')).toEqual({
      id: 'pharmacy',
      label: 'Preferred pharmacy',
      done: true,
      detail: 'Ticked by hand by Luis Ortega at 10:42',
      tickable: true,
      ticked: { by: 'Luis Ortega', at: '2026-11-27T16:42:00Z' },
    });
    expect(byId('vitals')).toMatchObject({ done: false, tickable: false });
    expect(byId('pain')).toMatchObject({ done: false, tickable: false });
    expect(byId('allergies')?.tickable).toBe(false);
    expect(byId('chief-complaint')?.tickable).toBe(false);
    // An older valueCode-only tick of an item that allows ticks still counts, with no author to name.
    const legacy = buildChecklist(
      {
        encounter: encounter([{ url: `${ext}/rooming-checked`, valueCode: 'pharmacy' }]),
        patient: man,
        visitType: followUp,
      },
      noRecords,
      '2026-11-27',
      'UTC'
    );
    expect(legacy.find((i) => i.id === 'pharmacy')).toMatchObject({
      done: true,
      detail: 'Ticked by hand',
      ticked: {},
    });
    // A tick from another day names the day.
    const yesterday = buildChecklist(
      { encounter: encounter([tick('pharmacy', '2026-11-26T16:42:00Z')]), patient: man, visitType: followUp },
      noRecords,
      '2026-11-27',
      'America/Chicago'
    );
    expect(yesterday.find((i) => i.id === 'pharmacy')?.detail).toBe(
      'Ticked by hand by Luis Ortega on 2026-11-26'
    );
  });
});
