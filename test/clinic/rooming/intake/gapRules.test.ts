import { describe, expect, it } from 'vitest';
import {
  addMonths,
  ageOn,
  careGaps,
  fluSeasonStart,
  type GapFacts,
  type GapId,
} from '../../../../src/clinic/rooming/gaps/rules.js';
import { medlinePlusUrl, suggestedFor, handouts } from '../../../../src/clinic/rooming/education/handouts.js';

const SNOMED = 'http://snomed.info/sct';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';

function facts(extra: Partial<GapFacts> = {}): GapFacts {
  return { conditions: [], observations: [], immunizations: [], procedures: [], ...extra };
}
const ids = (f: GapFacts, today: string): GapId[] => careGaps(f, today).map((g) => g.id);

describe('calendar arithmetic', () => {
  it('adds months by calendar, clamping to the month end', () => {
    // 12 months before 2026-03-31 is 2025-03-31; 6 months before 2026-08-31 is February: 2026 has 28 days.
    expect(addMonths('2026-03-31', -12)).toBe('2025-03-31');
    expect(addMonths('2026-08-31', -6)).toBe('2026-02-28');
    // 2024 is a leap year: February 29.
    expect(addMonths('2024-08-31', -6)).toBe('2024-02-29');
    // Across the year: 2026-01-15 minus 2 months is 2025-11-15; plus 120 months is 10 years.
    expect(addMonths('2026-01-15', -2)).toBe('2025-11-15');
    expect(addMonths('2016-11-27', 120)).toBe('2026-11-27');
  });

  it('counts whole years of age, the birthday itself included', () => {
    expect(ageOn('1981-11-27', '2026-11-27')).toBe(45);
    expect(ageOn('1981-11-28', '2026-11-27')).toBe(44);
    expect(ageOn('1981', '2026-01-01')).toBe(45);
    expect(ageOn(undefined, '2026-01-01')).toBeUndefined();
  });

  it('flu season runs August 1 to March 31', () => {
    expect(fluSeasonStart('2026-07-31')).toBeUndefined();
    expect(fluSeasonStart('2026-08-01')).toBe('2026-08-01');
    expect(fluSeasonStart('2026-12-31')).toBe('2026-08-01');
    expect(fluSeasonStart('2027-03-31')).toBe('2026-08-01');
    expect(fluSeasonStart('2027-04-01')).toBeUndefined();
  });
});

describe('blood pressure in 12 months (ages 3 and over)', () => {
  const today = '2026-05-20'; // outside flu season, so only the rules under test appear
  it('is due with none on record from age 3, not at age 2', () => {
    // Born 2023-05-20: 3 on 2026-05-20. Born 2023-05-21: still 2.
    expect(ids(facts({ birthDate: '2023-05-20' }), today)).toEqual(['blood-pressure']);
    expect(ids(facts({ birthDate: '2023-05-21' }), today)).toEqual([]);
  });
  it('a reading exactly 12 months back still counts; one day older does not', () => {
    const on = (date: string) =>
      facts({ birthDate: '2000-01-01', observations: [{ code: '85354-9', date }] });
    expect(ids(on('2025-05-20'), today)).not.toContain('blood-pressure');
    const gaps = careGaps(on('2025-05-19'), today);
    expect(gaps.find((g) => g.id === 'blood-pressure')?.why).toBe(
      'Last blood pressure 2025-05-19, before 2025-05-20 (12 months ago)'
    );
  });
});

