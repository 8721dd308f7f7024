/**
 * FHIR date, dateTime and instant values as half-open ranges [lo, hi) in epoch milliseconds, at the
 * precision they were written with (FHIR R4 search.html#date: "2026" is the whole year).
 * A value written without a time zone is taken as UTC (the clinic's zone is applied at the edges).
 */
const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface DateRange {
  lo: number;
  hi: number;
}

/** Parses a FHIR date/dateTime/instant into its range, or returns undefined when it is not one. */
export function parseDateRange(text: string): DateRange | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  if (year === 0) {
    return undefined; // FHIR years run from 0001
  }
  const month = mo ? Number(mo) : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) {
    return undefined;
  }
  if (day !== undefined && (day < 1 || day > daysInMonth(year, month ?? 1))) {
    return undefined;
  }
  // Seconds may be 60 (a leap second: the R4 time regex allows it); it is counted as the next minute's first.
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 60))) {
    return undefined;
  }
  if (tz && tz !== 'Z' && (Number(tz.slice(1, 3)) > 14 || Number(tz.slice(4, 6)) > 59)) {
    return undefined;
  }
  const offsetMs = tz && tz !== 'Z' ? tzOffsetMs(tz) : 0;
  if (month === undefined) {
    return { lo: utc(year, 0, 1), hi: utc(year + 1, 0, 1) };
  }
  if (day === undefined) {
    return { lo: utc(year, month - 1, 1), hi: utc(year, month, 1) };
  }
  if (h === undefined) {
    return { lo: utc(year, month - 1, day), hi: utc(year, month - 1, day + 1) };
  }
  const base = utc(year, month - 1, day, Number(h), Number(mi), s ? Number(s) : 0) - offsetMs;
  if (s === undefined) {
    return { lo: base, hi: base + 60_000 };
  }
  if (!frac) {
    return { lo: base, hi: base + 1000 };
  }
  const digits = Math.min(frac.length, 3);
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  return { lo: base + ms, hi: base + ms + 10 ** (3 - digits) };
}

/** Date.UTC without its quirk of reading years 0-99 as 1900-1999 (FHIR allows years from 0001). */
function utc(year: number, monthIndex: number, day: number, h = 0, mi = 0, s = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  d.setUTCHours(h, mi, s, 0);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

function tzOffsetMs(tz: string): number {
  const sign = tz.startsWith('-') ? -1 : 1;
  const [hh, mm] = tz.slice(1).split(':').map(Number);
  return sign * (hh * 60 + mm) * 60_000;
}
