import { describe, expect, it } from 'vitest';
import {
  offerTime,
  openRows,
  placeBlocks,
  placeRange,
  placeVisits,
  slotsByDate,
  visitActions,
  visitPatientName,
  visitSummary,
} from '../../web/src/schedule/layout.js';
import type { BookedVisit } from '../../web/src/schedule/scheduleApi.js';

const TZ = 'America/Chicago'; // UTC-6 on 11/27/2026: 9:00 AM local is 15:00 UTC
const DAY = '2026-11-27';

function visit(id: string, start: string, end: string, extra: Partial<BookedVisit> = {}): BookedVisit {
  return {
    id,
    scheduleId: 'sch-a',
    start: `${DAY}T${start}:00.000Z`,
    end: `${DAY}T${end}:00.000Z`,
    status: 'booked',
    visitType: { code: 'follow-up', display: 'Follow-up' },
    patient: { id: 'p1', name: { family: 'Muñoz', given: ['José'] }, birthDate: '1961-03-04' },
    restricted: false,
    ...extra,
  };
}

describe('placing times on the 7:00-18:00 grid (in 5-minute units from 7:00)', () => {
  it('puts 9:10-9:30 AM at unit 26 for 4 units', () => {
    expect(placeRange(`${DAY}T15:10:00Z`, `${DAY}T15:30:00Z`, DAY, TZ)).toEqual({ row: 26, span: 4 });
  });

  it('clips what starts before 7:00 or ends after 18:00, and drops other days', () => {
    // 6:00-8:00 AM local
    expect(placeRange(`${DAY}T12:00:00Z`, `${DAY}T14:00:00Z`, DAY, TZ)).toEqual({ row: 0, span: 12 });
    // 5:50-6:30 PM local
    expect(placeRange(`${DAY}T23:50:00Z`, '2026-11-28T00:30:00Z', DAY, TZ)).toEqual({ row: 130, span: 2 });
    expect(placeRange('2026-11-28T15:00:00Z', '2026-11-28T15:20:00Z', DAY, TZ)).toBeUndefined();
  });

  it('shades the rows inside a column’s open times only', () => {
    const rows = openRows(
      [
        { scheduleId: 'sch-a', start: `${DAY}T14:00:00Z`, end: `${DAY}T18:00:00Z` }, // 8:00-12:00
        { scheduleId: 'sch-b', start: `${DAY}T19:00:00Z`, end: `${DAY}T23:00:00Z` },
      ],
      'sch-a',
      DAY,
      TZ
    );
    expect(rows.filter(Boolean)).toHaveLength(24);
    expect(rows[5]).toBe(false); // 7:50
    expect(rows[6]).toBe(true); // 8:00
    expect(rows[29]).toBe(true); // 11:50
    expect(rows[30]).toBe(false); // 12:00
  });

  it('labels a block where it falls', () => {
    const placed = placeBlocks(
      [
        {
          id: 'b1',
          scheduleId: 'sch-a',
          start: `${DAY}T18:00:00Z`,
          end: `${DAY}T19:00:00Z`,
          reason: 'Lunch',
        },
      ],
      'sch-a',
      DAY,
      TZ
    );
    expect(placed).toEqual([expect.objectContaining({ row: 60, span: 12 })]);
  });
});

describe('overlapping visits share the column side by side', () => {
  it('gives a chain of overlaps two lanes and a lone visit the whole width', () => {
    const placed = placeVisits(
      [
        visit('d', '16:00', '16:20'), // 10:00-10:20
        visit('a', '15:00', '15:20'), // 9:00-9:20
        visit('b', '15:10', '15:30'), // 9:10-9:30 overlaps a
        visit('c', '15:20', '15:40'), // 9:20-9:40 overlaps b; a has ended
        visit('x', '15:00', '15:20', { status: 'cancelled' }),
        visit('y', '15:00', '15:20', { scheduleId: 'sch-b' }),
      ],
      'sch-a',
      DAY,
      TZ
    );
    const byId = Object.fromEntries(placed.map((p) => [p.visit.id, [p.lane, p.lanes]]));
    expect(byId).toEqual({ a: [0, 2], b: [1, 2], c: [0, 2], d: [0, 1] });
  });

  it('keeps back-to-back 15-minute visits (11:20 and 11:35) one under the other', () => {
    const placed = placeVisits(
      [visit('e', '17:20', '17:35'), visit('f', '17:35', '17:50')],
      'sch-a',
      DAY,
      TZ
    );
    expect(placed.map((p) => [p.visit.id, p.row, p.span, p.lane, p.lanes])).toEqual([
      ['e', 52, 3, 0, 1],
      ['f', 55, 3, 0, 1],
    ]);
  });
});

describe('visit cards', () => {
  it('names the patient family first with the date of birth', () => {
    expect(
      visitPatientName({ id: 'p', name: [{ use: 'official', family: 'Muñoz', given: ['José', 'Luis'] }] })
    ).toBe('Muñoz, José Luis');
    expect(visitSummary(visit('a', '15:10', '15:30'), TZ)).toBe(
      '9:10 AM to 9:30 AM, Muñoz, José, born 03/04/1961, Follow-up, Booked'
    );
  });

  it('says only "busy" for a restricted chart', () => {
    const hidden = visit('r', '15:10', '15:30', { restricted: true, patient: null });
    expect(visitSummary(hidden, TZ)).toBe('9:10 AM to 9:30 AM, Busy (restricted chart)');
    expect(visitActions(hidden, Date.parse(`${DAY}T16:00:00Z`), true)).toEqual({
      reschedule: false,
      cancel: false,
      noShow: false,
      chart: false,
    });
  });

  it('offers a no-show only once the visit has started, and no changes to a completed visit', () => {
    const booked = visit('a', '15:10', '15:30');
    expect(visitActions(booked, Date.parse(`${DAY}T15:09:00Z`), true).noShow).toBe(false);
    expect(visitActions(booked, Date.parse(`${DAY}T15:10:00Z`), true)).toEqual({
      reschedule: true,
      cancel: true,
      noShow: true,
      chart: true,
    });
    expect(visitActions({ ...booked, status: 'fulfilled' }, Date.parse(`${DAY}T18:00:00Z`), true)).toEqual({
      reschedule: false,
      cancel: false,
      noShow: false,
      chart: true,
    });
    expect(visitActions(booked, Date.parse(`${DAY}T16:00:00Z`), false).cancel).toBe(false);
  });
});

describe('found times and waitlist offers', () => {
  it('groups slots by the clinic’s date, in time order', () => {
    const slot = (start: string) => ({
      scheduleId: 's',
      location: { id: 'l', name: 'L' },
      start,
      end: start,
    });
    const groups = slotsByDate(
      [slot('2026-11-28T03:00:00.000Z'), slot('2026-11-27T15:00:00.000Z'), slot('2026-11-30T15:00:00.000Z')],
      TZ
    );
    expect(groups.map((g) => [g.date, g.slots.length])).toEqual([
      ['2026-11-27', 2], // 9 AM and 9 PM on the 27th
      ['2026-11-30', 1],
    ]);
  });

  it('reads an offer’s time from its slot or its own fields', () => {
    expect(offerTime({ slot: { scheduleId: 's', start: 'T1' } })).toEqual({ scheduleId: 's', start: 'T1' });
    expect(offerTime({ scheduleId: 's2', start: 'T2' })).toEqual({ scheduleId: 's2', start: 'T2' });
    expect(offerTime({})).toBeUndefined();
  });
});
