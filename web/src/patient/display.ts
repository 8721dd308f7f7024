/**
 * How a patient's demographics are shown: names, dates, age, sex, MRN, language. Pure: no I/O, no DOM.
 */
import type { CodeableConcept, HumanName, Identifier, Patient } from '@medplum/fhirtypes';

/** The MRN system the demo clinic uses; any identifier typed MR (HL7 v2-0203) also counts. */
export const MRN_SYSTEM = 'urn:medassist:mrn';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const INTERPRETER_REQUIRED_URL = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';

/** "Given Middle Family" (or the name's text). */
export function formatHumanName(name: HumanName | undefined): string {
  if (!name) return '';
  if (name.text && !name.family && !name.given?.length) return name.text;
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? '', ...(name.suffix ?? [])]
    .filter(Boolean)
    .join(' ');
}

/** The legal name: the one with use "official", else the first that is not old or a maiden name. */
export function officialName(patient: Patient): HumanName | undefined {
  const names = patient.name ?? [];
  return (
    names.find((n) => n.use === 'official') ??
    names.find((n) => n.use !== 'old' && n.use !== 'maiden') ??
    names[0]
  );
}

/** The name the patient goes by (use "usual" or "nickname"), only when it differs from the legal name. */
export function nameToUse(patient: Patient): string | undefined {
  const usual = (patient.name ?? []).find((n) => n.use === 'usual' || n.use === 'nickname');
  if (!usual) return undefined;
  const shown = formatHumanName(usual);
  return shown && shown !== formatHumanName(officialName(patient)) ? shown : undefined;
}

/** The patient's display name, or a placeholder that says it is missing. */
export function patientName(patient: Patient): string {
  return formatHumanName(officialName(patient)) || 'Name not recorded';
}

/** "Family, Given Middle", the way clinic lists sort and show names; falls back to the name's text. */
export function formatNameFamilyFirst(name: HumanName | undefined): string {
  if (!name) return '';
  const given = (name.given ?? []).join(' ');
  if (name.family && given) return `${name.family}, ${given}`;
  return name.family || given || name.text || '';
}

/** The legal name, family first, or a placeholder that says it is missing. */
export function patientNameFamilyFirst(patient: Patient): string {
  return formatNameFamilyFirst(officialName(patient)) || 'Name not recorded';
}

/** A FHIR date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) as the US writes it: `03/04/1961`. No time zone shift. */
export function formatDate(date: string | undefined): string {
  if (!date) return '';
  const [y, m, d] = date.slice(0, 10).split('-');
  if (!m) return y ?? '';
  if (!d) return `${m}/${y}`;
  return `${m}/${d}/${y}`;
}

/** A FHIR dateTime as a local date (`11/26/2026`); a bare date is shown as is. */
export function formatDateTime(value: string | undefined, withTime = false, timeZone?: string): string {
  if (!value) return '';
  if (value.length <= 10) return formatDate(value);
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) return value;
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', timeZone };
  if (withTime) Object.assign(options, { hour: 'numeric', minute: '2-digit' });
  return when.toLocaleString('en-US', options);
}

/** The local time of a FHIR dateTime: "3:10 PM". */
export function formatTime(value: string | undefined, timeZone?: string): string {
  if (!value || value.length <= 10) return '';
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) return '';
  return when.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone });
}

/**
 * Age on `today` (a `YYYY-MM-DD` string) from a birth date, the way clinics say it:
 * "62 y" from 2 years on, "14 mo" under 2 years, "12 d" under a month. Undefined without a full birth date.
 */
export function formatAge(birthDate: string | undefined, today: string): string | undefined {
  const birth = parseYmd(birthDate);
  const now = parseYmd(today);
  if (!birth || !now) return undefined;
  let months = (now.y - birth.y) * 12 + (now.m - birth.m);
  if (now.d < birth.d) months -= 1;
  if (months < 0) return undefined;
  if (months >= 24) return `${Math.floor(months / 12)} y`;
  if (months >= 1) return `${months} mo`;
  const days = Math.round(
    (Date.UTC(now.y, now.m - 1, now.d) - Date.UTC(birth.y, birth.m - 1, birth.d)) / 86_400_000
  );
  return `${days} d`;
}

