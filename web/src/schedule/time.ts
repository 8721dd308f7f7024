/**
 * Clinic-local dates and times for the scheduling screens. The server speaks UTC instants and the clinic's
 * local dates (docs/front-desk-api.md); these turn one into the other in the clinic's IANA time zone, so the
 * calendar shows clinic time whatever zone the browser is in. Pure: no I/O, no DOM.
 */

/** The calendar's rows: 07:00 to 18:00 in 10-minute steps (66 rows). */
export const DAY_START_MINUTES = 7 * 60;
export const DAY_END_MINUTES = 18 * 60;
export const ROW_MINUTES = 10;
export const ROW_COUNT = (DAY_END_MINUTES - DAY_START_MINUTES) / ROW_MINUTES;

/** A local date (YYYY-MM-DD) and minutes after its midnight. */
export interface LocalTime {
  date: string;
  minutes: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const match = DATE_RE.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The day of the week of a date: 0 Sunday ... 6 Saturday. */
export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The Monday on or before `date`: where a week view starts. */
export function mondayOf(date: string): string {
  return addDays(date, -((weekday(date) + 6) % 7));
}

function partsIn(ms: number, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const out: Record<string, number> = {};
  for (const part of parts) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

/** Minutes the zone is ahead of UTC at an instant (America/Chicago in winter: -360). */
function offsetAt(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The local date and minutes of an instant in a time zone. */
export function localTimeOf(instant: string, timeZone: string): LocalTime {
  const p = partsIn(Date.parse(instant), timeZone);
  const date = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  return { date, minutes: p.hour * 60 + p.minute };
}

/**
 * The UTC instant (ISO, with milliseconds) of a local wall time. On the autumn daylight-saving day a repeated
 * hour reads as its first occurrence; a skipped spring hour moves forward by the gap.
 */
export function instantOf(date: string, minutes: number, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  // Settle the offset twice: the offset at the guess can differ from the offset at the answer.
  let ms = wall - offsetAt(wall, timeZone) * 60_000;
  ms = wall - offsetAt(ms, timeZone) * 60_000;
  return new Date(ms).toISOString();
}

/** Minutes after midnight as a clock time: 430 -> "7:10 AM", 780 -> "1:00 PM". */
export function clockLabel(minutes: number): string {
  const h = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${hour12}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The local clock time of an instant: "9:10 AM". */
export function timeLabel(instant: string, timeZone: string): string {
  return clockLabel(localTimeOf(instant, timeZone).minutes);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const WEEKDAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** "Tue 12/01" (short, for column headers and slot lists). */
export function shortDateLabel(date: string): string {
  const [, m, d] = date.split('-');
  return `${WEEKDAYS[weekday(date)]} ${m}/${d}`;
}

/** "Tuesday 12/01/2026". */
export function longDateLabel(date: string): string {
  const [y, m, d] = date.split('-');
  return `${WEEKDAYS_LONG[weekday(date)]} ${m}/${d}/${y}`;
}

/** "Tue 12/01 9:10 AM": an instant as the clinic reads it, with its day. */
export function whenLabel(instant: string, timeZone: string): string {
  const local = localTimeOf(instant, timeZone);
  return `${shortDateLabel(local.date)} ${clockLabel(local.minutes)}`;
}

/** The row a local time falls in (may be outside 0..ROW_COUNT-1). */
export function rowOfMinutes(minutes: number): number {
  return Math.floor((minutes - DAY_START_MINUTES) / ROW_MINUTES);
}

/** The local start minutes of a row. */
export function minutesOfRow(row: number): number {
  return DAY_START_MINUTES + row * ROW_MINUTES;
}
