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
 * Re-analyzes when this process has written enough since the last run: 1,000 versions, or a tenth of the
 * database (its size estimated from pg_class at start). Checked every 10 s; the check itself is a counter.
 * PGlite has no autovacuum at all, and a PostgreSQL may run with it off (this kind of machine does), so the
 * server does not rely on it. Returns a function that stops the timer.
 */
export function scheduleAnalyze(db: Database, intervalMs = 10_000): () => void {
  let baseline = 0;
  void db
    .query<{ n: number | string | null }>(
      "SELECT reltuples AS n FROM pg_class WHERE relname = 'resource_version'"
    )
    .then((r) => (baseline = Math.max(0, Number(r.rows[0]?.n ?? 0))))
    .catch(() => undefined);
  let analyzedAt = writeStats.versions;
  let running = false;
  const timer = setInterval(() => {
    const written = writeStats.versions - analyzedAt;
    if (!running && written >= Math.max(1000, (baseline + writeStats.versions) / 10)) {
      running = true;
      analyzedAt = writeStats.versions;
      void analyze(db)
        .catch(() => undefined)
        .finally(() => (running = false));
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
