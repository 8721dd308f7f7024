import { badRequest } from '../../fhir/outcome.js';
import { assertId } from '../../store/repository.js';

/**
 * Reading the desk's JSON: each helper returns the clean value or throws a 400 naming the field, so a bad
 * request is refused before anything is read or written.
 */
export type Body = Record<string, unknown>;

export function asBody(value: unknown, field = 'body'): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${field} must be a JSON object`, field);
  }
  return value as Body;
}

export function optionalBody(value: unknown, field: string): Body | undefined {
  return value === undefined || value === null ? undefined : asBody(value, field);
}

/** A required text of 1-max characters (trimmed). */
export function text(value: unknown, field: string, max = 200): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.trim().length > max) {
    throw badRequest(`${field} is required (1-${max} characters)`, field);
  }
  return value.trim();
}

/** An optional text: absent, null or blank is undefined. */
export function optionalText(value: unknown, field: string, max = 200): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return undefined;
  }
  return text(value, field, max);
}

export function id(value: unknown, field: string): string {
  const v = text(value, field, 64);
  assertId(v, field);
  return v;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')}`, field);
  }
  return value as T;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether "YYYY-MM-DD" names a day on the calendar (2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) {
    return false;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** A calendar date "YYYY-MM-DD". */
export function date(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw badRequest(`${field} must be a real calendar date written YYYY-MM-DD`, field);
  }
  return value;
}

/** A birth date: a real date, not in the future, not before 1900. `today` is "YYYY-MM-DD". */
export function birthDate(value: unknown, field: string, today: string): string {
  const d = date(value, field);
  if (d > today) {
    throw badRequest(`${field} is in the future`, field);
  }
  if (d < '1900-01-01') {
    throw badRequest(`${field} is before 1900`, field);
  }
  return d;
}

/**
 * A US phone number: 10 digits (an optional leading country code 1), written as "(512) 555-0101".
 * Returns the display form; its digits are what duplicate checks compare.
 */
export function phone(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[0-9()+.\-\s]{7,25}$/.test(value.trim())) {
    throw badRequest(`${field} must be a phone number such as (512) 555-0101`, field);
  }
  let digits = value.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) {
    digits = digits.slice(1);
  }
  if (digits.length !== 10 || /^[01]/.test(digits)) {
    throw badRequest(`${field} must be a 10-digit US phone number such as (512) 555-0101`, field);
  }
  return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

export function phoneDigits(display: string): string {
  const digits = display.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}

/** An e-mail address: one "@", a dot in the domain, no spaces (what a desk can check without sending). */
export function email(value: unknown, field: string): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (v.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v)) {
    throw badRequest(`${field} must be an e-mail address such as name@example.com`, field);
  }
  return v;
}

/** A money amount in dollars, 0-100000, at most 2 decimals. */
export function money(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100_000) {
    throw badRequest(`${field} must be an amount in dollars (0-100000)`, field);
  }
  if (Math.round(value * 100) !== value * 100) {
    throw badRequest(`${field} has more than 2 decimals`, field);
  }
  return value;
}

/**
 * The latest date it can be anywhere now (UTC+14), "YYYY-MM-DD": what "not in the future" compares a
 * clinic's local date with, whatever the clinic's zone. Defaults (a consent signed "today") are the
 * clinic's local date (clinicToday, src/clinic/flow/clinicZone.ts) when the desk sends none.
 */
export function todayOf(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}
