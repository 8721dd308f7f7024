import type { Consent } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { addYears, consentLapsed } from '../../../src/clinic/flow/checkIn.js';

/**
 * Consents lapse by the clinic's calendar (docs/decisions/0017-clinic-local-dates.md), worked by hand.
 * Chicago: CST (UTC-6) in winter, CDT (UTC-5) from 2026-03-08 to 2026-11-01.
 */
const CHICAGO = 'America/Chicago';

const consent = (dateTime: string, end?: string): Consent => ({
  resourceType: 'Consent',
  status: 'active',
  scope: { text: 'treatment' },
  category: [{ text: 'consent' }],
  dateTime,
  ...(end ? { provision: { period: { end } } } : {}),
});

describe('years added by the calendar', () => {
  it('clamps Feb 29 to Feb 28 in a common year and keeps other days', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2025-03-31', 1)).toBe('2026-03-31');
    expect(addYears('2025-12-31', 1)).toBe('2026-12-31');
  });
});

describe('a consent lapses on the clinic-local date', () => {
  it('an end date (expires 2026-05-01) holds through April 30 clinic time, not until 19:00 that evening', () => {
    const c = consent('2025-05-01', '2026-05-01');
    // 2026-05-01T02:00Z is April 30, 21:00 CDT: still valid (UTC midnight had it lapsed at 19:00).
    expect(consentLapsed('privacy-practices', c, new Date('2026-05-01T02:00:00Z'), CHICAGO)).toBe(false);
    expect(consentLapsed('privacy-practices', c, new Date('2026-05-01T04:59:59Z'), CHICAGO)).toBe(false);
    // 05:00Z is midnight CDT: May 1, lapsed.
    expect(consentLapsed('privacy-practices', c, new Date('2026-05-01T05:00:00Z'), CHICAGO)).toBe(true);
  });

  it('a yearly consent signed 2024-02-29 lapses on 2025-02-28 local, not on March 1', () => {
    const c = consent('2024-02-29');
    // 2025-02-28T05:00Z is Feb 27, 23:00 CST: valid; 06:00Z is Feb 28 00:00 CST: lapsed.
    expect(consentLapsed('consent-to-treat', c, new Date('2025-02-28T05:00:00Z'), CHICAGO)).toBe(false);
    expect(consentLapsed('consent-to-treat', c, new Date('2025-02-28T06:00:00Z'), CHICAGO)).toBe(true);
    // Noon UTC on Feb 28 (06:00 CST): lapsed (the old UTC arithmetic said Mar 1, so still valid).
    expect(consentLapsed('financial-policy', c, new Date('2025-02-28T12:00:00Z'), CHICAGO)).toBe(true);
  });

  it('signed as an instant: its local day is the one that counts', () => {
    // 2025-06-11T04:30Z is June 10, 23:30 CDT: signed June 10, so it lapses on 2026-06-10 local.
    const c = consent('2025-06-11T04:30:00Z');
    expect(consentLapsed('consent-to-treat', c, new Date('2026-06-10T04:59:00Z'), CHICAGO)).toBe(false);
    expect(consentLapsed('consent-to-treat', c, new Date('2026-06-10T05:00:00Z'), CHICAGO)).toBe(true);
  });

  it('the privacy notice without an end does not lapse; an end instant lapses at that instant', () => {
    expect(
      consentLapsed('privacy-practices', consent('2020-01-01'), new Date('2026-06-01T12:00:00Z'), CHICAGO)
    ).toBe(false);
    const c = consent('2026-01-01', '2026-06-01T15:00:00Z');
    expect(consentLapsed('privacy-practices', c, new Date('2026-06-01T14:59:59Z'), CHICAGO)).toBe(false);
    expect(consentLapsed('privacy-practices', c, new Date('2026-06-01T15:00:00Z'), CHICAGO)).toBe(true);
  });

  it('an end or a signing date that does not parse counts as lapsed (the desk asks again)', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(consentLapsed('privacy-practices', consent('2026-01-01', 'soon'), now, CHICAGO)).toBe(true);
    expect(consentLapsed('consent-to-treat', consent('yesterday'), now, CHICAGO)).toBe(true);
  });
});
