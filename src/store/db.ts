import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { acquireFolderLock, type FolderLock } from './lock.js';

/** What a query returns: rows as plain objects. */
export interface QueryResult<T> {
  rows: T[];
}

/**
 * The one seam between medassist and its two engines (Medplum's SqlConnection idea):
 * PGlite and node-postgres both answer `query(sql, params)` with the same SQL.
 */
export interface SqlConnection {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export type Engine = 'pglite' | 'postgres';

export interface Database extends SqlConnection {
  readonly engine: Engine;
  /** Runs `fn` in one transaction: all of it commits or none of it does. */
  transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Parsed form of a `--database` value. */
export type DatabaseTarget =
  { engine: 'pglite'; dir: string | null /* null = in memory */ } | { engine: 'postgres'; url: string };

/** Parses `pglite:DIR`, `pglite:memory` or `postgres://...`; returns an error message for anything else. */
export function parseDatabaseTarget(value: string): DatabaseTarget | string {
  if (value === 'pglite:memory') {
    return { engine: 'pglite', dir: null };
  }
  if (value.startsWith('pglite:')) {
    const dir = value.slice('pglite:'.length);
    return dir ? { engine: 'pglite', dir } : 'pglite: needs a folder, as in pglite:./data, or pglite:memory';
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    try {
      new URL(value);
    } catch {
      return `not a valid PostgreSQL URL: ${redactUrl(value)}`;
    }
    return { engine: 'postgres', url: value };
  }
  return `expected pglite:DIR, pglite:memory or postgres://..., got "${redactUrl(value)}"`;
}

/** Hides a password in a connection URL before it is printed. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

/** Opens the database a target names. For a PGlite folder, takes the folder's one-owner lock first. */
export async function openDatabase(
  target: DatabaseTarget,
  options: { poolSize?: number } = {}
): Promise<Database> {
  if (target.engine === 'postgres') {
    return openPostgres(target.url, options.poolSize ?? 10);
  }
  let lock: FolderLock | undefined;
  if (target.dir) {
    lock = acquireFolderLock(target.dir);
  }
  try {
    const db = await PGlite.create(target.dir ?? 'memory://', { extensions: { pg_trgm } });
    return pgliteDatabase(db, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

function pgliteDatabase(db: PGlite, lock: FolderLock | undefined): Database {
  const query = async <T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> => {
    const result = await db.query<T>(sql, params);
    return { rows: result.rows };
  };
  return {
    engine: 'pglite',
    query,
    async transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
            const result = await tx.query<R>(sql, params);
            return { rows: result.rows };
          },
        })
      );
    },
    async close(): Promise<void> {
      await db.close();
      lock?.release();
    },
  };
}

// Return numeric and bigint as JS numbers/strings consistently with PGlite: int8 -> number, numeric -> number.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's connection error must not crash the server; the next query reports it.
  pool.on('error', () => undefined);
  return {
    engine: 'postgres',
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const result = await pool.query(sql, params);
      return { rows: result.rows as T[] };
    },
    async transaction<T>(fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await fn({
          async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
            const result = await client.query(sql, params);
            return { rows: result.rows as R[] };
          },
        });
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
