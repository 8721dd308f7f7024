import type { Database } from './db.js';
import { writeStats } from './writes.js';

/**
 * Refreshes the planner's statistics. PostgreSQL's autovacuum does this by itself; PGlite runs no
 * background workers, so without it a search after a large load can pick a plan hundreds of times slower
 * (measured: Observation?patient&code at 31 req/s before ANALYZE, 1,700 after; docs/performance.md).
 * ANALYZE samples a bounded number of rows, so it costs about the same on a large database as a small one.
 */
export async function analyze(db: Database): Promise<void> {
  await db.query('ANALYZE resource');
  await db.query('ANALYZE search_index');
  await db.query('ANALYZE resource_version');
}

/**
 * Re-analyzes once a minute when this process wrote enough since the last run (1,000 versions, or a tenth
 * of what there was). PGlite has no autovacuum at all, and a PostgreSQL may run with it off (this kind of
 * machine does), so the server does not rely on it. Returns a function that stops the timer.
 */
export function scheduleAnalyze(db: Database, intervalMs = 60_000): () => void {
  let analyzedAt = writeStats.versions;
  const timer = setInterval(() => {
    const written = writeStats.versions - analyzedAt;
    if (written >= Math.max(1000, analyzedAt / 10)) {
      analyzedAt = writeStats.versions;
      void analyze(db).catch(() => undefined);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
