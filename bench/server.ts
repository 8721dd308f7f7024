import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { BENCH_PRACTICE, prepareAuth, startAuth } from './auth.js';

/** The engines the bench runs on. */
export const ENGINES = ['pglite', 'postgres'] as const;
export type BenchEngine = (typeof ENGINES)[number];

/** The PostgreSQL server the bench uses; it creates and drops its own database there, never touching others. */
export const POSTGRES_ADMIN_URL =
  process.env.MEDASSIST_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_DB_NAME = 'medassist_bench';
export { BENCH_PRACTICE };

/** A medassist server running as a child process, so the load generator never shares its event loop. */
export interface BenchServer {
  engine: BenchEngine;
  /** FHIR base, e.g. http://127.0.0.1:18080/fhir/R4 */
  fhirBase: string;
  origin: string;
  pid: number;
  /** The database URL the server uses (postgres only). */
  databaseUrl?: string;
  stop(): Promise<void>;
  /**
   * Runs ANALYZE, as autovacuum would on a PostgreSQL that has it on (this machine's has it off, and PGlite
   * has no autovacuum at all): without statistics the planner picks the wrong index for searches.
   */
  analyze(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops and re-creates the bench's own PostgreSQL database; returns its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB_NAME}`);
  } finally {
    await admin.end();
  }
  return withDatabase(POSTGRES_ADMIN_URL, BENCH_DB_NAME);
}

async function waitForHealth(
  origin: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with code ${child.exitCode} before it was healthy:\n${output()}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server was not healthy after ${timeoutMs} ms:\n${output()}`);
}

interface Child {
  process: ChildProcess;
  exited: Promise<void>;
  log: () => string;
}

function spawnServer(database: string, port: number): Child {
  const args = [
    'bin/medassist.js',
    'serve',
    '--database',
    database,
    '--port',
    String(port),
    '--practice',
    BENCH_PRACTICE,
    '--log-level',
    'warn',
  ];
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=artifacts/bench/prof", profiles the server.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { process: child, exited, log: () => log };
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) {
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(timer);
  }
}

/**
 * Starts `medassist serve` on a fresh database of the engine: PGlite in a new temp folder, PostgreSQL in a
 * freshly created `medassist_bench` database. Resolves once /healthz answers 200.
 */
export async function startServer(engine: BenchEngine, port: number): Promise<BenchServer> {
  let database: string;
  let tempDir: string | undefined;
  let databaseUrl: string | undefined;
  if (engine === 'pglite') {
    tempDir = mkdtempSync(join(tmpdir(), 'medassist-bench-'));
    database = `pglite:${join(tempDir, 'db')}`;
  } else {
    databaseUrl = await freshPostgresDatabase();
    database = databaseUrl;
  }
  const origin = `http://127.0.0.1:${port}`;
  // The bench's API client and admin user, made while no server holds the database (bench/auth.ts).
  prepareAuth(database);
  let child = spawnServer(database, port);
  const healthy = async (): Promise<void> => {
    try {
      await waitForHealth(origin, child.process, child.log, 120_000);
    } catch (err) {
      await server.stop();
      throw err;
    }
  };
  const server: BenchServer = {
    engine,
    fhirBase: `${origin}/fhir/R4`,
    origin,
    pid: child.process.pid ?? -1,
    databaseUrl,
    async stop(): Promise<void> {
      await stopChild(child);
      if (tempDir) {
        rmSync(tempDir, { recursive: true, force: true });
      }
    },
    async analyze(): Promise<void> {
      if (databaseUrl) {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          await client.query('ANALYZE');
        } finally {
          await client.end();
        }
        return;
      }
      // PGlite has one owner: stop the server, ANALYZE the folder in-process, start the server again.
      await stopChild(child);
      const db = await PGlite.create(database.slice('pglite:'.length), { extensions: { pg_trgm } });
      await db.query('ANALYZE');
      await db.close();
      child = spawnServer(database, port);
      server.pid = child.process.pid ?? -1;
      await healthy();
    },
  };
  await healthy();
  await startAuth(origin);
  return server;
}