function parseYmd(value: string | undefined): { y: number; m: number; d: number } | undefined {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  if (!match) return undefined;
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

/** Today's date as `YYYY-MM-DD` in a time zone (the clinic's; the browser's when undefined). */
export function todayIso(now: Date = new Date(), timeZone?: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return now.toLocaleDateString('en-CA', { timeZone });
}

/** Administrative sex as a word ("Female"), or "Sex not recorded". */
export function formatSex(gender: Patient['gender']): string {
  switch (gender) {
    case 'female':
      return 'Female';
    case 'male':
      return 'Male';
    case 'other':
      return 'Other';
    case 'unknown':
      return 'Unknown';
    case undefined:
      return 'Sex not recorded';
  }
}

/** The medical record number: the clinic's MRN system first, else any identifier typed MR. */
export function medicalRecordNumber(patient: Patient): string | undefined {
  const ids = patient.identifier ?? [];
  const isMr = (id: Identifier): boolean =>
    id.type?.coding?.some((c) => c.code === 'MR' && (!c.system || c.system === V2_0203)) ?? false;
  return (ids.find((id) => id.system === MRN_SYSTEM) ?? ids.find(isMr))?.value;
}

/** The text of a CodeableConcept: its text, else the first coding's display, else its code. */
export function conceptText(concept: CodeableConcept | undefined): string {
  if (!concept) return '';
  return concept.text ?? concept.coding?.find((c) => c.display)?.display ?? concept.coding?.[0]?.code ?? '';
}

export interface LanguageNeed {
  /** The preferred language as text, e.g. "Spanish", or undefined when none is recorded. */
  language?: string;
  /** True when the record says an interpreter is required, or the preferred language is not English. */
  interpreter: boolean;
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Spanish' };

/** The preferred language and whether an interpreter is needed (patient-interpreterRequired, or not English). */
export function languageNeed(patient: Patient): LanguageNeed {
  const comms = patient.communication ?? [];
  const preferred = comms.find((c) => c.preferred) ?? comms[0];
  const code = preferred?.language.coding?.find((c) => c.code)?.code;
  const base = code?.split('-')[0]?.toLowerCase();
  let language = preferred ? conceptText(preferred.language) : undefined;
  if (language && base && language === code) language = languageName(base) ?? language;
  const flagged = patient.extension?.find((e) => e.url === INTERPRETER_REQUIRED_URL)?.valueBoolean;
  const notEnglish =
    base !== undefined ? base !== 'en' : language !== undefined && !/^english/i.test(language);
  return { language, interpreter: flagged ?? notEnglish };
}

function languageName(code: string): string | undefined {
  if (LANGUAGE_NAMES[code]) return LANGUAGE_NAMES[code];
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code);
  } catch {
    return undefined;
  }
}

/** Minutes east of UTC of a time zone at an instant ("GMT-06:00" -> -360). */
function offsetMinutes(ms: number, timeZone: string): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The UTC instant of local midnight starting `day` (YYYY-MM-DD) in a time zone. */
function localMidnight(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  // The offset at midnight can differ from the offset at the guess on a daylight-saving day: settle it twice.
  let instant = guess - offsetMinutes(guess, timeZone) * 60_000;
  instant = guess - offsetMinutes(instant, timeZone) * 60_000;
  return instant;
}

/**
 * A clinic's local day as two UTC instants [start, end): what "today" means in searches, since the server
 * reads a bare date as a UTC day. Without a time zone, the browser's.
 */
export function localDayBounds(day: string, timeZone?: string): [string, string] {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return [
    new Date(localMidnight(day, zone)).toISOString(),
    new Date(localMidnight(next, zone)).toISOString(),
  ];
}
