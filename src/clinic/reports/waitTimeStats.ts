/**
 * The wait-time report's arithmetic, pure: visits and appointments in, one row per day and provider out.
 * waitTimeReport.ts gathers the inputs from the store; these functions never see the database.
 *
 * Definitions (docs/front-desk-api.md, "Wait-time report"):
 * - arrival to roomed = first `roomed` minus first `arrived` of the visit's flow history; roomed to provider =
 *   first `with-provider` minus first `roomed`; total visit = first `checked-out` minus first `arrived`.
 *   A visit without both ends of an interval (telehealth has no room, a patient who left was never seen)
 *   does not count for that interval; `n` says how many did.
 * - median: the middle value, or the mean of the two middle values when there is an even number;
 *   90th percentile: nearest rank, the value at rank ceil(0.9 x n) of the values sorted ascending.
 * - no-show rate = `noshow` appointments / appointments that were due (started before now and not
 *   cancelled, entered in error, proposed, pending or on the waitlist).
 * - on-time start: a visit with an appointment whose `with-provider` began no later than 5 minutes after the
 *   appointment's start (early counts as on time); the rate is over visits with an appointment and a
 *   `with-provider` time.
 */

/** One visit (an Encounter with a flow history), reduced to what the report needs. Times in ms since epoch. */
export interface VisitTimes {
  /** The clinic's local date of arrival (YYYY-MM-DD). */
  date: string;
  providerId: string;
  providerName: string;
  arrived: number;
  roomed?: number;
  withProvider?: number;
  checkedOut?: number;
  leftWithoutBeingSeen: boolean;
  /** The booked start, when the visit has an Appointment. */
  appointmentStart?: number;
}

/** An Appointment that was due, reduced to what the report needs. */
export interface DueAppointment {
  date: string;
  providerId: string;
  providerName: string;
  noShow: boolean;
}

/** A distribution of minutes: how many values, median and 90th percentile (null when there are none). */
export interface MinuteStats {
  n: number;
  median: number | null;
  p90: number | null;
}

export interface WaitTimeFigures {
  visits: number;
  leftWithoutBeingSeen: number;
  arrivalToRoomed: MinuteStats;
  roomedToProvider: MinuteStats;
  totalVisit: MinuteStats;
  appointmentsDue: number;
  noShows: number;
  /** noShows / appointmentsDue, 0-1 to 3 decimals; null when nothing was due. */
  noShowRate: number | null;
  /** Visits with an appointment and a with-provider time. */
  onTimeEligible: number;
  onTimeStarts: number;
  /** onTimeStarts / onTimeEligible, 0-1 to 3 decimals; null when none were eligible. */
  onTimeRate: number | null;
}

export interface WaitTimeRow extends WaitTimeFigures {
  date: string;
  provider: { id: string; name: string };
}

export interface WaitTimeDay extends WaitTimeFigures {
  date: string;
}

/** How late a with-provider start may be and still count as on time. */
export const ON_TIME_MINUTES = 5;

const MINUTE_MS = 60_000;

