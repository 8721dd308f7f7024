import { describe, expect, it } from 'vitest';
import {
  growthXDomain,
  growthYDomain,
  linearScale,
  niceDomain,
  niceStep,
  pathOf,
  spacedDates,
  ticks,
} from '../../../../web/src/rooming/growth/chartScale.js';
import {
  ageMonthsOf,
  showsGrowthCharts,
  signSeries,
} from '../../../../web/src/rooming/growth/trendsModel.js';
import type { HistoryRow } from '../../../../web/src/rooming/growth/growthApi.js';

describe('growth chart scaling', () => {
  it('a linear scale maps the domain ends onto the range ends, y upside down', () => {
    // x: 24..60 months onto 56..632 px: 42 months is half way, 56 + 288 = 344
    const sx = linearScale([24, 60], [56, 632]);
    expect(sx(24)).toBe(56);
    expect(sx(60)).toBe(632);
    expect(sx(42)).toBe(344);
    // y: 12..22 kg/m2 onto 352..18 px (SVG y grows down): 17 is half way, 185
    const sy = linearScale([12, 22], [352, 18]);
    expect(sy(12)).toBe(352);
    expect(sy(22)).toBe(18);
    expect(sy(17)).toBe(185);
  });

  it('nice steps are 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(0, 36, 10)).toBe(5); // 3.6 -> 5
    expect(niceStep(13.2, 19.9, 8)).toBe(1); // 0.8375 -> 1
    expect(niceStep(0, 240, 10)).toBe(25); // 24 -> 25
    expect(niceStep(2, 2.9, 6)).toBe(0.2); // 0.15 -> 0.2
  });

  it('ticks are the multiples of the step inside the domain, without floating-point dust', () => {
    expect(ticks(0, 36, 10)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    expect(ticks(2, 2.9, 6)).toEqual([2, 2.2, 2.4, 2.6, 2.8]);
    expect(ticks(13.2, 19.9, 8)).toEqual([14, 15, 16, 17, 18, 19]);
  });

  it('a nice domain widens to whole steps; a single value gets a margin', () => {
    // span 6.7 / 6 = 1.12 -> step 2: floor(13.2 / 2) * 2 = 12, ceil(19.9 / 2) * 2 = 20
    expect(niceDomain(13.2, 19.9, 6)).toEqual([12, 20]);
    expect(niceDomain(5, 5)).toEqual([4, 6]);
  });

  it('an age chart shows the years around the child, a length chart its whole range', () => {
    // 4-year-old (48 mo), points at 36 and 48: a year either side, whole years: 36 - 12 = 24 to 48 + 12 = 60
    expect(growthXDomain({ min: 24, max: 240.5, unit: 'mo' }, [{ x: 36 }, { x: 48 }], 48)).toEqual([24, 60]);
    // a newborn on the infant chart: at least two years wide from the chart's start
    expect(growthXDomain({ min: 0, max: 36, unit: 'mo' }, [], 1)).toEqual([0, 24]);
    // 19-year-old: cut at the chart's end
    expect(growthXDomain({ min: 24, max: 240.5, unit: 'mo' }, [], 230)).toEqual([216, 240.5]);
    expect(growthXDomain({ min: 45, max: 103.5, unit: 'cm' }, [{ x: 80 }], 14)).toEqual([45, 103.5]);
  });

  it('the y domain holds the curves in the x window and every point', () => {
    const curves = [
      {
        points: [
          { x: 24, y: 14.7 },
          { x: 60, y: 13.8 },
          { x: 200, y: 17 },
        ],
      },
      {
        points: [
          { x: 24, y: 19.3 },
          { x: 60, y: 18.2 },
          { x: 200, y: 27 },
        ],
      },
    ];
    // x 200 is outside [24, 72]: its 27 does not stretch the axis; the point at 21.4 does: [13.8, 21.4],
    // span 7.6 / 6 = 1.27 -> step 2 -> [12, 22]
    expect(growthYDomain(curves, [{ x: 50, y: 21.4 }], [24, 72])).toEqual([12, 22]);
  });

  it('date labels keep their distance: the last always, then those 64 px from every other', () => {
    // x = day of month * 10 px: 01 -> 10, 03 -> 30 (20 px from 01: dropped), 12 -> 120, 20 -> 200 (80 from 12)
    const x = (d: string) => Number(d.slice(8, 10)) * 10;
    const dates = ['2026-01-01', '2026-01-03', '2026-01-12', '2026-01-20'];
    expect(spacedDates(dates, x, 64)).toEqual(['2026-01-01', '2026-01-12', '2026-01-20']);
    expect(spacedDates(['2026-01-18', '2026-01-20'], x, 64)).toEqual(['2026-01-20']);
    expect(spacedDates([], x, 64)).toEqual([]);
  });

  it('paths skip gaps', () => {
    const s = linearScale([0, 10], [0, 100]);
    expect(
      pathOf(
        [
          { x: 0, y: 0 },
          { x: 5, y: Number.NaN },
          { x: 10, y: 10 },
        ],
        s,
        s
      )
    ).toBe('M0.0,0.0M100.0,100.0');
    expect(
      pathOf(
        [
          { x: 0, y: 0 },
          { x: 10, y: 10 },
        ],
        s,
        s
      )
    ).toBe('M0.0,0.0L100.0,100.0');
  });
});

describe('trends model', () => {
  const row = (date: string, values: HistoryRow['values']): HistoryRow => ({ date, values });
  const v = (value: number, diastolic?: number) => ({
    observationId: 'o',
    value,
    unit: 'x',
    display: '',
    diastolic,
  });

  it('series come oldest first from newest-first rows; diastolic dashed', () => {
    const rows = [
      row('2026-06-15', { bloodPressure: v(120, 80), weight: v(70.26) }),
      row('2025-06-15', { bloodPressure: v(130, 85) }),
    ];
    expect(signSeries(rows, 'bloodPressure', 'Systolic').points).toEqual([
      { date: '2025-06-15', value: 130 },
      { date: '2026-06-15', value: 120 },
    ]);
    expect(signSeries(rows, 'bloodPressure', 'Diastolic', 'diastolic')).toMatchObject({
      dashed: true,
      points: [{ value: 85 }, { value: 80 }],
    });
    expect(signSeries(rows, 'weight', 'Weight').points).toEqual([{ date: '2026-06-15', value: 70.3 }]);
  });

  it('growth charts from birth to 20 years', () => {
    // 2021-06-15 to 2026-06-15: 1826 days / 30.4375 = 59.99 months
    expect(ageMonthsOf('2021-06-15', new Date('2026-06-15T12:00:00Z'))).toBeCloseTo(59.99, 2);
    expect(showsGrowthCharts(59.99)).toBe(true);
    expect(showsGrowthCharts(240.6)).toBe(false);
    expect(showsGrowthCharts(undefined)).toBe(false);
  });
});
