import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sex } from '../model.js';
import type { LmsRow } from './lms.js';

/**
 * The CDC 2000 growth reference tables kept in reference/growth (source, columns and provenance in its README),
 * read once each, lazily, on first use. Each file: a header `Sex,Agemos|Length,L,M,S[,P3,...]`, rows with Sex
 * 1 = male, 2 = female (a header line may repeat between the sexes, as in the CDC's bmiagerev.csv).
 */

export const GROWTH_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../reference/growth'
);

export const TABLE_NAMES = [
  'bmiagerev',
  'wtleninf',
  'hcageinf',
  'wtageinf',
  'lenageinf',
  'wtage',
  'statage',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** A row as the file has it: L, M, S, x (Agemos or Length), and the published percentile columns if any. */
export interface TableRow extends LmsRow {
  /** e.g. { P5: 14.7373, P50: 16.5750, P95: 19.3380 } (only the columns the file has). */
  published: Record<string, number>;
}

export interface GrowthTable {
  name: TableName;
  /** `Agemos` (age in months) or `Length` (cm). */
  xColumn: string;
  /** The published percentile columns, e.g. ["P3", "P5", ..., "P97"] (empty for LMS-only files). */
  percentileColumns: string[];
  rows: Record<Sex, TableRow[]>;
}

const cache = new Map<TableName, GrowthTable | null>();

/** Parses one table's CSV text (exported for the data test). */
export function parseTable(name: TableName, text: string): GrowthTable {
  let header: string[] | undefined;
  const rows: Record<Sex, TableRow[]> = { male: [], female: [] };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const cells = line.split(',');
    if (cells[0] === 'Sex') {
      header = cells;
      continue;
    }
    if (!header) throw new Error(`reference/growth/${name}.csv: a data row before the header`);
    const values = cells.map(Number);
    if (values.length !== header.length || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`reference/growth/${name}.csv: bad row "${line}"`);
    }
    const col = (key: string) => values[(header as string[]).indexOf(key)];
    const published: Record<string, number> = {};
    header.forEach((key, i) => {
      if (/^P\d+$/.test(key)) published[key] = values[i];
    });
    const sex: Sex = values[0] === 1 ? 'male' : 'female';
    rows[sex].push({ x: values[1], L: col('L'), M: col('M'), S: col('S'), published });
  }
  if (!header) throw new Error(`reference/growth/${name}.csv has no header`);
  for (const sex of ['male', 'female'] as const) rows[sex].sort((a, b) => a.x - b.x);
  return {
    name,
    xColumn: header[1],
    percentileColumns: header.filter((k) => /^P\d+$/.test(k)),
    rows,
  };
}

/** The table, or undefined when its file is not in reference/growth. */
export function growthTable(name: TableName): GrowthTable | undefined {
  if (!cache.has(name)) {
    const file = path.join(GROWTH_DIR, `${name}.csv`);
    cache.set(name, fs.existsSync(file) ? parseTable(name, fs.readFileSync(file, 'utf8')) : null);
  }
  return cache.get(name) ?? undefined;
}
