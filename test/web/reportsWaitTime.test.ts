import { describe, expect, it } from 'vitest';
import type { WaitTimeRow } from '../../web/src/reports/waitTimeApi';
import {
  addDays,
  csvFileName,
  defaultFilters,
  filterErrors,
  formatMinutes,
  formatRate,
  sortRows,
  toggleSort,
  waitTimeQuery,
} from '../../web/src/reports/waitTimeModel';

const stats = (median: number | null) => ({ n: median === null ? 0 : 1, median, p90: median });

function row(date: string, name: string, wait: number | null, noShowRate: number | null = null): WaitTimeRow {
  return {
    date,
    provider: { id: name.toLowerCase(), name },
    visits: 1,
    leftWithoutBeingSeen: 0,
    arrivalToRoomed: stats(wait),
    roomedToProvider: stats(null),
    totalVisit: stats(null),
    appointmentsDue: 1,
    noShows: 0,
    noShowRate,
    onTimeEligible: 0,
    onTimeStarts: 0,
    onTimeRate: null,
  };
}

describe('wait-time report screen', () => {
  it('defaults to the last 30 days, today included, across month and year ends', () => {
    expect(defaultFilters('2026-11-27')).toEqual({
      from: '2026-10-29',
      to: '2026-11-27',
      location: '',
      provider: '',
    });
    expect(defaultFilters('2026-01-15').from).toBe('2025-12-17');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('checks the dates before asking the server', () => {
    expect(filterErrors(defaultFilters('2026-11-27'))).toEqual({});
    expect(filterErrors({ from: '', to: '2026-11-27', location: '', provider: '' })).toEqual({
      from: 'Enter a date',
    });
    expect(filterErrors({ from: '2026-02-30', to: '2026-03-01', location: '', provider: '' }).from).toBe(
      'Enter a date'
    );
    expect(filterErrors({ from: '2026-11-27', to: '2026-11-01', location: '', provider: '' }).to).toMatch(
      /on or after/
    );
    expect(filterErrors({ from: '2025-01-01', to: '2026-11-01', location: '', provider: '' }).to).toMatch(
      /366/
    );
  });

  it('builds the query without empty filters, and names the CSV after the range', () => {
    const filters = { from: '2026-11-01', to: '2026-11-27', location: '', provider: 'demo-prac-01' };
    expect(waitTimeQuery(filters).toString()).toBe('from=2026-11-01&to=2026-11-27&provider=demo-prac-01');
    expect(csvFileName(filters)).toBe('wait-times-2026-11-01-to-2026-11-27.csv');
  });

  it('sorts by any column; rows without a figure go last; a figure column starts longest first', () => {
    const rows = [row('2026-11-02', 'Cy', 12), row('2026-11-01', 'Ada', null), row('2026-11-01', 'Ben', 4)];
    const byWait = toggleSort({ column: 'date', descending: false }, 'waitMedian');
    expect(byWait).toEqual({ column: 'waitMedian', descending: true });
    expect(sortRows(rows, byWait).map((r) => r.provider.name)).toEqual(['Cy', 'Ben', 'Ada']);
    expect(sortRows(rows, toggleSort(byWait, 'waitMedian')).map((r) => r.provider.name)).toEqual([
      'Ben',
      'Cy',
      'Ada',
    ]);
    expect(sortRows(rows, { column: 'date', descending: false }).map((r) => r.provider.name)).toEqual([
      'Ada',
      'Ben',
      'Cy',
    ]);
    expect(sortRows(rows, { column: 'provider', descending: true }).map((r) => r.provider.name)).toEqual([
      'Cy',
      'Ben',
      'Ada',
    ]);
  });

  it('formats minutes and rates, with a dash for none', () => {
    expect(formatMinutes(12.5)).toBe('12.5 min');
    expect(formatMinutes(null)).toBe('–');
    expect(formatRate(0.167)).toBe('17%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(null)).toBe('–');
  });
});
