import type { ContactPoint, Patient } from '@medplum/fhirtypes';
import type { Channel, Language } from './settings.js';

/**
 * A patient who asked not to get reminders: this extension on the Patient with valueBoolean true. (A
 * ContactPoint whose period has ended is not used either.)
 */
export const REMINDER_OPT_OUT_URL = 'https://medassist.dev/fhir/StructureDefinition/reminder-opt-out';

function current(cp: ContactPoint, now: Date): boolean {
  return !!cp.value && (!cp.period?.end || new Date(cp.period.end) > now);
}

const isEmail = (cp: ContactPoint): boolean => cp.system === 'email';
/** Texts go only to mobile phones: `sms` contact points, or phones marked `mobile`. */
const isMobile = (cp: ContactPoint): boolean =>
  cp.system === 'sms' || (cp.system === 'phone' && cp.use === 'mobile');

export function optedOut(patient: Patient): boolean {
  return !!patient.extension?.some((e) => e.url === REMINDER_OPT_OUT_URL && e.valueBoolean === true);
}

/**
 * Where a patient's reminder goes on each channel the practice uses. The patient's preferred contact point
 * (ContactPoint.rank: 1 is the most preferred) decides when it is an email address or a mobile phone: then
 * only that channel is used. A preferred home phone cannot take a text, so it leaves both channels open.
 */
export function reminderAddresses(
  patient: Patient,
  channels: readonly Channel[],
  now: Date
): Partial<Record<Channel, string>> {
  if (optedOut(patient) || patient.deceasedBoolean || patient.deceasedDateTime) {
    return {};
  }
  const telecom = (patient.telecom ?? []).filter((cp) => current(cp, now));
  const byRank = [...telecom].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  const email = byRank.find(isEmail);
  const mobile = byRank.find(isMobile);
  const preferred = byRank[0]?.rank !== undefined ? byRank[0] : undefined;
  const out: Partial<Record<Channel, string>> = {};
  if (channels.includes('email') && email?.value) {
    out.email = email.value;
  }
  if (channels.includes('sms') && mobile?.value) {
    out.sms = mobile.value;
  }
  if (preferred && isEmail(preferred) && out.email) {
    return { email: out.email };
  }
  if (preferred && isMobile(preferred) && out.sms) {
    return { sms: out.sms };
  }
  return out;
}

/**
 * The language of a patient's reminders: their preferred Patient.communication (BCP 47, `es`, `es-MX`),
 * or the first one listed; English when it is not one reminders are written in.
 */
export function reminderLanguage(patient: Patient): Language {
  const list = patient.communication ?? [];
  const chosen = list.find((c) => c.preferred) ?? list[0];
  const code = chosen?.language.coding?.find((c) => c.code)?.code?.toLowerCase() ?? '';
  return code === 'es' || code.startsWith('es-') ? 'es' : 'en';
}

/** Digits of a phone number, the last 10 (US numbers with or without +1). */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '').slice(-10);
}
