import { describe, expect, it } from 'vitest';
import {
  actionLabel,
  auditQuery,
  csvFileName,
  DEFAULT_SORT,
  EMPTY_FILTERS,
  filterErrors,
  outcomeLabel,
  sortParam,
  toggleSort,
  whatLabel,
  withCursor,
} from '../../web/src/admin/auditQuery.js';

describe('audit log sort', () => {
  it('sends the column, with a minus for descending', () => {
    expect(sortParam({ column: 'user', descending: false })).toBe('user');
    expect(sortParam(DEFAULT_SORT)).toBe('-recorded');
  });

  it('flips the clicked column; a new column starts ascending, the time newest first', () => {
    expect(toggleSort(DEFAULT_SORT, 'recorded')).toEqual({ column: 'recorded', descending: false });
    expect(toggleSort(DEFAULT_SORT, 'user')).toEqual({ column: 'user', descending: false });
    expect(toggleSort({ column: 'user', descending: false }, 'user')).toEqual({
      column: 'user',
      descending: true,
    });
    expect(toggleSort({ column: 'user', descending: false }, 'recorded')).toEqual({
      column: 'recorded',
      descending: true,
    });
  });
});

describe('auditQuery', () => {
  it('leaves empty filters out', () => {
    expect(auditQuery(EMPTY_FILTERS, DEFAULT_SORT, 50).toString()).toBe('sort=-recorded&count=50');
  });

  it('sends local date-times as instants and trims the text filters', () => {
    const from = '2026-11-26T08:00';
    const query = auditQuery(
      { from, to: '', patient: ' demo-pat-0004 ', user: 'ma ', action: 'R' },
      { column: 'user', descending: true }
    );
    expect(query.get('from')).toBe(new Date(from).toISOString());
    expect(query.has('to')).toBe(false);
    expect(query.get('patient')).toBe('demo-pat-0004');
    expect(query.get('user')).toBe('ma');
    expect(query.get('action')).toBe('R');
    expect(query.get('sort')).toBe('-user');
  });

  it('adds the cursor of the next page without changing the query', () => {
    const query = auditQuery(EMPTY_FILTERS, DEFAULT_SORT);
    const next = withCursor(query, 'abc');
    expect(next.get('cursor')).toBe('abc');
    expect(query.has('cursor')).toBe(false);
    expect(withCursor(query, undefined).has('cursor')).toBe(false);
  });
});

describe('filterErrors', () => {
  it('refuses "to" before "from"', () => {
    expect(filterErrors({ ...EMPTY_FILTERS, from: '2026-11-26T08:00', to: '2026-11-25T08:00' })).toEqual({
      to: '“To” is before “From”.',
    });
    expect(filterErrors({ ...EMPTY_FILTERS, from: '2026-11-26T08:00', to: '2026-11-26T09:00' })).toEqual({});
  });

  it('refuses what is not a date', () => {
    expect(filterErrors({ ...EMPTY_FILTERS, from: 'yesterday' })).toEqual({ from: 'Not a date and time.' });
  });
});

describe('how a record reads', () => {
  it('names the action by its subtype, else by the FHIR action code', () => {
    expect(actionLabel({ action: 'E', subtype: 'sign-in' })).toBe('Sign in');
    expect(actionLabel({ action: 'E', subtype: 'emergency-access' })).toBe('Emergency access');
    expect(actionLabel({ action: 'R', subtype: null })).toBe('Read');
    expect(actionLabel({ action: 'X', subtype: '' })).toBe('X');
  });

  it('says the outcome in words', () => {
    expect(outcomeLabel('0')).toBe('Success');
    expect(outcomeLabel('4')).toBe('Refused');
    expect(outcomeLabel('8')).toBe('Failed');
  });

  it('says what was touched', () => {
    expect(whatLabel({ category: 'vital signs', entity: 'Observation/o1' })).toBe(
      'vital signs · Observation/o1'
    );
    expect(whatLabel({ category: null, entity: null, description: 'Signed in' })).toBe('Signed in');
  });

  it('names the CSV after the time span', () => {
    expect(
      csvFileName({ ...EMPTY_FILTERS, from: '2026-11-01T00:00', to: '2026-11-26T23:59' }, '2026-11-26')
    ).toBe('audit-log_2026-11-01_to_2026-11-26.csv');
    expect(csvFileName(EMPTY_FILTERS, '2026-11-26')).toBe('audit-log_2026-11-26.csv');
  });
});
