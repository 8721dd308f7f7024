import { describe, expect, it } from 'vitest';
import {
  figures,
  median,
  nearestRank,
  summarize,
  waitTimeCsv,
  type DueAppointment,
  type VisitTimes,
} from '../../../src/clinic/reports/waitTimeStats.js';

const MIN = 60_000;
/** 2026-11-02 09:00 (any instant: only differences matter here). */
const T0 = Date.parse('2026-11-02T15:00:00Z');

/** A visit whose flow times are given in minutes after T0. */
function visit(
  date: string,
  provider: string,
  m: { arrived: number; roomed?: number; withProvider?: number; checkedOut?: number; appointment?: number },
  left = false
): VisitTimes {
  const at = (minutes: number | undefined): number | undefined =>
    minutes === undefined ? undefined : T0 + minutes * MIN;
  return {
    date,
    providerId: provider,
    providerName: `Dr ${provider}`,
    arrived: T0 + m.arrived * MIN,
    roomed: at(m.roomed),
    withProvider: at(m.withProvider),
    checkedOut: at(m.checkedOut),
    leftWithoutBeingSeen: left,
    appointmentStart: at(m.appointment),
  };
}

const due = (date: string, provider: string, noShow: boolean): DueAppointment => ({
  date,
  providerId: provider,
  providerName: `Dr ${provider}`,
  noShow,
});

