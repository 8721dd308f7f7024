import type { SqlConnection } from './db.js';

export const PRACTICE_ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Creates a practice (tenant) if it does not exist yet. */
export async function ensurePractice(db: SqlConnection, id: string, name: string): Promise<void> {
  await db.query('INSERT INTO practice (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
}

export async function practiceExists(db: SqlConnection, id: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM practice WHERE id = $1', [id]);
  return result.rows.length > 0;
}

/** How many resources a practice holds (0 means the demo clinic has not been loaded). */
export async function countResources(db: SqlConnection, practiceId: string): Promise<number> {
  const result = await db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM resource WHERE practice_id = $1 AND NOT deleted',
    [practiceId]
  );
  return Number(result.rows[0].n);
}

/** The name a practice gets when a command creates it (the demo clinic's for `demo`). */
export function defaultPracticeName(practice: string): string {
  return practice === 'demo' ? 'Riverbend Family Medicine (demo)' : practice;
}
