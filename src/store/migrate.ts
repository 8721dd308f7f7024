import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './db.js';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** The migration files, in order: `NNN_name.sql`. */
function listMigrations(): { version: number; name: string; sql: string }[] {
  return fs
    .readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f,
      sql: fs.readFileSync(path.join(migrationsDir, f), 'utf8'),
    }));
}

/**
 * Brings the schema up to date. Idempotent: applied versions are recorded in schema_migration.
 * On PostgreSQL an advisory lock makes two servers starting at once take turns.
 */
export async function migrate(db: Database): Promise<number[]> {
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())'
  );
  const applied: number[] = [];
  for (const migration of listMigrations()) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(4242001)');
      const done = await tx.query('SELECT 1 FROM schema_migration WHERE version = $1', [migration.version]);
      if (done.rows.length > 0) {
        return;
      }
      for (const statement of splitStatements(migration.sql)) {
        await tx.query(statement);
      }
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    });
  }
  return applied;
}

/**
 * Splits a migration into statements on semicolons outside dollar-quoted bodies ($$ ... $$, used by
 * functions). Our migrations keep semicolons out of strings and comments.
 */
function splitStatements(sql: string): string[] {
  const text = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  const statements: string[] = [];
  let current = '';
  let inBody = false;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('$$', i)) {
      inBody = !inBody;
      current += '$$';
      i++;
      continue;
    }
    if (text[i] === ';' && !inBody) {
      statements.push(current);
      current = '';
      continue;
    }
    current += text[i];
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s.length > 0);
}
