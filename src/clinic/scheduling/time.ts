import { badRequest } from '../../fhir/outcome.js';

/**
 * Clinic-local dates and wall-clock times. A local date is a day number (days since 1970-01-01, naming the
 * calendar date, not an instant); instants are UTC milliseconds. The zone is applied per day, so a template
 * of 08:00 stays 08:00 local across a DST change (DESIGN.md: store UTC, apply the zone at the edges).
 */
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD into a day number; an impossible date (2026-02-30) is a 400 naming `field`. */
export function parseDate(value: unknown, field: string): number {
  const m = typeof value === 'string' ? DATE_RE.exec(value) : null;
  if (!m) {
    throw badRequest(`${field} must be a date YYYY-MM-DD`, field);
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (
    year < 1900 ||
    year > 2200 ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    throw badRequest(`${field} is not a real calendar date (${value as string})`, field);
  }
  return ms / DAY_MS;
}

/** The ISO date of a day number. */
export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(day: number): number {
  return new Date(day * DAY_MS).getUTCDay();
}

const INSTANT_RE =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d{1,3})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** Parses an ISO 8601 instant with a zone (Z or an offset) into UTC milliseconds; otherwise 400 naming `field`. */
export function parseInstant(value: unknown, field: string): number {
  const m = typeof value === 'string' ? INSTANT_RE.exec(value) : null;
  if (!m) {
    throw badRequest(`${field} must be an instant such as 2026-11-27T15:00:00.000Z`, field);
  }
  // Date.parse would roll 2026-02-30 over to March: the date part must be a real date.
  parseDate(m[1], field);
  return Date.parse(value as string);
}

/** Parses HH:MM (00:00-24:00) into minutes after midnight. */
export function parseClock(value: unknown, field: string): number {
  const m = typeof value === 'string' ? /^(\d{2}):(\d{2})(?::00)?$/.exec(value) : null;
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) {
    throw badRequest(`${field} must be a time of day HH:MM`, field);
  }
  return minutes;
}

export function clockOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const zones = new Map<string, Zone>();

/** A time zone: wall-clock times of local days to instants and back. */
export class Zone {
  private readonly formatter: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  private constructor(readonly name: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The zone of an IANA name (cached); an unknown name falls back to UTC. */
  static of(name: string | undefined): Zone {
    const key = name ?? 'UTC';
    let zone = zones.get(key);
    if (!zone) {
      try {
        zone = new Zone(key);
      } catch {
        zone = Zone.of('UTC');
      }
      zones.set(key, zone);
    }
    return zone;
  }

  /** The instant (UTC ms) of a wall-clock time, `minutes` after midnight of local `day`. */
  instant(day: number, minutes: number): number {
    const wall = day * DAY_MS + minutes * MINUTE_MS;
    let utc = wall - this.offset(wall);
    // Near a DST change the offset at the first guess can differ from the offset at the answer.
    utc = wall - this.offset(utc);
    return utc;
  }

  /** The local day and minutes after local midnight of an instant. */
  local(ms: number): { day: number; minutes: number } {
    const wall = ms + this.offset(ms);
    const day = Math.floor(wall / DAY_MS);
    return { day, minutes: Math.floor((wall - day * DAY_MS) / MINUTE_MS) };
  }

  /** Offset (local minus UTC) in ms at an instant; cached per quarter hour (zones change on such bounds). */
  private offset(ms: number): number {
    const key = Math.floor(ms / (15 * MINUTE_MS));
    const cached = this.offsets.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const parts: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(new Date(key * 15 * MINUTE_MS))) {
      if (part.type !== 'literal') {
        parts[part.type] = Number(part.value);
      }
    }
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    const offset = wall - key * 15 * MINUTE_MS;
    if (this.offsets.size > 100_000) {
      this.offsets.clear();
    }
    this.offsets.set(key, offset);
    return offset;
  }
}

/** Half-open interval [start, end) in UTC ms. */
export interface Interval {
  start: number;
  end: number;
}

/** Sorts and merges overlapping or touching intervals. */
export function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      last.end = Math.max(last.end, i.end);
    } else if (i.end > i.start) {
      out.push({ start: i.start, end: i.end });
    }
  }
  return out;
}

/** `open` minus `busy`; `busy` may be given already merged (sorted, disjoint) to skip merging it again. */
export function subtract(open: Interval[], busy: Interval[], busyMerged = false): Interval[] {
  const b = busyMerged ? busy : merge(busy);
  const out: Interval[] = [];
  for (const o of merge(open)) {
    // The first busy interval that ends after the window starts (b is sorted and disjoint).
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid].end <= o.start) lo = mid + 1;
      else hi = mid;
    }
    let cursor = o.start;
    for (let i = lo; i < b.length; i++) {
      const x = b[i];
      if (x.start >= o.end) break;
      if (x.start > cursor) out.push({ start: cursor, end: x.start });
      cursor = Math.max(cursor, x.end);
      if (cursor >= o.end) break;
    }
    if (cursor < o.end) out.push({ start: cursor, end: o.end });
  }
  return out;
}

export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;
