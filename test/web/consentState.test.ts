import type { Consent } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { addYears, consentState } from '../../web/src/registration/consentState.js';

const CHICAGO = 'America/Chicago';
const consent = (extra: Partial<Consent>, type = 'consent-to-treat'): Consent => ({
  resourceType: 'Consent',
  status: 'active',
  scope: { text: 'treatment' },
  category: [{ coding: [{ system: 'urn:medassist:consent-type', code: type }] }],
  ...extra,
});

describe("the chart's consent status, on the clinic's calendar (decision 0017)", () => {
  it('an end date is the first day it no longer holds, in the clinic zone', () => {
    const policy = consent({ provision: { period: { end: '2026-12-01' } } }, 'privacy-notice');
    // 2026-12-01T03:00Z is Nov 30, 21:00 CST: still valid (UTC's date already said Dec 1).
    expect(consentState(policy, new Date('2026-12-01T03:00:00Z'), CHICAGO)).toBe('valid');
    // Dec 1, 10:00 CST: expired (the old `end < today` said valid all day).
    expect(consentState(policy, new Date('2026-12-01T16:00:00Z'), CHICAGO)).toBe('expired');
  });

  it('a consent to treat without an end lapses on the anniversary of its local signing day', () => {
    // Signed 2025-03-10T02:30Z = March 9, 21:30 CDT (DST began that morning): local day 2025-03-09.
    const signed = consent({ dateTime: '2025-03-10T02:30:00Z' });
    expect(consentState(signed, new Date('2026-03-08T18:00:00Z'), CHICAGO)).toBe('valid');
    expect(consentState(signed, new Date('2026-03-09T18:00:00Z'), CHICAGO)).toBe('expired');
    // Signed two years ago: expired (before, a consent with no end stayed "valid" for ever).
    expect(consentState(consent({ dateTime: '2024-11-27' }), new Date('2026-11-27T18:00:00Z'), CHICAGO)).toBe(
      'expired'
    );
  });

  it('inactive, unparseable, and consents that do not lapse', () => {
    expect(consentState(consent({ status: 'rejected' }), new Date(), CHICAGO)).toBe('inactive');
    expect(consentState(consent({ provision: { period: { end: 'soon' } } }), new Date(), CHICAGO)).toBe(
      'expired'
    );
    expect(consentState(consent({ dateTime: '2020-01-01' }, 'privacy-notice'), new Date(), CHICAGO)).toBe(
      'valid'
    );
  });

  it('years are added by the calendar', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2025-11-27', 1)).toBe('2026-11-27');
  });
});
