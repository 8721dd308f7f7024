/**
 * Pure helpers of the intake panels and pages (tested in test/web/rooming/intake): the co-signature line,
 * dates, the huddle's allergy words and the handout language.
 */

export interface IntakeEntryView {
  id: string;
  kind: 'chiefComplaint' | 'note';
  text: string;
  status: string;
  version: string;
  awaitingCosign: boolean;
  enteredBy: { name: string; role?: string; practitionerId?: string };
  enteredAt: string;
  signed?: { by: string; at: string };
}

/** A date-time in the clinic's zone, e.g. "Nov 27, 2026, 9:05 AM". */
export function formatDateTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** What the intake panel says under an entry: awaiting whom, or who signed and when. */
export function cosignLine(
  entry: IntakeEntryView | undefined,
  providerName: string | undefined,
  timeZone?: string
): string | undefined {
  if (!entry) return undefined;
  if (entry.awaitingCosign) {
    return `Awaiting co-signature by ${providerName && providerName.trim() ? providerName : 'the provider'}`;
  }
  if (entry.signed) return `Co-signed by ${entry.signed.by} at ${formatDateTime(entry.signed.at, timeZone)}`;
  return entry.enteredBy.role === 'provider'
    ? `Entered by the provider (${entry.enteredBy.name})`
    : undefined;
}

/** The local date (YYYY-MM-DD) of an instant in a zone (the browser's when none is given). */
export function localDay(now: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Tomorrow's local date: the huddle sheet's default. */
export function tomorrow(now: Date, timeZone?: string): string {
  const [y, m, d] = localDay(now, timeZone).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The huddle's allergy column: a count, NKDA, or not recorded (restricted charts: nothing). */
export function allergyWords(allergies: { count: number; nkda: boolean } | null): string {
  if (!allergies) return '';
  if (allergies.count > 0) return `${allergies.count} ${allergies.count === 1 ? 'allergy' : 'allergies'}`;
  return allergies.nkda ? 'NKDA' : 'Not recorded';
}

export type HandoutLanguage = 'en' | 'es';

/** The handout language to start with: the patient's preferred one when it is English or Spanish. */
export function startLanguage(preferred: string | undefined): HandoutLanguage {
  const code = (preferred ?? '').toLowerCase();
  return code === 'es' || code.startsWith('es-') ? 'es' : 'en';
}

/** The handout PDF's URL (no patient data in it). */
export function handoutPdfUrl(handoutId: string, language: HandoutLanguage, siteId?: string): string {
  const params = new URLSearchParams({ language });
  if (siteId) params.set('location', siteId);
  return `/api/rooming/handouts/${encodeURIComponent(handoutId)}/pdf?${params.toString()}`;
}

/** The huddle sheet's URLs for a site and a day. */
export function huddleUrl(siteId: string, date: string, pdf = false): string {
  const params = new URLSearchParams({ location: siteId, date });
  return `/api/rooming/huddle${pdf ? '/pdf' : ''}?${params.toString()}`;
}
