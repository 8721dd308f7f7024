import fs from 'node:fs';
import path from 'node:path';

/** One file to import: a FHIR Bundle (JSON) or NDJSON (one resource per line). */
export interface ImportFile {
  path: string;
  kind: 'bundle' | 'ndjson';
  bytes: number;
}

/** Thrown when a PATH given to the importer does not exist or holds nothing importable. */
export class ImportPathError extends Error {}

const NDJSON_RE = /\.(ndjson|jsonl)$/i;
const JSON_RE = /\.json$/i;

/**
 * Synthea writes the organizations and practitioners every patient bundle refers to in
 * hospitalInformation*.json and practitionerInformation*.json; they are the full copies (with the
 * utilization extensions), so they load first and the shorter copies inside patient bundles only fill gaps.
 */
function loadRank(file: string): number {
  const base = path.basename(file);
  if (base.startsWith('hospitalInformation')) {
    return 0;
  }
  if (base.startsWith('practitionerInformation')) {
    return 1;
  }
  return 2;
}

function kindOf(file: string): ImportFile['kind'] | undefined {
  return NDJSON_RE.test(file) ? 'ndjson' : JSON_RE.test(file) ? 'bundle' : undefined;
}

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(full, out);
    } else if (entry.isFile() && kindOf(full)) {
      out.push(full);
    }
  }
}

/**
 * The files named by the PATHs (files, or folders searched recursively for *.json, *.ndjson and *.jsonl),
 * in load order: Synthea's hospital and practitioner files first, then the rest as given (a folder's by name). A file named
 * explicitly is taken whatever its extension (as NDJSON unless it ends in .json).
 */
export function listImportFiles(paths: string[]): ImportFile[] {
  const files: ImportFile[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new ImportPathError(`no such file or folder: ${p}`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(p, found);
      if (found.length === 0) {
        throw new ImportPathError(`no .json, .ndjson or .jsonl files in ${p}`);
      }
      found.sort((a, b) => loadRank(a) - loadRank(b) || a.localeCompare(b));
      for (const f of found) {
        files.push({ path: f, kind: kindOf(f) ?? 'ndjson', bytes: fs.statSync(f).size });
      }
    } else {
      files.push({ path: p, kind: kindOf(p) ?? 'ndjson', bytes: stat.size });
    }
  }
  // Stable: a shell glob (import data/*.json) also loads the hospital and practitioner files first.
  return files.sort((a, b) => loadRank(a.path) - loadRank(b.path));
}
