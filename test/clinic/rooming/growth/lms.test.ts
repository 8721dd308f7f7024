import { describe, expect, it } from 'vitest';
import { growthTable } from '../../../../src/clinic/rooming/growth/data.js';
import {
  erf,
  lmsAt,
  normalCdf,
  valueAtZ,
  zForPercentile,
  zScore,
} from '../../../../src/clinic/rooming/growth/lms.js';
import {
  chartPercentile,
  chartReference,
  growthPercentiles,
  ordinal,
} from '../../../../src/clinic/rooming/growth/percentiles.js';

describe('normal distribution', () => {
  it('erf matches published values (Abramowitz and Stegun table 7.1) to 1e-14', () => {
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
    expect(erf(-1)).toBeCloseTo(-0.8427007929497149, 14);
  });

  it('the normal CDF gives the standard quantiles back (1.644853627 -> 0.95, -1.880793608 -> 0.03)', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.644853627)).toBeCloseTo(0.95, 9);
    expect(normalCdf(-1.880793608)).toBeCloseTo(0.03, 9);
    expect(zForPercentile(95)).toBeCloseTo(1.644853627, 8);
    expect(zForPercentile(5)).toBeCloseTo(-1.644853627, 8);
    expect(zForPercentile(50)).toBeCloseTo(0, 12);
  });
});

describe('the LMS method', () => {
  it('a hand-worked BMI-for-age example: a boy of 120.5 months with BMI 20', () => {
    // bmiagerev.csv, Sex 1, Agemos 120.5: L = -2.765648008, M = 16.64613844, S = 0.120112464.
    // X/M = 20 / 16.64613844 = 1.2014798; ln(X/M) = 0.1835540
    // (X/M)^L = exp(-2.765648008 * 0.1835540) = exp(-0.5076457) = 0.601911
    // L*S = -2.765648008 * 0.120112464 = -0.3321888
    // z = (0.601911 - 1) / -0.3321888 = 1.19838; Phi(1.19838) = 0.88462 -> 88.5th percentile
    // (between the table's P85 19.39 and P90 20.34, as it must be).
    const lms = { L: -2.765648008, M: 16.64613844, S: 0.120112464 };
    expect(zScore(20, lms)).toBeCloseTo(1.19838, 4);
    const [bmi] = growthPercentiles({ sex: 'male', ageMonths: 120.5, bmi: 20 });
    expect(bmi).toMatchObject({ loinc: '59576-9', percentile: 88.5, zScore: 1.2 });
    expect(bmi.reference).toContain('bmiagerev.csv');
  });

  it('a hand-worked head circumference example: a boy of 12.5 months with 48 cm', () => {
    // hcageinf.csv, Sex 1, Agemos 12.5: L = 0.171147024, M = 46.49853438, S = 0.027601686.
    // X/M = 48 / 46.49853438 = 1.0322906; ln = 0.0317800; * L = 0.0054391; exp - 1 = 0.0054539
    // L*S = 0.171147024 * 0.027601686 = 0.0047239; z = 0.0054539 / 0.0047239 = 1.15453
    // Phi(1.15453) = 0.87586 -> 87.6th percentile
    const [hc] = growthPercentiles({ sex: 'male', ageMonths: 12.5, headCircumferenceCm: 48 });
    expect(hc.loinc).toBe('8289-1');
    expect(hc.zScore).toBeCloseTo(1.15, 2);
    expect(hc.percentile).toBe(87.6);
  });

  it('L = 0 uses the log form, and valueAtZ inverts zScore', () => {
    // z = ln(X/M)/S: X = 10*e^0.1, M = 10, S = 0.1 -> z = 1
    expect(zScore(10 * Math.exp(0.1), { L: 0, M: 10, S: 0.1 })).toBeCloseTo(1, 12);
    const lms = { L: -1.5, M: 16, S: 0.1 };
    expect(zScore(valueAtZ(1.3, lms), lms)).toBeCloseTo(1.3, 12);
  });

  it('interpolates L, M and S linearly between table ages', () => {
    // bmiagerev.csv girls: Agemos 119.5 M = 16.81367689, Agemos 120.5 M = 16.86231366; at 120 months the
    // median is their mean, 16.837995275, which must come out as the 50.0th percentile; L likewise
    // (-2.184580762 + -2.171295888) / 2 = -2.177938325.
    const rows = growthTable('bmiagerev')?.rows.female ?? [];
    const mid = lmsAt(rows, 120);
    expect(mid?.M).toBeCloseTo(16.837995275, 9);
    expect(mid?.L).toBeCloseTo(-2.177938325, 9);
    expect(growthPercentiles({ sex: 'female', ageMonths: 120, bmi: 16.837995275 })[0].percentile).toBe(50);
    // a quarter of the way: 119.75 -> M = 16.81367689 + 0.25 * 0.04863677 = 16.8258360825
    expect(lmsAt(rows, 119.75)?.M).toBeCloseTo(16.8258360825, 9);
    expect(lmsAt(rows, 23.9)).toBeUndefined();
    expect(lmsAt(rows, 241)).toBeUndefined();
  });
});

