import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  formatAge,
  localDayBounds,
  formatDate,
  formatNameFamilyFirst,
  languageNeed,
  medicalRecordNumber,
  nameToUse,
  patientName,
} from '../../web/src/patient/display.js';

const jose: Patient = {
  resourceType: 'Patient',
  name: [
    { use: 'official', family: 'Muñoz', given: ['José', 'Luis'] },
    { use: 'usual', given: ['Pepe'], family: 'Muñoz' },
  ],
  identifier: [
    { system: 'urn:other', value: 'X1' },
    { system: 'urn:medassist:mrn', value: 'RB100004' },
  ],
};

describe('names', () => {
  it('shows the official name, family first, and the name to use when it differs', () => {
    expect(patientName(jose)).toBe('José Luis Muñoz');
    expect(formatNameFamilyFirst(jose.name?.[0])).toBe('Muñoz, José Luis');
    expect(nameToUse(jose)).toBe('Pepe Muñoz');
    expect(
      nameToUse({ resourceType: 'Patient', name: [{ use: 'usual', family: 'Lee', given: ['Jo'] }] })
    ).toBeUndefined();
  });

  it('says when no name is recorded', () => {
    expect(patientName({ resourceType: 'Patient' })).toBe('Name not recorded');
  });
});

describe('formatAge', () => {
  it('counts whole years from 2 years on', () => {
    expect(formatAge('1961-03-04', '2026-03-03')).toBe('64 y');
    expect(formatAge('1961-03-04', '2026-03-04')).toBe('65 y');
  });

  it('counts months under 2 years and days under a month', () => {
    expect(formatAge('2025-01-15', '2026-11-26')).toBe('22 mo');
    expect(formatAge('2026-10-27', '2026-11-26')).toBe('30 d');
    expect(formatAge('2026-11-26', '2026-11-26')).toBe('0 d');
  });

  it('gives nothing for a partial or future birth date', () => {
    expect(formatAge('1961', '2026-11-26')).toBeUndefined();
    expect(formatAge('2027-01-01', '2026-11-26')).toBeUndefined();
  });
});

describe('formatDate', () => {
  it('writes FHIR dates the US way without shifting time zones', () => {
    expect(formatDate('1961-03-04')).toBe('03/04/1961');
    expect(formatDate('1961-03')).toBe('03/1961');
    expect(formatDate('1961')).toBe('1961');
    expect(formatDate(undefined)).toBe('');
  });
});

describe('medicalRecordNumber', () => {
  it('takes the clinic MRN system first, else an identifier typed MR', () => {
    expect(medicalRecordNumber(jose)).toBe('RB100004');
    const typed: Patient = {
      resourceType: 'Patient',
      identifier: [
        { system: 'urn:ssn', value: '123' },
        {
          system: 'urn:elsewhere',
          value: 'E-9',
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        },
      ],
    };
    expect(medicalRecordNumber(typed)).toBe('E-9');
    expect(medicalRecordNumber({ resourceType: 'Patient' })).toBeUndefined();
  });
});

describe('languageNeed', () => {
  const spanish: Patient = {
    resourceType: 'Patient',
    communication: [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }], text: 'Spanish' }, preferred: true },
    ],
  };

  it('needs an interpreter when the preferred language is not English', () => {
    expect(languageNeed(spanish)).toEqual({ language: 'Spanish', interpreter: true });
    expect(
      languageNeed({
        resourceType: 'Patient',
        communication: [
          { language: { coding: [{ code: 'en-US' }], text: 'English (United States)' }, preferred: true },
        ],
      })
    ).toEqual({ language: 'English (United States)', interpreter: false });
  });

  it('follows the interpreterRequired extension when present', () => {
    const ext = (value: boolean): Patient => ({
      resourceType: 'Patient',
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: value },
      ],
    });
    expect(languageNeed(ext(true)).interpreter).toBe(true);
    expect(languageNeed({ ...spanish, ...ext(false) }).interpreter).toBe(false);
  });

  it('says nothing is needed when no language is recorded', () => {
    expect(languageNeed({ resourceType: 'Patient' })).toEqual({ language: undefined, interpreter: false });
  });
});

describe('localDayBounds', () => {
  it("gives the clinic's local day as UTC instants", () => {
    // Chicago is UTC-6 in November (CST): local midnight is 06:00Z.
    expect(localDayBounds('2026-11-26', 'America/Chicago')).toEqual([
      '2026-11-26T06:00:00.000Z',
      '2026-11-27T06:00:00.000Z',
    ]);
    // Los Angeles is UTC-8 in November (PST).
    expect(localDayBounds('2026-11-26', 'America/Los_Angeles')).toEqual([
      '2026-11-26T08:00:00.000Z',
      '2026-11-27T08:00:00.000Z',
    ]);
    // Tokyo is UTC+9 all year: the local day starts the evening before in UTC.
    expect(localDayBounds('2026-11-26', 'Asia/Tokyo')).toEqual([
      '2026-11-25T15:00:00.000Z',
      '2026-11-26T15:00:00.000Z',
    ]);
  });

  it('handles the day daylight saving starts (a 23-hour day)', () => {
    // 2026-03-08: US clocks go from 2:00 CST to 3:00 CDT. Midnight that day is CST (06:00Z), the next is CDT (05:00Z).
    expect(localDayBounds('2026-03-08', 'America/Chicago')).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-09T05:00:00.000Z',
    ]);
  });
});
