/** The wait-time screen's pure parts: default range, query, checks, sorting and number formats. */
import type { WaitTimeRow } from './waitTimeApi';

export interface WaitTimeFilters {
  from: string;
  to: string;
  /** Site Location id; '' for every site. */
  location: string;
  /** Practitioner id; '' for every provider. */
  provider: string;
}

/** The longest range the server accepts (waitTimeReport.ts MAX_REPORT_DAYS). */
export const MAX_DAYS = 366;

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** `date` plus `days` (may be negative), both YYYY-MM-DD calendar dates. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last 30 days, today included. */
export function defaultFilters(today: string): WaitTimeFilters {
  return { from: addDays(today, -29), to: today, location: '', provider: '' };
}

function validDate(value: string): boolean {
  return (
    DATE_RE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && addDays(value, 0) === value
  );
}

/** What is wrong with the filters, by field (empty when they can be sent). */
export function filterErrors(filters: WaitTimeFilters): Partial<Record<'from' | 'to', string>> {
  const errors: Partial<Record<'from' | 'to', string>> = {};
  if (!validDate(filters.from)) errors.from = 'Enter a date';
  if (!validDate(filters.to)) errors.to = 'Enter a date';
  if (!errors.from && !errors.to) {
    if (filters.to < filters.from) errors.to = 'Must be on or after the start date';
    else if ((Date.parse(filters.to) - Date.parse(filters.from)) / DAY_MS + 1 > MAX_DAYS) {
      errors.to = `At most ${MAX_DAYS} days`;
    }
  }
  return errors;
}

/** Filters -> the report's query string; empty site and provider are left out. */
export function waitTimeQuery(filters: WaitTimeFilters): URLSearchParams {
  const query = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.location) query.set('location', filters.location);
  if (filters.provider) query.set('provider', filters.provider);
  return query;
}

export function csvFileName(filters: WaitTimeFilters): string {
  return `wait-times-${filters.from}-to-${filters.to}.csv`;
}

export const SORT_COLUMNS = {
  date: (r: WaitTimeRow) => r.date,
  provider: (r: WaitTimeRow) => r.provider.name,
  visits: (r: WaitTimeRow) => r.visits,
  waitMedian: (r: WaitTimeRow) => r.arrivalToRoomed.median,
  waitP90: (r: WaitTimeRow) => r.arrivalToRoomed.p90,
  providerMedian: (r: WaitTimeRow) => r.roomedToProvider.median,
  providerP90: (r: WaitTimeRow) => r.roomedToProvider.p90,
  totalMedian: (r: WaitTimeRow) => r.totalVisit.median,
  totalP90: (r: WaitTimeRow) => r.totalVisit.p90,
  noShowRate: (r: WaitTimeRow) => r.noShowRate,
  onTimeRate: (r: WaitTimeRow) => r.onTimeRate,
} as const;
export type SortColumn = keyof typeof SORT_COLUMNS;

export interface WaitTimeSort {
  column: SortColumn;
  descending: boolean;
}

export const DEFAULT_SORT: WaitTimeSort = { column: 'date', descending: false };

/** Same column: reverse; another: ascending for date and provider, longest/highest first for figures. */
export function toggleSort(current: WaitTimeSort, column: SortColumn): WaitTimeSort {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: column !== 'date' && column !== 'provider' };
}

/**
 * Rows in the chosen order; rows without a value (no visit had that interval) go last either way; ties keep
 * date then provider order.
 */
export function sortRows(rows: readonly WaitTimeRow[], sort: WaitTimeSort): WaitTimeRow[] {
  const value = SORT_COLUMNS[sort.column];
  const tie = (a: WaitTimeRow, b: WaitTimeRow) =>
    a.date.localeCompare(b.date) || a.provider.name.localeCompare(b.provider.name);
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? tie(a, b) : x === null ? 1 : -1;
    const order = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return (sort.descending ? -order : order) || tie(a, b);
  });
}

/** "12 min", "12.5 min", or an en dash when there is no value. */
export function formatMinutes(value: number | null): string {
  return value === null ? '–' : `${value} min`;
}

/** A 0-1 rate as a whole percentage ("17%"), or an en dash. */
export function formatRate(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}
