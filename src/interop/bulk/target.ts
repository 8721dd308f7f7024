import { z } from 'zod';
import { parseDatabaseTarget, type DatabaseTarget } from '../../store/db.js';
import { PRACTICE_ID_RE } from '../../store/practice.js';

/** Where a bulk command reads or writes: a database and a practice (tenant) in it. */
export interface BulkTarget {
  database: DatabaseTarget;
  practice: string;
}

/** A setting given wrong; its message is one line naming the flag and the environment variable. */
export class BulkConfigError extends Error {}

const schema = z.object({
  database: z.string().transform((value, ctx) => {
    const parsed = parseDatabaseTarget(value);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  }),
  practice: z.string().regex(PRACTICE_ID_RE, 'must be lower-case letters, digits and "-"'),
});

const NAMES: Record<string, string> = {
  database: '--database / MEDASSIST_DATABASE',
  practice: '--practice / MEDASSIST_PRACTICE',
};

/** Flags over MEDASSIST_DATABASE / MEDASSIST_PRACTICE over the defaults (pglite:./data, demo), as `serve` reads them. */
export function parseBulkTarget(
  flags: { database?: string; practice?: string },
  env: NodeJS.ProcessEnv = process.env
): BulkTarget {
  const raw = {
    database: flags.database ?? env.MEDASSIST_DATABASE ?? 'pglite:./data',
    practice: flags.practice ?? env.MEDASSIST_PRACTICE ?? 'demo',
  };
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue.path[0]);
    const shown = key === 'practice' ? ` (got "${raw.practice}")` : '';
    throw new BulkConfigError(`invalid setting ${NAMES[key] ?? key}: ${issue.message}${shown}`);
  }
  return result.data;
}

/** The name a practice gets when a bulk command creates it (the demo clinic's, as `serve` names it). */
export function practiceName(practice: string): string {
  return practice === 'demo' ? 'Riverbend Family Medicine (demo)' : practice;
}
