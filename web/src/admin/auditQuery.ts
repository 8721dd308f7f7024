/**
 * The audit log report's query (ONC 170.315(d)(3)): filters, sort and paging -> the GET /admin/audit query
 * string; and how a record reads on screen. Pure: no I/O, no DOM.
 */
import type { AuditRecord } from './adminApi';

export interface AuditFilters {
  /** `datetime-local` values ("2026-11-26T08:00"), the browser's local time; empty for no limit. */
  from: string;
  to: string;
  patient: string;
  user: string;
  /** C, R, U, D or E; empty for any. */
  action: string;
}

export const EMPTY_FILTERS: AuditFilters = { from: '', to: '', patient: '', user: '', action: '' };

/** The columns the report sorts on, as the server names them in `sort`. */
export const SORT_COLUMNS = ['recorded', 'user', 'action', 'subtype', 'outcome', 'patient'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface AuditSort {
  column: SortColumn;
  descending: boolean;
}

/** Newest first, as an audit log is read. */
export const DEFAULT_SORT: AuditSort = { column: 'recorded', descending: true };

/** One page of the report; the CSV holds everything that matches. */
export const PAGE_SIZE = 100;

/** `sort=column` or `sort=-column` (docs/security/auth-api.md). */
export function sortParam(sort: AuditSort): string {
  return `${sort.descending ? '-' : ''}${sort.column}`;
}

/**
 * A header clicked: the same column flips its direction; another column starts ascending, except the time,
 * which starts newest first.
 */
export function toggleSort(current: AuditSort, column: SortColumn): AuditSort {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: column === 'recorded' };
}

/** A `datetime-local` value as an ISO instant (the browser's zone), or undefined when empty or invalid. */
export function localToIso(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const when = new Date(value);
  return Number.isNaN(when.getTime()) ? undefined : when.toISOString();
}

/** Filters and sort -> the query string (without cursor or format); empty filters are left out. */
export function auditQuery(filters: AuditFilters, sort: AuditSort, count = PAGE_SIZE): URLSearchParams {
  const query = new URLSearchParams();
  const from = localToIso(filters.from);
  const to = localToIso(filters.to);
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  if (filters.patient.trim()) query.set('patient', filters.patient.trim());
  if (filters.user.trim()) query.set('user', filters.user.trim());
  if (filters.action) query.set('action', filters.action);
  query.set('sort', sortParam(sort));
  query.set('count', String(count));
  return query;
}

/** The query of the page after `cursor`. */
export function withCursor(query: URLSearchParams, cursor: string | undefined): URLSearchParams {
  const next = new URLSearchParams(query);
  if (cursor) next.set('cursor', cursor);
  return next;
}

/** Filter problems the browser can see before asking: an unreadable date, or "to" before "from". */
export function filterErrors(filters: AuditFilters): Partial<Record<'from' | 'to', string>> {
  const errors: Partial<Record<'from' | 'to', string>> = {};
  const from = localToIso(filters.from);
  const to = localToIso(filters.to);
  if (filters.from.trim() && !from) errors.from = 'Not a date and time.';
  if (filters.to.trim() && !to) errors.to = 'Not a date and time.';
  if (from && to && to < from) errors.to = '“To” is before “From”.';
  return errors;
}

export const ACTIONS: Record<string, string> = {
  C: 'Create',
  R: 'Read',
  U: 'Update',
  D: 'Delete',
  E: 'Execute',
};

/** What happened, in words: the subtype ("Sign in", "Emergency access") or else the action ("Read"). */
export function actionLabel(record: Pick<AuditRecord, 'action' | 'subtype'>): string {
  const subtype = record.subtype?.trim();
  if (subtype) {
    const words = subtype.replace(/[-_]/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return ACTIONS[record.action] ?? record.action;
}

/** FHIR AuditEvent.outcome in words. */
export function outcomeLabel(outcome: string): string {
  switch (outcome) {
    case '0':
      return 'Success';
    case '4':
      return 'Refused';
    case '8':
    case '12':
      return 'Failed';
    default:
      return outcome;
  }
}

/** What was touched: the kind of data and the resource ("vital signs · Observation/obs-1"). */
export function whatLabel(record: Pick<AuditRecord, 'category' | 'entity' | 'description'>): string {
  const parts = [record.category, record.entity].filter((p): p is string => Boolean(p && p.trim()));
  return parts.length ? parts.join(' · ') : (record.description ?? '');
}

/** The CSV's file name: the report's time span, or today. */
export function csvFileName(filters: AuditFilters, today: string): string {
  const day = (value: string) => value.slice(0, 10);
  const span = [filters.from, filters.to].filter(Boolean).map(day).join('_to_');
  return `audit-log_${span || today}.csv`;
}
