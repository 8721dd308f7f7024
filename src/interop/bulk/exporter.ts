import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { SqlConnection } from '../../store/db.js';
import { countByType, scanResources } from '../../store/scan.js';

/** One NDJSON file written by an export. */
export interface ExportedFile {
  resourceType: string;
  file: string;
  count: number;
}

export interface ExportOptions {
  /** Only these resource types (default: every type the practice holds). */
  types?: string[];
  /** Called after each page written, with the running total. */
  onProgress?: (written: number, total: number) => void;
}

/**
 * Writes the practice's current, non-deleted resources to DIR as one NDJSON file per type (`Patient.ndjson`,
 * the FHIR Bulk Data layout: one resource per line). Pages are read by keyset (store/scan.ts) and written
 * with backpressure, so memory stays flat whatever the size. Each file is written under a temporary name
 * and renamed when complete, so an interrupted export never leaves a file that looks whole.
 * Types the practice holds none of get no file.
 */
export async function exportNdjson(
  db: SqlConnection,
  practiceId: string,
  dir: string,
  options: ExportOptions = {}
): Promise<ExportedFile[]> {
  const counts = await countByType(db, practiceId);
  const types = (options.types ?? [...counts.keys()]).filter((t) => (counts.get(t) ?? 0) > 0).sort();
  const total = types.reduce((n, t) => n + (counts.get(t) ?? 0), 0);
  await fs.promises.mkdir(dir, { recursive: true });
  const written: ExportedFile[] = [];
  let done = 0;
  for (const type of types) {
    const file = path.join(dir, `${type}.ndjson`);
    const partial = `${file}.partial`;
    const out = fs.createWriteStream(partial, { encoding: 'utf8' });
    let count = 0;
    try {
      for await (const page of scanResources(db, practiceId, type)) {
        for (const resource of page) {
          if (!out.write(`${JSON.stringify(resource)}\n`)) {
            await once(out, 'drain');
          }
        }
        count += page.length;
        done += page.length;
        options.onProgress?.(done, total);
      }
      out.end();
      await once(out, 'finish');
    } catch (err) {
      out.destroy();
      await fs.promises.rm(partial, { force: true });
      throw err;
    }
    await fs.promises.rename(partial, file);
    written.push({ resourceType: type, file, count });
  }
  return written;
}
