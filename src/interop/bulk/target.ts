import { ConfigError, parseDatabaseAndPractice } from '../../config.js';
import type { DatabaseTarget } from '../../store/db.js';
import { defaultPracticeName } from '../../store/practice.js';

/** Where a bulk command reads or writes: a database and a practice (tenant) in it. */
export interface BulkTarget {
  database: DatabaseTarget;
  practice: string;
}

/** A setting given wrong; its message is one line naming the flag and the environment variable. */
export class BulkConfigError extends Error {}

/** Flags over MEDASSIST_DATABASE / MEDASSIST_PRACTICE over the defaults (pglite:./data, demo), as `serve` reads them. */
export function parseBulkTarget(
  flags: { database?: string; practice?: string },
  env: NodeJS.ProcessEnv = process.env
): BulkTarget {
  try {
    return parseDatabaseAndPractice(flags, env);
  } catch (err) {
    throw err instanceof ConfigError ? new BulkConfigError(err.message) : err;
  }
}

/** The name a practice gets when a bulk command creates it (the demo clinic's, as `serve` names it). */
export const practiceName = defaultPracticeName;