/** The median: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0 < p <= 100) by nearest rank: the value at rank ceil(p/100 x n), 1-based. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

const round1 = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);
const rate = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;

export function minuteStats(values: readonly number[]): MinuteStats {
  return { n: values.length, median: round1(median(values)), p90: round1(nearestRank(values, 90)) };
}

function minutesBetween(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : (to - from) / MINUTE_MS;
}

function defined(values: (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}

/** The figures of a group of visits and due appointments. */
export function figures(visits: readonly VisitTimes[], due: readonly DueAppointment[]): WaitTimeFigures {
  const eligible = visits.filter((v) => v.appointmentStart !== undefined && v.withProvider !== undefined);
  const onTime = eligible.filter(
    (v) => (v.withProvider ?? 0) - (v.appointmentStart ?? 0) <= ON_TIME_MINUTES * MINUTE_MS
  );
  const noShows = due.filter((a) => a.noShow).length;
  return {
    visits: visits.length,
    leftWithoutBeingSeen: visits.filter((v) => v.leftWithoutBeingSeen).length,
    arrivalToRoomed: minuteStats(defined(visits.map((v) => minutesBetween(v.arrived, v.roomed)))),
    roomedToProvider: minuteStats(defined(visits.map((v) => minutesBetween(v.roomed, v.withProvider)))),
    totalVisit: minuteStats(defined(visits.map((v) => minutesBetween(v.arrived, v.checkedOut)))),
    appointmentsDue: due.length,
    noShows,
    noShowRate: rate(noShows, due.length),
    onTimeEligible: eligible.length,
    onTimeStarts: onTime.length,
    onTimeRate: rate(onTime.length, eligible.length),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * One row per day and provider (by date, then provider name), one per day over all providers, and the
 * whole range. A day and provider with appointments but no visits (all no-shows) still has a row.
 */
export function summarize(
  visits: readonly VisitTimes[],
  due: readonly DueAppointment[]
): { rows: WaitTimeRow[]; days: WaitTimeDay[]; total: WaitTimeFigures } {
  const key = (item: { date: string; providerId: string }): string => `${item.date}\u0000${item.providerId}`;
  const visitsBy = groupBy(visits, key);
  const dueBy = groupBy(due, key);
  const names = new Map<string, string>();
  for (const item of [...visits, ...due]) names.set(item.providerId, item.providerName);
  const keys = [...new Set([...visitsBy.keys(), ...dueBy.keys()])];
  const rows = keys
    .map((k): WaitTimeRow => {
      const [date, providerId] = k.split('\u0000');
      return {
        date,
        provider: { id: providerId, name: names.get(providerId) ?? providerId },
        ...figures(visitsBy.get(k) ?? [], dueBy.get(k) ?? []),
      };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.provider.name.localeCompare(b.provider.name));
  const visitsByDay = groupBy(visits, (v) => v.date);
  const dueByDay = groupBy(due, (a) => a.date);
  const days = [...new Set([...visitsByDay.keys(), ...dueByDay.keys()])].sort().map((date): WaitTimeDay => ({
    date,
    ...figures(visitsByDay.get(date) ?? [], dueByDay.get(date) ?? []),
  }));
  return { rows, days, total: figures(visits, due) };
}

const CSV_COLUMNS = [
  'date',
  'provider_id',
  'provider',
  'visits',
  'left_without_being_seen',
  'arrival_to_roomed_n',
  'arrival_to_roomed_median_min',
  'arrival_to_roomed_p90_min',
  'roomed_to_provider_n',
  'roomed_to_provider_median_min',
  'roomed_to_provider_p90_min',
  'total_visit_n',
  'total_visit_median_min',
  'total_visit_p90_min',
  'appointments_due',
  'no_shows',
  'no_show_rate',
  'on_time_eligible',
  'on_time_starts',
  'on_time_rate',
] as const;

/**
 * RFC 4180: comma-separated, CRLF line ends, a field with a comma, quote or line break in double quotes
 * (quotes doubled). A text cell a spreadsheet would run as a formula gets a leading ' (OWASP CSV injection).
 * Empty cells where a figure has no value.
 */
export function waitTimeCsv(rows: readonly WaitTimeRow[]): string {
  const cell = (value: string | number | null): string => {
    if (value === null) return '';
    if (typeof value === 'number') return String(value);
    const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = rows.map((r) =>
    [
      r.date,
      r.provider.id,
      r.provider.name,
      r.visits,
      r.leftWithoutBeingSeen,
      r.arrivalToRoomed.n,
      r.arrivalToRoomed.median,
      r.arrivalToRoomed.p90,
      r.roomedToProvider.n,
      r.roomedToProvider.median,
      r.roomedToProvider.p90,
      r.totalVisit.n,
      r.totalVisit.median,
      r.totalVisit.p90,
      r.appointmentsDue,
      r.noShows,
      r.noShowRate,
      r.onTimeEligible,
      r.onTimeStarts,
      r.onTimeRate,
    ]
      .map(cell)
      .join(',')
  );
  return [CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}
