import fs from 'node:fs';
import readline from 'node:readline';
import type { Resource } from '@medplum/fhirtypes';
import { putEntry, type ImportEntry } from './entries.js';

/** One line of an NDJSON file, made ready to load (or with the reason it cannot be). */
export interface NdjsonRecord {
  /** 1-based line number. */
  line: number;
  /** Bytes of the file read so far, for progress. */
  bytesRead: number;
  entry: ImportEntry;
}

/** Parses one NDJSON line into an idempotent PUT, or an entry with the problem that keeps it out. */
export function ndjsonEntry(text: string, line: number): ImportEntry {
  const where = `line ${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { entry: {}, where, referenceCopy: false, problem: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      entry: {},
      where,
      referenceCopy: false,
      problem: 'the line is not a FHIR resource (a JSON object)',
    };
  }
  if (typeof (value as { resourceType?: unknown }).resourceType !== 'string') {
    return { entry: {}, where, referenceCopy: false, problem: 'the resource has no resourceType' };
  }
  // Resources with an id are PUT to it; without one, to a hash of their content (see contentId).
  return putEntry(value as Resource, where);
}

/**
 * Reads an NDJSON file (FHIR Bulk Data: one resource per line) as a stream, line by line, so a file of any
 * size is loaded in constant memory. Blank lines are skipped.
 */
export async function* readNdjson(file: string): AsyncGenerator<NdjsonRecord> {
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let bytesRead = 0;
  try {
    for await (const text of lines) {
      line++;
      bytesRead += Buffer.byteLength(text) + 1;
      if (text.trim() === '') {
        continue;
      }
      yield { line, bytesRead, entry: ndjsonEntry(text, line) };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
