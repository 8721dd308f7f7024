import { describe, expect, it } from 'vitest';
import { careGaps, dayOf, type GapFacts } from '../../../../src/clinic/rooming/gaps/rules.js';
import { ageInDays } from '../../../../src/clinic/rooming/visit.js';

/**
 * Clinic-local dates (docs/decisions/0017-clinic-local-dates.md), worked by hand. Chicago is UTC-6 (CST)
 * until 2025-03-09 and from 2025-11-02, UTC-5 (CDT) between; 2026: CDT from March 8 to November 1.
 */
const CHICAGO = 'America/Chicago';

describe('care gaps date stored instants in the clinic zone', () => {
  it('a blood pressure at 19:30 CST is dated that evening, not the next UTC day', () => {
    // 2025-03-03 19:30 CST = 2025-03-04T01:30:00Z.
    expect(dayOf('2025-03-04T01:30:00Z', CHICAGO)).toBe('2025-03-03');
    expect(dayOf('2025-03-03T19:30:00-06:00', CHICAGO)).toBe('2025-03-03');
    // Summer: 23:59 CDT = 04:59Z the next day.
    expect(dayOf('2025-07-01T04:59:00Z', CHICAGO)).toBe('2025-06-30');
    expect(dayOf('2025-07-01T05:00:00Z', CHICAGO)).toBe('2025-07-01');
  });

  it('dates without a time stay as they are; partial dates take the first day', () => {
    expect(dayOf('2025-03-04', CHICAGO)).toBe('2025-03-04');
    expect(dayOf('2025-03', CHICAGO)).toBe('2025-03-01');
    expect(dayOf('2025', CHICAGO)).toBe('2025-01-01');
    expect(dayOf('not a date', CHICAGO)).toBeUndefined();
    expect(dayOf(undefined, CHICAGO)).toBeUndefined();
  });

  it('the gap stays: on 2026-03-04 a blood pressure of 2025-03-03 (local) is older than 12 months', () => {
    // 12 months before 2026-03-04 is 2025-03-04; the reading was the evening of 2025-03-03 in Chicago.
    // Dated by UTC (2025-03-04) it counted as in the window and the gap vanished.
    const facts: GapFacts = {
      birthDate: '1970-05-05',
      conditions: [],
      observations: [{ code: '85354-9', date: dayOf('2025-03-04T01:30:00Z', CHICAGO) as string }],
      immunizations: [],
      procedures: [],
    };
    const bp = careGaps(facts, '2026-03-04').find((g) => g.id === 'blood-pressure');
    expect(bp).toMatchObject({
      lastDone: '2025-03-03',
      why: 'Last blood pressure 2025-03-03, before 2025-03-04 (12 months ago)',
    });
    // The day before, the same reading is exactly 12 months old: it still counts.
    expect(careGaps(facts, '2026-03-03').some((g) => g.id === 'blood-pressure')).toBe(false);
  });
});

describe('age in days counts calendar days to the clinic-local date', () => {
  it('born 2026-01-31: 27 days on the evening of Feb 27 in Chicago, 28 from local midnight', () => {
    // 2026-02-28T03:00Z is Feb 27, 21:00 CST: Jan 31 -> Feb 27 is 27 days (UTC counting said 28).
    expect(ageInDays('2026-01-31', new Date('2026-02-28T03:00:00Z'), CHICAGO)).toBe(27);
    // 05:59Z is 23:59 CST, still Feb 27; 06:00Z is midnight, Feb 28: 28 days.
    expect(ageInDays('2026-01-31', new Date('2026-02-28T05:59:00Z'), CHICAGO)).toBe(27);
    expect(ageInDays('2026-01-31', new Date('2026-02-28T06:00:00Z'), CHICAGO)).toBe(28);
  });

  it('across the DST change a day is a calendar day (2026-03-08 has 23 hours in Chicago)', () => {
    // Born 2026-03-07; 2026-03-09 00:30 CDT = 2026-03-09T05:30Z: 2 days (47.5 hours after birth midnight CST).
    expect(ageInDays('2026-03-07', new Date('2026-03-09T05:30:00Z'), CHICAGO)).toBe(2);
    // Fall back: born 2026-10-31, 2026-11-02 00:30 CST = 06:30Z: 2 days (49.5 hours).
    expect(ageInDays('2026-10-31', new Date('2026-11-02T06:30:00Z'), CHICAGO)).toBe(2);
  });

  it('a date is a date; partial birth dates take the first day; nonsense is unknown', () => {
    expect(ageInDays('2026-01-31', '2026-02-27')).toBe(27);
    expect(ageInDays('2026-01', '2026-02-01')).toBe(31);
    expect(ageInDays('2024', '2024-12-31')).toBe(365);
    expect(ageInDays(undefined, '2026-02-27')).toBeUndefined();
    expect(ageInDays('2026-01-31', new Date(Number.NaN), CHICAGO)).toBeUndefined();
  });
});
