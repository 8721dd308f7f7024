import { describe, expect, it } from 'vitest';
import {
  addDays,
  clockLabel,
  instantOf,
  isIsoDate,
  localTimeOf,
  longDateLabel,
  mondayOf,
  rowOfMinutes,
  shortDateLabel,
  whenLabel,
} from '../../web/src/schedule/time.js';

const CHICAGO = 'America/Chicago';

describe('clinic-local times', () => {
  it('turns a local wall time into its UTC instant (Chicago is UTC-6 in November)', () => {
    expect(instantOf('2026-11-27', 9 * 60 + 10, CHICAGO)).toBe('2026-11-27T15:10:00.000Z');
    expect(instantOf('2026-11-27', 7 * 60, 'UTC')).toBe('2026-11-27T07:00:00.000Z');
  });

  it('follows daylight saving time: UTC-6 on Saturday 03/07/2026, UTC-5 from Sunday 03/08/2026', () => {
    expect(instantOf('2026-03-07', 7 * 60, CHICAGO)).toBe('2026-03-07T13:00:00.000Z');
    expect(instantOf('2026-03-08', 7 * 60, CHICAGO)).toBe('2026-03-08T12:00:00.000Z');
  });

  it('reads the repeated autumn hour as its first occurrence (01:30 CDT on 11/01/2026)', () => {
    expect(instantOf('2026-11-01', 90, CHICAGO)).toBe('2026-11-01T06:30:00.000Z');
  });

  it('turns an instant into the clinic-local date and minutes', () => {
    expect(localTimeOf('2026-11-27T15:10:00.000Z', CHICAGO)).toEqual({ date: '2026-11-27', minutes: 550 });
    // 03:00 UTC on the 28th is still 9 PM on the 27th in Chicago.
    expect(localTimeOf('2026-11-28T03:00:00.000Z', CHICAGO)).toEqual({ date: '2026-11-27', minutes: 1260 });
  });

  it('writes clock times and dates as a US clinic reads them', () => {
    expect(clockLabel(430)).toBe('7:10 AM');
    expect(clockLabel(720)).toBe('12:00 PM');
    expect(clockLabel(780)).toBe('1:00 PM');
    expect(clockLabel(0)).toBe('12:00 AM');
    expect(shortDateLabel('2026-12-01')).toBe('Tue 12/01');
    expect(longDateLabel('2026-11-27')).toBe('Friday 11/27/2026');
    expect(whenLabel('2026-12-01T15:10:00.000Z', CHICAGO)).toBe('Tue 12/01 9:10 AM');
  });
});

describe('calendar dates', () => {
  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('finds the Monday a week view starts on', () => {
    expect(mondayOf('2026-11-27')).toBe('2026-11-23'); // a Friday
    expect(mondayOf('2026-11-29')).toBe('2026-11-23'); // a Sunday belongs to the week before
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });

  it('accepts only real dates', () => {
    expect(isIsoDate('2026-11-27')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('11/27/2026')).toBe(false);
  });

  it('numbers the 10-minute rows from 7:00 AM', () => {
    expect(rowOfMinutes(7 * 60)).toBe(0);
    expect(rowOfMinutes(9 * 60 + 10)).toBe(13);
    expect(rowOfMinutes(17 * 60 + 50)).toBe(65);
  });
});
