import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GROWTH_DIR,
  growthTable,
  parseTable,
  TABLE_NAMES,
  type TableName,
} from '../../../../src/clinic/rooming/growth/data.js';
import { valueAtZ, zForPercentile } from '../../../../src/clinic/rooming/growth/lms.js';

/**
 * The reference data of reference/growth (README there): every row's published percentile columns must follow
 * from its L, M, S (P = M (1 + L S z)^(1/L)) to the file's precision, the rows must cover each table's range
 * without gaps, and the parameters must be possible (M > 0, S > 0).
 */

/** Rows per sex in the CDC files (bmiagerev: 24, 24.5, 25.5, ..., 239.5, 240, 240.5 = 219). */
const EXPECTED_ROWS: Partial<Record<TableName, number>> = {
  bmiagerev: 219,
  wtleninf: 60,
  hcageinf: 38,
  wtageinf: 38,
  lenageinf: 37,
  // wtage.csv and statage.csv: 24, 24.5, 25.5, ..., 239.5, 240 (no 240.5 row)
  wtage: 218,
  statage: 218,
};

const present = TABLE_NAMES.filter((name) => fs.existsSync(path.join(GROWTH_DIR, `${name}.csv`)));

describe('reference/growth', () => {
  it('has at least the three tables the stored percentiles need', () => {
    expect(present).toEqual(expect.arrayContaining(['bmiagerev', 'wtleninf', 'hcageinf']));
  });

  it.each(present)('%s: every published percentile matches its row L, M, S to 1e-7 (relative)', (name) => {
    const table = growthTable(name);
    expect(table).toBeDefined();
    let compared = 0;
    for (const sex of ['male', 'female'] as const) {
      for (const row of table?.rows[sex] ?? []) {
        for (const [column, published] of Object.entries(row.published)) {
          const expected = valueAtZ(zForPercentile(Number(column.slice(1))), row);
          expect(
            Math.abs(expected - published) / published,
            `${name} ${sex} ${row.x} ${column}`
          ).toBeLessThan(1e-7);
          compared++;
        }
      }
    }
    expect(compared).toBe(2 * (EXPECTED_ROWS[name] ?? 0) * (table?.percentileColumns.length ?? 0));
  });

  it.each(present)('%s: both sexes, the full range, possible parameters', (name) => {
    const table = growthTable(name);
    for (const sex of ['male', 'female'] as const) {
      const rows = table?.rows[sex] ?? [];
      expect(rows.length, `${name} ${sex}`).toBe(EXPECTED_ROWS[name]);
      rows.forEach((row, i) => {
        expect(row.M).toBeGreaterThan(0);
        expect(row.S).toBeGreaterThan(0);
        if (i > 0) {
          // CDC steps: half a month or one (0.5 at the ends), or 0.5-1 cm
          expect(row.x - rows[i - 1].x).toBeGreaterThan(0);
          expect(row.x - rows[i - 1].x).toBeLessThanOrEqual(1);
        }
      });
    }
  });

  it('the 2-20 year tables agree with the infant tables where they overlap (two independent copies)', () => {
    // CDC: stature-for-age is length-for-age less 0.8 cm (standing vs recumbent) with the same L and S;
    // weight-for-age is the same curve in both charts (9-10 digits; a few rows differ in the 6th).
    const infantLength = growthTable('lenageinf');
    const stature = growthTable('statage');
    const infantWeight = growthTable('wtageinf');
    const weight = growthTable('wtage');
    if (!infantLength || !stature || !infantWeight || !weight) return;
    let compared = 0;
    for (const sex of ['male', 'female'] as const) {
      for (const row of stature.rows[sex]) {
        const infant = infantLength.rows[sex].find((r) => r.x === row.x);
        if (!infant) continue;
        expect(infant.M - row.M, `${sex} ${row.x}`).toBeCloseTo(0.8, 6);
        expect(infant.L).toBe(row.L);
        expect(infant.S).toBe(row.S);
        compared++;
      }
      for (const row of weight.rows[sex]) {
        const infant = infantWeight.rows[sex].find((r) => r.x === row.x);
        if (!infant) continue;
        for (const k of ['L', 'M', 'S'] as const) {
          expect(Math.abs(infant[k] - row[k]) / Math.abs(row[k]), `${sex} ${row.x} ${k}`).toBeLessThan(2e-5);
        }
        compared++;
      }
    }
    // 24.5, 25.5, ..., 35.5 (12 ages) for each sex and pair; 36 is in wtageinf but wtage has 36.5
    expect(compared).toBe(2 * 12 * 2);
  });

  it('a header repeated between the sexes is skipped; a broken row is refused', () => {
    const t = parseTable(
      'bmiagerev',
      'Sex,Agemos,L,M,S\n1,24,-2,16.5,0.08\nSex,Agemos,L,M,S\n2,24,-1,16.4,0.085\n'
    );
    expect(t.rows.male).toHaveLength(1);
    expect(t.rows.female[0]).toMatchObject({ x: 24, L: -1, M: 16.4, S: 0.085 });
    expect(() => parseTable('bmiagerev', 'Sex,Agemos,L,M,S\n1,24,x,16.5,0.08\n')).toThrow(/bad row/);
  });
});