describe('HbA1c within 6 months for type 2 diabetes', () => {
  const today = '2026-08-31'; // cut-off: 2026-02-28
  const diabetic = (codes: { system: string; code: string }[], a1c?: string) =>
    facts({
      birthDate: '1960-01-01',
      conditions: [{ codes }],
      observations: [
        { code: '85354-9', date: '2026-08-01' },
        { code: '55757-9', date: '2026-08-01' },
        ...(a1c ? [{ code: '4548-4', date: a1c }] : []),
      ],
    });
  it('is due with no HbA1c, by SNOMED 44054006 or any ICD-10-CM E11 code', () => {
    expect(ids(diabetic([{ system: SNOMED, code: '44054006' }]), today)).toContain('hba1c');
    expect(ids(diabetic([{ system: ICD10, code: 'E11.65' }]), today)).toContain('hba1c');
  });
  it('is not asked of type 1 diabetes (E10) or prediabetes (R73.03)', () => {
    expect(ids(diabetic([{ system: ICD10, code: 'E10.9' }]), today)).not.toContain('hba1c');
    expect(ids(diabetic([{ system: ICD10, code: 'R73.03' }]), today)).not.toContain('hba1c');
  });
  it('6-month edge: 2026-02-28 counts on 2026-08-31, 2026-02-27 does not', () => {
    const snomed = [{ system: SNOMED, code: '44054006' }];
    expect(ids(diabetic(snomed, '2026-02-28'), today)).not.toContain('hba1c');
    const gap = careGaps(diabetic(snomed, '2026-02-27'), today).find((g) => g.id === 'hba1c');
    expect(gap?.why).toBe('Type 2 diabetes; last HbA1c 2026-02-27, before 2026-02-28 (6 months ago)');
    expect(gap?.lastDone).toBe('2026-02-27');
  });
});

describe('flu vaccine in season', () => {
  const adult = (cvx?: string, date?: string) =>
    facts({
      birthDate: '1990-06-15',
      observations: [
        { code: '85354-9', date: '2026-07-01' },
        { code: '44249-1', date: '2026-07-01' },
      ],
      immunizations: cvx && date ? [{ cvx, date }] : [],
    });
  it('is not due out of season (July 31, April 1)', () => {
    expect(ids(adult(), '2026-07-31')).toEqual([]);
    expect(ids(adult(), '2027-04-01')).not.toContain('flu-vaccine');
  });
  it('a dose before August 1 is last season: due on August 1', () => {
    expect(ids(adult('140', '2026-07-31'), '2026-08-01')).toEqual(['flu-vaccine']);
    expect(ids(adult('140', '2026-08-01'), '2026-08-01')).toEqual([]);
  });
  it('a fall dose covers the season through March 31', () => {
    expect(ids(adult('150', '2026-10-01'), '2027-03-31')).not.toContain('flu-vaccine');
    // CVX 213 (COVID-19) is not an influenza vaccine.
    expect(ids(adult('213', '2026-10-01'), '2027-01-15')).toContain('flu-vaccine');
  });
  it('from 6 months of age: born 2026-02-01 is 6 months on 2026-08-01, born 2026-02-02 is not', () => {
    expect(ids(facts({ birthDate: '2026-02-01' }), '2026-08-01')).toEqual(['flu-vaccine']);
    expect(ids(facts({ birthDate: '2026-02-02' }), '2026-08-01')).toEqual([]);
  });
});

describe('colorectal cancer screening, ages 45 to 75', () => {
  const today = '2026-05-20';
  const person = (birthDate: string, extra: Partial<GapFacts> = {}) =>
    facts({
      birthDate,
      observations: [
        { code: '85354-9', date: '2026-05-01' },
        { code: '55757-9', date: '2026-05-01' },
        ...(extra.observations ?? []),
      ],
      procedures: extra.procedures ?? [],
    });
  it('age edges: 44 no, 45 yes, 75 yes, 76 no', () => {
    expect(ids(person('1981-05-21'), today)).toEqual([]); // 44 (45 tomorrow)
    expect(ids(person('1981-05-20'), today)).toEqual(['colorectal-screening']); // 45 today
    expect(ids(person('1950-05-21'), today)).toEqual(['colorectal-screening']); // 75
    expect(ids(person('1950-05-20'), today)).toEqual([]); // 76 today
  });
  it('colonoscopy covers 10 years, stool DNA 3, FOBT/FIT 1 (edge day counts)', () => {
    const born = '1970-01-01';
    expect(ids(person(born, { procedures: [{ code: '73761001', date: '2016-05-20' }] }), today)).toEqual([]);
    expect(ids(person(born, { procedures: [{ code: '73761001', date: '2016-05-19' }] }), today)).toEqual([
      'colorectal-screening',
    ]);
    expect(ids(person(born, { observations: [{ code: '77354-9', date: '2023-05-20' }] }), today)).toEqual([]);
    expect(ids(person(born, { observations: [{ code: '77354-9', date: '2023-05-19' }] }), today)).toEqual([
      'colorectal-screening',
    ]);
    expect(ids(person(born, { observations: [{ code: '29771-3', date: '2025-05-20' }] }), today)).toEqual([]);
    const late = careGaps(person(born, { observations: [{ code: '29771-3', date: '2025-05-19' }] }), today);
    expect(late.map((g) => g.why)).toEqual(['Age 56; last FOBT/FIT 2025-05-19: out of date']);
  });
});