describe('published CDC table values come out as their percentile', () => {
  it('spot values: bmiagerev boys 24 mo P50, girls 60.5 mo P95, boys 240 mo P5', () => {
    // bmiagerev.csv: "1,24,...,P50 = 16.57502768"; "2,60.5,...,P95 = 18.25738105"; "1,240,...,P5 = 19.12055111"
    expect(growthPercentiles({ sex: 'male', ageMonths: 24, bmi: 16.57502768 })[0].percentile).toBe(50);
    expect(growthPercentiles({ sex: 'female', ageMonths: 60.5, bmi: 18.25738105 })[0].percentile).toBe(95);
    expect(growthPercentiles({ sex: 'male', ageMonths: 240, bmi: 19.12055111 })[0].percentile).toBe(5);
    // wtleninf.csv "1,75.5,...": P50 9.742129356, P95 11.18113275
    const wfl = (w: number) =>
      growthPercentiles({ sex: 'male', ageMonths: 12, heightCm: 75.5, weightKg: w })[0];
    expect(wfl(9.742129356)).toMatchObject({ loinc: '77606-2', percentile: 50 });
    expect(wfl(11.18113275).percentile).toBe(95);
  });

  it('every row of bmiagerev.csv: its P5, P50 and P95 are the 5.0th, 50.0th and 95.0th percentile', () => {
    const table = growthTable('bmiagerev');
    let checked = 0;
    for (const sex of ['male', 'female'] as const) {
      for (const row of table?.rows[sex] ?? []) {
        for (const [column, expected] of [
          ['P5', 5],
          ['P50', 50],
          ['P95', 95],
        ] as const) {
          const [p] = growthPercentiles({ sex, ageMonths: row.x, bmi: row.published[column] });
          expect(p.percentile, `${sex} ${row.x} ${column}`).toBe(expected);
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 219 * 3);
  });

  it('every row of wtleninf.csv: its P5, P50 and P95 are the 5.0th, 50.0th and 95.0th percentile', () => {
    const table = growthTable('wtleninf');
    let checked = 0;
    for (const sex of ['male', 'female'] as const) {
      for (const row of table?.rows[sex] ?? []) {
        for (const [column, expected] of [
          ['P5', 5],
          ['P50', 50],
          ['P95', 95],
        ] as const) {
          const found = growthPercentiles({
            sex,
            ageMonths: 10,
            heightCm: row.x,
            weightKg: row.published[column],
          });
          expect(found.find((p) => p.loinc === '77606-2')?.percentile, `${sex} ${row.x} ${column}`).toBe(
            expected
          );
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 60 * 3);
  });
});

describe('where each percentile applies', () => {
  const child = { sex: 'female' as const, weightKg: 12, heightCm: 85, bmi: 16.6, headCircumferenceCm: 47 };

  it('under 2 years: no BMI percentile; weight-for-length and head circumference', () => {
    const codes = growthPercentiles({ ...child, ageMonths: 23.9 }).map((p) => p.loinc);
    expect(codes).toEqual(['77606-2', '8289-1']);
  });

  it('from 2 to 3 years all three, over 36 months no weight-for-length nor head circumference', () => {
    expect(growthPercentiles({ ...child, ageMonths: 24 }).map((p) => p.loinc)).toEqual([
      '59576-9',
      '77606-2',
      '8289-1',
    ]);
    expect(growthPercentiles({ ...child, ageMonths: 36.1 }).map((p) => p.loinc)).toEqual(['59576-9']);
  });

  it('over 20 years nothing; a length outside 45-103.5 cm no weight-for-length', () => {
    expect(growthPercentiles({ ...child, ageMonths: 240.6 })).toEqual([]);
    expect(growthPercentiles({ sex: 'male', ageMonths: 1, weightKg: 2.5, heightCm: 44.9 })).toEqual([]);
    expect(growthPercentiles({ sex: 'male', ageMonths: 30, weightKg: 17, heightCm: 103.6 })).toEqual([]);
  });

  it('a nonsense value gives no percentile rather than a wrong one', () => {
    expect(growthPercentiles({ sex: 'male', ageMonths: 60, bmi: 0 })).toEqual([]);
    expect(growthPercentiles({ sex: 'male', ageMonths: Number.NaN, bmi: 16 })).toEqual([]);
  });
});

describe('chart reference curves', () => {
  it('BMI-for-age: 5th..95th curves whose 50th is the table median and 95th the published P95', () => {
    const chart = chartReference('bmi-for-age', 'male', 60);
    expect(chart?.curves.map((c) => c.label)).toEqual([
      '5th',
      '10th',
      '25th',
      '50th',
      '75th',
      '90th',
      '95th',
    ]);
    expect(chart?.x).toMatchObject({ label: 'Age', unit: 'mo', min: 24, max: 240.5 });
    const p50 = chart?.curves.find((c) => c.percentile === 50)?.points[0];
    expect(p50).toEqual({ x: 24, y: 16.575 }); // M = 16.57502768
    const p95 = chart?.curves.find((c) => c.percentile === 95)?.points[0];
    expect(p95?.y).toBeCloseTo(19.33801062, 3); // published P95 at 24 months
  });

  it('the infant chart under 24 months, by sex', () => {
    const girls = chartReference('head-circumference', 'female', 6);
    expect(girls?.x).toMatchObject({ min: 0, max: 36 });
    expect(girls?.curves[3].points[0]).toEqual({ x: 0, y: 34.712 }); // girls' M at birth 34.7115617
    const wfl = chartReference('weight-for-length', 'male');
    expect(wfl?.x).toMatchObject({ label: 'Length', unit: 'cm', min: 45, max: 103.5 });
    expect(wfl && chartPercentile(wfl, 'male', 75.5, 9.742129356)?.percentile).toBe(50);
  });

  it('ordinals', () => {
    expect([1, 2, 3, 5, 11, 12, 13, 21, 50].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '5th',
      '11th',
      '12th',
      '13th',
      '21st',
      '50th',
    ]);
  });
});
