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
  /**
   * LISTENs on a channel (PostgreSQL LISTEN/NOTIFY): `handler` gets the payload of every NOTIFY (from this
   * process or another on the same database) once its transaction commits. PostgreSQL: one dedicated
   * connection per database, outside the pool, re-established if it drops; PGlite: the instance's own
   * listen. Resolves once listening; the function it returns stops this handler.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
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
    async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
      const stop = await db.listen(channel, handler);
      return async () => {
        if (!db.closed) {
          await stop();
        }
      };
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
  const listener = new PgListener(url);
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
    listen: (channel, handler) => listener.listen(channel, handler),
    async close(): Promise<void> {
      await listener.close();
      await pool.end();
    },
  };
}

/** A quoted SQL identifier (LISTEN takes no parameters). */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The one LISTEN connection of a PostgreSQL database: handlers per channel; LISTEN is sent once per channel.
 * When the connection drops it reconnects after a second and LISTENs again (notifications sent meanwhile
 * are lost: a screen that cares refetches on reconnect).
 */
class PgListener {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  constructor(private readonly url: string) {}

  private connect(): Promise<pg.Client> {
    if (this.client) {
      return Promise.resolve(this.client);
    }
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('notification', (msg) => {
        for (const handler of this.handlers.get(msg.channel) ?? []) {
          handler(msg.payload ?? '');
        }
      });
      client.on('error', () => this.dropped(client));
      client.on('end', () => this.dropped(client));
      try {
        await client.connect();
        for (const channel of this.handlers.keys()) {
          await client.query(`LISTEN ${quoteIdent(channel)}`);
        }
      } catch (err) {
        this.connecting = undefined;
        await client.end().catch(() => undefined);
        throw err;
      }
      this.client = client;
      this.connecting = undefined;
      return client;
    })();
    return this.connecting;
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client) {
      return;
    }
    this.client = undefined;
    if (!this.closed && this.handlers.size > 0) {
      setTimeout(() => {
        if (!this.closed) {
          this.connect().catch(() => this.dropped(client));
        }
      }, 1000).unref();
    }
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    const client = await this.connect();
    if (first) {
      await client.query(`LISTEN ${quoteIdent(channel)}`);
    }
    return async () => {
      const current = this.handlers.get(channel);
      current?.delete(handler);
      if (current && current.size === 0) {
        this.handlers.delete(channel);
        await this.client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