describe('depression screening, ages 12 and over', () => {
  const today = '2026-05-20';
  it('age 11 no, 12 yes; a PHQ-9 within 12 months covers it', () => {
    const bp = [{ code: '85354-9', date: '2026-05-01' }];
    expect(ids(facts({ birthDate: '2014-05-21', observations: bp }), today)).toEqual([]);
    expect(ids(facts({ birthDate: '2014-05-20', observations: bp }), today)).toEqual([
      'depression-screening',
    ]);
    expect(
      ids(
        facts({ birthDate: '2000-01-01', observations: [...bp, { code: '44249-1', date: '2025-05-20' }] }),
        today
      )
    ).toEqual([]);
    expect(
      careGaps(
        facts({ birthDate: '2000-01-01', observations: [...bp, { code: '55757-9', date: '2025-05-19' }] }),
        today
      )[0].why
    ).toBe('Last PHQ-2/PHQ-9 2025-05-19, before 2025-05-20 (12 months ago)');
  });
});

describe('MedlinePlus Connect links and handout suggestions', () => {
  it('builds the web-application URL with the code system OID, the code and the language', () => {
    expect(medlinePlusUrl({ system: ICD10, code: 'E11.9' }, 'es')).toBe(
      'https://connect.medlineplus.gov/application?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90' +
        '&mainSearchCriteria.v.c=E11.9&informationRecipient.languageCode.c=es'
    );
    expect(medlinePlusUrl({ system: SNOMED, code: '195967001' }, 'en')).toBe(
      'https://connect.medlineplus.gov/application?mainSearchCriteria.v.cs=2.16.840.1.113883.6.96' +
        '&mainSearchCriteria.v.c=195967001&informationRecipient.languageCode.c=en'
    );
    expect(medlinePlusUrl({ system: 'http://loinc.org', code: '4548-4' }, 'en')).toBeUndefined();
  });

  it('the library holds at least 8 handouts, each in English and Spanish', () => {
    const all = handouts();
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const h of all) {
      expect(h.en.title.length).toBeGreaterThan(0);
      expect(h.es.title.length).toBeGreaterThan(0);
      expect(h.es.body.length).toBe(h.en.body.length);
      expect(h.codes.length).toBeGreaterThan(0);
    }
  });

  it('suggests by exact code or ICD-10-CM prefix', () => {
    expect(suggestedFor([{ system: ICD10, code: 'E11.9' }]).map((h) => h.id)).toEqual(['type-2-diabetes']);
    expect(suggestedFor([{ system: SNOMED, code: '59621000' }]).map((h) => h.id)).toEqual([
      'high-blood-pressure',
    ]);
    // E78.5 hyperlipidemia: healthy eating; an unrelated code: nothing.
    expect(suggestedFor([{ system: ICD10, code: 'E78.5' }]).map((h) => h.id)).toEqual(['healthy-eating']);
    expect(suggestedFor([{ system: ICD10, code: 'M17.9' }])).toEqual([]);
  });
});