describe('wait-time arithmetic', () => {
  it('median and nearest-rank 90th percentile, worked by hand', () => {
    // Five waits 4, 7, 10, 12, 30: the middle one is 10; rank ceil(0.9 x 5) = 5 is 30.
    expect(median([12, 4, 30, 7, 10])).toBe(10);
    expect(nearestRank([12, 4, 30, 7, 10], 90)).toBe(30);
    // Four values: the mean of 7 and 10; rank ceil(0.9 x 4) = 4 is 12.
    expect(median([4, 7, 10, 12])).toBe(8.5);
    expect(nearestRank([4, 7, 10, 12], 90)).toBe(12);
    // Ten values 1..10: rank ceil(9) = 9 is 9; twenty values 1..20: rank 18.
    expect(nearestRank([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 90)).toBe(9);
    expect(
      nearestRank(
        Array.from({ length: 20 }, (_, i) => i + 1),
        90
      )
    ).toBe(18);
    expect(median([5])).toBe(5);
    expect(nearestRank([5], 90)).toBe(5);
    expect(median([])).toBeNull();
    expect(nearestRank([], 90)).toBeNull();
  });

  it('figures of one provider-day: waits 4, 7, 10, 12, 30; one no-show of six due; one on-time start of five', () => {
    // Appointments every 20 minutes from 0; each patient arrives 5 minutes early.
    const waits = [4, 7, 10, 12, 30];
    const withDoctor = [3, 5, 8, 2, 6];
    const totals = [30, 40, 35, 50, 60];
    const visits = waits.map((wait, i) =>
      visit('2026-11-02', 'ada', {
        appointment: 20 * i,
        arrived: 20 * i - 5,
        roomed: 20 * i - 5 + wait,
        withProvider: 20 * i - 5 + wait + withDoctor[i],
        checkedOut: 20 * i - 5 + totals[i],
      })
    );
    const appointments = [
      ...visits.map(() => due('2026-11-02', 'ada', false)),
      due('2026-11-02', 'ada', true),
    ];
    expect(figures(visits, appointments)).toEqual({
      visits: 5,
      leftWithoutBeingSeen: 0,
      arrivalToRoomed: { n: 5, median: 10, p90: 30 },
      // 2, 3, 5, 6, 8
      roomedToProvider: { n: 5, median: 5, p90: 8 },
      // 30, 35, 40, 50, 60
      totalVisit: { n: 5, median: 40, p90: 60 },
      appointmentsDue: 6,
      noShows: 1,
      noShowRate: 0.167,
      // With the provider at -5 + wait + time with doctor after the appointment: 2, 7, 13, 9, 31 minutes.
      onTimeEligible: 5,
      onTimeStarts: 1,
      onTimeRate: 0.2,
    });
  });

  it('on time means no later than 5 minutes after the appointment start, early included', () => {
    const at = (late: number): VisitTimes =>
      visit('2026-11-02', 'ada', { appointment: 0, arrived: -10, withProvider: late });
    const f = figures([at(-3), at(0), at(5), at(5.5), at(20)], []);
    expect([f.onTimeEligible, f.onTimeStarts, f.onTimeRate]).toEqual([5, 3, 0.6]);
    // No appointment, or never seen: not counted either way.
    const g = figures([visit('2026-11-02', 'ada', { arrived: 0, withProvider: 1 })], []);
    expect([g.onTimeEligible, g.onTimeRate, g.noShowRate]).toEqual([0, null, null]);
  });

  it('a patient who left counts as a visit, not in the intervals it lacks', () => {
    const left = visit('2026-11-03', 'ben', { arrived: 0, appointment: 5 }, true);
    const f = figures([left], [due('2026-11-03', 'ben', false)]);
    expect(f).toMatchObject({
      visits: 1,
      leftWithoutBeingSeen: 1,
      arrivalToRoomed: { n: 0, median: null, p90: null },
      totalVisit: { n: 0, median: null, p90: null },
      appointmentsDue: 1,
      noShowRate: 0,
      onTimeEligible: 0,
    });
  });

  it('groups by day and provider, sorted by date then name; a day of only no-shows still has a row', () => {
    const { rows, days, total } = summarize(
      [
        visit('2026-11-03', 'ben', { arrived: 0, roomed: 6 }),
        visit('2026-11-02', 'cy', { arrived: 0, roomed: 8 }),
        visit('2026-11-02', 'ada', { arrived: 0, roomed: 4 }),
      ],
      [due('2026-11-04', 'ada', true)]
    );
    expect(rows.map((r) => [r.date, r.provider.name, r.visits, r.noShows])).toEqual([
      ['2026-11-02', 'Dr ada', 1, 0],
      ['2026-11-02', 'Dr cy', 1, 0],
      ['2026-11-03', 'Dr ben', 1, 0],
      ['2026-11-04', 'Dr ada', 0, 1],
    ]);
    expect(days.map((d) => [d.date, d.visits, d.arrivalToRoomed.median])).toEqual([
      ['2026-11-02', 2, 6],
      ['2026-11-03', 1, 6],
      ['2026-11-04', 0, null],
    ]);
    expect(total.arrivalToRoomed).toEqual({ n: 3, median: 6, p90: 8 });
  });

  it('writes RFC 4180 CSV: header, one CRLF line per row, quoted commas and quotes, no formulas, blanks for none', () => {
    const { rows } = summarize(
      [
        { ...visit('2026-11-02', 'p1', { arrived: 0, roomed: 4 }), providerName: 'Lovelace, Ada "Countess"' },
        { ...visit('2026-11-02', 'p2', { arrived: 0 }), providerName: '=HYPERLINK("x")' },
      ],
      []
    );
    const csv = waitTimeCsv(rows);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe(
      'date,provider_id,provider,visits,left_without_being_seen,arrival_to_roomed_n,arrival_to_roomed_median_min,arrival_to_roomed_p90_min,roomed_to_provider_n,roomed_to_provider_median_min,roomed_to_provider_p90_min,total_visit_n,total_visit_median_min,total_visit_p90_min,appointments_due,no_shows,no_show_rate,on_time_eligible,on_time_starts,on_time_rate'
    );
    expect(lines[1]).toBe('2026-11-02,p2,"\'=HYPERLINK(""x"")",1,0,0,,,0,,,0,,,0,0,,0,0,');
    expect(lines[2]).toBe('2026-11-02,p1,"Lovelace, Ada ""Countess""",1,0,1,4,4,0,,,0,,,0,0,,0,0,');
    expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
  });
});
