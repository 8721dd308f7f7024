/**
 * Civil dates and wall-clock times in the clinic's time zone. Days are numbered like Unix days (0 = 1970-01-01) but
 * name a local calendar date; instants are emitted in UTC (DESIGN.md: store UTC, apply the zone at the edges).
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export class ClinicClock {
  /** The local calendar day that contains `now`. */
  readonly today: number;
  /** Minutes after local midnight of `now`. */
  readonly nowMinutes: number;
  readonly nowMs: number;
  private readonly formatter: Intl.DateTimeFormat;

  constructor(
    now: Date,
    /** IANA time zone of the clinic, e.g. America/Chicago. */
    readonly timeZone: string
  ) {
    if (Number.isNaN(now.getTime())) {
      throw new RangeError('Demo clinic: options.today is not a valid date');
    }
    // Throws a RangeError naming the zone if it is unknown.
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.nowMs = now.getTime();
    const wall = this.wallClockMs(this.nowMs);
    this.today = Math.floor(wall / DAY_MS);
    this.nowMinutes = Math.floor((wall - this.today * DAY_MS) / MINUTE_MS);
  }

  /** ISO date (YYYY-MM-DD) of a local day. */
  date(day: number): string {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  /** 0 = Sunday ... 6 = Saturday. */
  weekday(day: number): number {
    return new Date(day * DAY_MS).getUTCDay();
  }

  isWeekday(day: number): boolean {
    const weekday = this.weekday(day);
    return weekday !== 0 && weekday !== 6;
  }

  /** The nearest weekday on or after `day`. */
  nextWeekday(day: number): number {
    let result = day;
    while (!this.isWeekday(result)) {
      result++;
    }
    return result;
  }

  /** Milliseconds since the epoch of a local wall-clock time, `minutes` after midnight of a local day. */
  instantMs(day: number, minutes: number): number {
    const wall = day * DAY_MS + minutes * MINUTE_MS;
    let utc = wall - this.offsetMs(wall);
    // Near a DST change the offset at the first guess can differ from the offset at the answer.
    utc = wall - this.offsetMs(utc);
    return utc;
  }

  /** FHIR instant (UTC, whole seconds) of a local wall-clock time. */
  instant(day: number, minutes: number): string {
    return new Date(this.instantMs(day, minutes)).toISOString().replace('.000Z', 'Z');
  }

  /** The local wall-clock time of a UTC instant, expressed as if it were UTC milliseconds. */
  private wallClockMs(utcMs: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(new Date(utcMs))) {
      if (part.type !== 'literal') {
        parts[part.type] = Number(part.value);
      }
    }
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  }

  private offsetMs(utcMs: number): number {
    return this.wallClockMs(utcMs) - Math.floor(utcMs / 1000) * 1000;
  }
}
