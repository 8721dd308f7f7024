import { describe, expect, it } from 'vitest';
import {
  allergyWords,
  cosignLine,
  formatDateTime,
  handoutPdfUrl,
  huddleUrl,
  localDay,
  startLanguage,
  tomorrow,
  type IntakeEntryView,
} from '../../../../web/src/rooming/intake/intakeModel.js';

const entry = (extra: Partial<IntakeEntryView> = {}): IntakeEntryView => ({
  id: 'obs-1',
  kind: 'chiefComplaint',
  text: 'Cough',
  status: 'preliminary',
  version: '1',
  awaitingCosign: true,
  enteredBy: { name: 'lortega', role: 'medical-assistant' },
  enteredAt: '2026-11-27T14:05:00Z',
  ...extra,
});

describe('the co-signature line', () => {
  it('names the provider the entry waits for, or who signed and when (clinic time)', () => {
    expect(cosignLine(entry(), 'Dr. Amara Nwosu')).toBe('Awaiting co-signature by Dr. Amara Nwosu');
    expect(cosignLine(entry(), undefined)).toBe('Awaiting co-signature by the provider');
    // 2026-11-27 15:30 UTC is 10:30 AM in New York (EST, UTC-5).
    expect(
      cosignLine(
        entry({
          awaitingCosign: false,
          status: 'final',
          signed: { by: 'anwosu', at: '2026-11-27T15:30:00Z' },
        }),
        'Dr. Amara Nwosu',
        'America/New_York'
      )
    ).toBe('Co-signed by anwosu at Nov 27, 2026, 10:30 AM');
    expect(cosignLine(undefined, 'x')).toBeUndefined();
    expect(
      cosignLine(
        entry({ awaitingCosign: false, status: 'final', enteredBy: { name: 'anwosu', role: 'provider' } }),
        'x'
      )
    ).toBe('Entered by the provider (anwosu)');
  });

  it('formats an unreadable date as given', () => {
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});

describe('dates of the huddle sheet', () => {
  it('tomorrow is the next local day in the clinic zone, across month and year ends', () => {
    // 2026-12-31 23:30 in New York is 2027-01-01 04:30 UTC: local today is Dec 31, tomorrow Jan 1.
    const lateNewYearsEve = new Date('2027-01-01T04:30:00Z');
    expect(localDay(lateNewYearsEve, 'America/New_York')).toBe('2026-12-31');
    expect(tomorrow(lateNewYearsEve, 'America/New_York')).toBe('2027-01-01');
    expect(tomorrow(lateNewYearsEve, 'UTC')).toBe('2027-01-02');
    expect(tomorrow(new Date('2028-02-28T12:00:00Z'), 'UTC')).toBe('2028-02-29');
  });
  it('builds the JSON and PDF URLs with the site id and date only', () => {
    expect(huddleUrl('site-main', '2026-11-28')).toBe(
      '/api/rooming/huddle?location=site-main&date=2026-11-28'
    );
    expect(huddleUrl('site-main', '2026-11-28', true)).toBe(
      '/api/rooming/huddle/pdf?location=site-main&date=2026-11-28'
    );
  });
});

describe('allergies and handout language', () => {
  it('says a count, NKDA, or not recorded', () => {
    expect(allergyWords({ count: 2, nkda: false })).toBe('2 allergies');
    expect(allergyWords({ count: 1, nkda: false })).toBe('1 allergy');
    expect(allergyWords({ count: 0, nkda: true })).toBe('NKDA');
    expect(allergyWords({ count: 0, nkda: false })).toBe('Not recorded');
    expect(allergyWords(null)).toBe('');
  });
  it("starts with the patient's language when it is Spanish, else English", () => {
    expect(startLanguage('es')).toBe('es');
    expect(startLanguage('es-MX')).toBe('es');
    expect(startLanguage('vi')).toBe('en');
    expect(startLanguage(undefined)).toBe('en');
    expect(handoutPdfUrl('asthma', 'es', 'site-main')).toBe(
      '/api/rooming/handouts/asthma/pdf?language=es&location=site-main'
    );
    expect(handoutPdfUrl('asthma', 'en')).toBe('/api/rooming/handouts/asthma/pdf?language=en');
  });
});
