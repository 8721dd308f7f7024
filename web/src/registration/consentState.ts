import type { Consent } from '@medplum/fhirtypes';
import { todayIso } from '../patient/display';

export const CONSENT_TYPE_SYSTEM = 'urn:medassist:consent-type';
/** Consents that last a year from signing when no end was entered (as check-in, src/clinic/flow/checkIn.ts). */
const YEARLY = new Set(['consent-to-treat', 'financial-policy']);
const DATE_ONLY = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** A calendar date plus whole years, clamped to the month's end (2024-02-29 + 1 year = 2025-02-28). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * What the chart says of a consent, by the rule check-in asks by (consentLapsed, src/clinic/flow/checkIn.ts;
 * docs/decisions/0017-clinic-local-dates.md): `provision.period.end` is the first clinic day it no longer
 * holds (an instant: from that instant); without one, a consent to treat or financial policy lapses on the
 * anniversary of its local signing day; an end or signing date that does not parse counts as expired.
 */
export function consentState(
  consent: Consent,
  now: Date,
  timeZone?: string
): 'valid' | 'expired' | 'inactive' {
  if (consent.status !== 'active') return 'inactive';
  const today = todayIso(now, timeZone);
  const end = consent.provision?.period?.end;
  if (end) {
    if (DATE_ONLY.test(end)) return today.slice(0, end.length) >= end ? 'expired' : 'valid';
    const at = Date.parse(end);
    return Number.isNaN(at) || now.getTime() >= at ? 'expired' : 'valid';
  }
  const type = consent.category
    ?.flatMap((c) => c.coding ?? [])
    .find((c) => c.system === CONSENT_TYPE_SYSTEM)?.code;
  if (type && YEARLY.has(type) && consent.dateTime) {
    const signed = /^\d{4}-\d{2}-\d{2}$/.test(consent.dateTime)
      ? consent.dateTime
      : Number.isNaN(Date.parse(consent.dateTime))
        ? undefined
        : todayIso(new Date(consent.dateTime), timeZone);
    return signed === undefined || today >= addYears(signed, 1) ? 'expired' : 'valid';
  }
  return 'valid';
}
