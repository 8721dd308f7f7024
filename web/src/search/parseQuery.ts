/**
 * What the MA typed in the patient search box -> the FHIR search parameters that find that patient.
 *
 * Pure: no I/O, no DOM. The forms recognised, in order:
 * - a date of birth, US month/day order: `3/4/1961`, `03/04/1961`, `03-04-1961`, `03041961`, or ISO
 *   `1961-03-04` -> `birthdate=1961-03-04`. A date-shaped value is sent as typed (zero-padded) even if it
 *   is not a real date, so the server's OperationOutcome can point at it.
 * - a date still being typed (`3/4/19`) -> nothing yet.
 * - a phone number, digits with optional punctuation (`(737) 555-01`) -> `phone:text=73755501`: the server
 *   indexes phone digits and `:text` matches their start.
 * - a medical record number, letters and digits in one word (`RB100007`) -> `identifier=RB100007`.
 * - `last, first` -> `family=last&given=first`.
 * - words -> `name=word` per word; repeated parameters AND, so `jose munoz` finds José Muñoz.
 */

/** The kind of search the typed text became, so the UI can say what it searched for. */
export const SEARCH_KINDS = [
  'none',
  'incomplete-date',
  'birthdate',
  'phone',
  'identifier',
  'family-given',
  'name',
] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export interface PatientQuery {
  kind: SearchKind;
  /** Search parameters in order, as [name, value] pairs (a parameter may repeat). */
  params: [string, string][];
}

/** The fewest characters worth searching on for a name. */
export const MIN_NAME_LENGTH = 2;

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const US_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const PARTIAL_US_DATE = /^\d{1,2}[/.]\d{0,2}([/.]\d{0,3})?$/;
const EIGHT_DIGITS = /^(\d{2})(\d{2})(\d{4})$/;
const PHONE = /^[\d\s().+-]+$/;
const IDENTIFIER = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9-]+$/;

/** Turns the search box text into the parameters of a `Patient` search. */
export function parsePatientQuery(text: string): PatientQuery {
  const q = text.trim().replace(/\s+/g, ' ');
  if (q === '') return { kind: 'none', params: [] };

  const date = parseDateOfBirth(q);
  if (date) return { kind: 'birthdate', params: [['birthdate', date]] };
  if (PARTIAL_US_DATE.test(q)) return { kind: 'incomplete-date', params: [] };

  if (PHONE.test(q)) {
    const digits = q.replace(/\D/g, '');
    if (digits.length < 3) return { kind: 'none', params: [] };
    return { kind: 'phone', params: [['phone:text', digits]] };
  }

  if (IDENTIFIER.test(q)) return { kind: 'identifier', params: [['identifier', q]] };

  const comma = q.indexOf(',');
  if (comma >= 0) {
    const family = q.slice(0, comma).trim();
    const given = q.slice(comma + 1).trim();
    const params: [string, string][] = [];
    if (family) params.push(['family', family]);
    for (const part of given.split(' ').filter(Boolean)) params.push(['given', part]);
    if (params.length === 0 || (params.length === 1 && !given && family.length < MIN_NAME_LENGTH)) {
      return { kind: 'none', params: [] };
    }
    return { kind: 'family-given', params };
  }

  if (q.length < MIN_NAME_LENGTH) return { kind: 'none', params: [] };
  return { kind: 'name', params: q.split(' ').map((word): [string, string] => ['name', word]) };
}

/**
 * A typed date of birth -> `YYYY-MM-DD`, or undefined when the text is not date-shaped.
 * US order (month first) for slashed and 8-digit forms. Range checks are left to the server.
 */
export function parseDateOfBirth(text: string): string | undefined {
  const iso = ISO_DATE.exec(text);
  if (iso) return `${iso[1]}-${pad2(iso[2])}-${pad2(iso[3])}`;
  const us = US_DATE.exec(text) ?? EIGHT_DIGITS.exec(text);
  if (us) return `${us[3]}-${pad2(us[1])}-${pad2(us[2])}`;
  return undefined;
}

function pad2(value: string | undefined): string {
  return (value ?? '').padStart(2, '0');
}

/** A short phrase for what was searched, e.g. "date of birth 03/04/1961", for the results' header. */
export function describeQuery(query: PatientQuery): string {
  switch (query.kind) {
    case 'birthdate':
      return 'date of birth';
    case 'phone':
      return 'phone number';
    case 'identifier':
      return 'medical record number';
    case 'family-given':
      return 'last name, first name';
    case 'name':
      return 'name';
    case 'incomplete-date':
      return 'date of birth (keep typing: MM/DD/YYYY)';
    case 'none':
      return '';
  }
}
