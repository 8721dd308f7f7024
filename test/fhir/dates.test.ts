import { describe, expect, it } from 'vitest';
import { parseDateRange } from '../../src/fhir/dates.js';

/*
 * parseDateRange: a FHIR date/dateTime/instant is the half-open range [lo, hi) of its precision
 * (FHIR R4 search.html#date). Expected bounds are written out by hand as ISO instants.
 */

const at = (iso: string): number => Date.parse(iso);
const range = (lo: string, hi: string) => ({ lo: at(lo), hi: at(hi) });

describe('parseDateRange', () => {
  it('a year is the whole year', () => {
    expect(parseDateRange('2026')).toEqual(range('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'));
  });

  it('a month is the whole month, leap Februaries included', () => {
    expect(parseDateRange('2026-11')).toEqual(range('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'));
    // December ends at the next year's start.
    expect(parseDateRange('2026-12')).toEqual(range('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'));
    expect(parseDateRange('2024-02')).toEqual(range('2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'));
  });

  it('a day is the whole day', () => {
    expect(parseDateRange('2026-11-26')).toEqual(range('2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z'));
    expect(parseDateRange('2026-12-31')).toEqual(range('2026-12-31T00:00:00Z', '2027-01-01T00:00:00Z'));
    // 2024 is a leap year, 2023 and 1900 are not, 2000 is.
    expect(parseDateRange('2024-02-29')).toEqual(range('2024-02-29T00:00:00Z', '2024-03-01T00:00:00Z'));
    expect(parseDateRange('2000-02-29')).toEqual(range('2000-02-29T00:00:00Z', '2000-03-01T00:00:00Z'));
    expect(parseDateRange('2023-02-29')).toBeUndefined();
    expect(parseDateRange('1900-02-29')).toBeUndefined();
  });

  it('minutes, seconds and fractions narrow the range', () => {
    expect(parseDateRange('2026-11-26T10:00Z')).toEqual(
      range('2026-11-26T10:00:00Z', '2026-11-26T10:01:00Z')
    );
    expect(parseDateRange('2026-11-26T10:00:00Z')).toEqual(
      range('2026-11-26T10:00:00Z', '2026-11-26T10:00:01Z')
    );
    // One decimal is a tenth of a second, three a millisecond; beyond that milliseconds are the limit.
    expect(parseDateRange('2026-11-26T10:00:00.5Z')).toEqual(
      range('2026-11-26T10:00:00.500Z', '2026-11-26T10:00:00.600Z')
    );
    expect(parseDateRange('2026-11-26T10:00:00.12Z')).toEqual(
      range('2026-11-26T10:00:00.120Z', '2026-11-26T10:00:00.130Z')
    );
    expect(parseDateRange('2026-11-26T10:00:00.123Z')).toEqual(
      range('2026-11-26T10:00:00.123Z', '2026-11-26T10:00:00.124Z')
    );
    expect(parseDateRange('2026-11-26T10:00:00.123456Z')).toEqual(
      range('2026-11-26T10:00:00.123Z', '2026-11-26T10:00:00.124Z')
    );
    // The last second of a year ends at the next year.
    expect(parseDateRange('2026-12-31T23:59:59Z')).toEqual(
      range('2026-12-31T23:59:59Z', '2027-01-01T00:00:00Z')
    );
  });

  it('applies the time zone offset; no zone means UTC', () => {
    // 23:30 in New York (-05:00) is 04:30 the next day in UTC.
    expect(parseDateRange('2026-11-26T23:30:00-05:00')).toEqual(
      range('2026-11-27T04:30:00Z', '2026-11-27T04:30:01Z')
    );
    // 00:30 in Paris (+01:00) is 23:30 the day before in UTC.
    expect(parseDateRange('2026-11-26T00:30:00+01:00')).toEqual(
      range('2026-11-25T23:30:00Z', '2026-11-25T23:30:01Z')
    );
    // Half-hour and extreme zones.
    expect(parseDateRange('2026-11-26T10:00:00+05:30')).toEqual(
      range('2026-11-26T04:30:00Z', '2026-11-26T04:30:01Z')
    );
    expect(parseDateRange('2026-11-26T10:00:00+14:00')).toEqual(
      range('2026-11-25T20:00:00Z', '2026-11-25T20:00:01Z')
    );
    expect(parseDateRange('2026-11-26T10:00:00-12:00')).toEqual(
      range('2026-11-26T22:00:00Z', '2026-11-26T22:00:01Z')
    );
    expect(parseDateRange('2026-11-26T10:00:00+00:00')).toEqual(parseDateRange('2026-11-26T10:00:00Z'));
    expect(parseDateRange('2026-11-26T10:00:00')).toEqual(parseDateRange('2026-11-26T10:00:00Z'));
    expect(parseDateRange('2026-11-26T10:00-05:00')).toEqual(
      range('2026-11-26T15:00:00Z', '2026-11-26T15:01:00Z')
    );
  });

  it('reads years before 100 as written, not as 19xx', () => {
    expect(parseDateRange('0001')).toEqual(range('0001-01-01T00:00:00Z', '0002-01-01T00:00:00Z'));
    expect(parseDateRange('0099-12-31')).toEqual(range('0099-12-31T00:00:00Z', '0100-01-01T00:00:00Z'));
    expect(parseDateRange('0050-06-15T12:00:00Z')).toEqual(
      range('0050-06-15T12:00:00Z', '0050-06-15T12:00:01Z')
    );
  });

  it('accepts a leap second as FHIR does', () => {
    // R4's time regex allows :60; it is the first second of the next minute.
    expect(parseDateRange('2016-12-31T23:59:60Z')).toEqual(
      range('2017-01-01T00:00:00Z', '2017-01-01T00:00:01Z')
    );
  });

  it('rejects what is not a FHIR date', () => {
    for (const bad of [
      '',
      '26',
      '2026-1',
      '2026-13',
      '2026-00',
      '2026-11-00',
      '2026-11-31',
      '0000',
      '2026-11-26T24:00:00Z',
      '2026-11-26T10:60:00Z',
      '2026-11-26T10:00:61Z',
      '2026-11-26T10Z',
      '2026-11-26Z',
      '2026-11-26T10:00:00+15:00',
      '2026-11-26T10:00:00+05:75',
      '2026-11-26T10:00:00 05:00',
      '2026/11/26',
      'today',
    ]) {
      expect(parseDateRange(bad), bad).toBeUndefined();
    }
  });
});
