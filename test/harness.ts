import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../src/api/app.js';
import { createClient, issueToken } from '../src/auth/clients.js';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { openDatabase, type Database, type Engine } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { ensurePractice } from '../src/store/practice.js';
import type { RequestContext } from '../src/store/context.js';

/** The PostgreSQL the suite runs against (CI and `npm test` set it; this kind of machine provides it). */
export const POSTGRES_URL = process.env.MEDASSIST_TEST_POSTGRES ?? '';

/**
 * The engines every store and API test runs on: PGlite always, PostgreSQL when MEDASSIST_TEST_POSTGRES
 * names one. `.ci/run` checks that tests ran on both.
 */
export function testEngines(): Engine[] {
  return POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface EngineHandle {
  db: Database;
  app: FastifyInstance;
}

/**
 * Opens one database per engine for a test file (beforeAll) and closes it after. Tests never share a
 * practice: each calls newPractice(), so they never truncate tables or see each other's rows.
 */
export function useEngine(engine: Engine): EngineHandle {
  const handle = {} as EngineHandle;
  beforeAll(async () => {
    loadDefinitions();
    handle.db = await openDatabase(
      engine === 'pglite' ? { engine: 'pglite', dir: null } : { engine: 'postgres', url: POSTGRES_URL }
    );
    await migrate(handle.db);
    handle.app = buildApp({
      webDist: null,
      db: handle.db,
      config: {
        practice: 'unused',
        bodyLimit: 1024 * 1024,
        logLevel: 'silent',
        baseUrl: 'http://test/fhir/R4',
      },
    });
    await handle.app.ready();
  });
  afterAll(async () => {
    await handle.app?.close();
    await handle.db?.close();
  });
  return handle;
}

/** A test practice and the Bearer token of an API client in it (full access unless `scope` narrows it). */
export interface TestContext extends RequestContext {
  token: string;
  clientId: string;
}

/**
 * A fresh practice (tenant) for one test, with an API client holding `scope` (default every type, every
 * action) and its access token: fhir() calls the API with it.
 */
export async function newPractice(
  db: Database,
  label = 'test',
  scope = 'system/*.cruds'
): Promise<TestContext> {
  const id = `${label}-${randomUUID().slice(0, 8)}`;
  await ensurePractice(db, id, `Test practice ${id}`);
  const client = await createClient(db, id, `${label} test client`, scope);
  const token = await issueToken(db, client.client_id, client.client_secret, undefined);
  return {
    practiceId: id,
    baseUrl: 'http://test/fhir/R4',
    token: token.access_token,
    clientId: client.client_id,
  };
}

/** Another API client's token in the same practice, with other scopes. */
export async function tokenFor(db: Database, ctx: RequestContext, scope: string): Promise<TestContext> {
  const client = await createClient(db, ctx.practiceId, 'scoped test client', scope);
  const token = await issueToken(db, client.client_id, client.client_secret, undefined);
  return { ...ctx, token: token.access_token, clientId: client.client_id };
}

export interface FhirCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

/** Calls the FHIR API in-process (fastify.inject) with the practice's client token. */
export async function fhir(app: FastifyInstance, ctx: RequestContext & { token?: string }, call: FhirCall) {
  const payload =
    call.body === undefined
      ? undefined
      : typeof call.body === 'string'
        ? call.body
        : JSON.stringify(call.body);
  const res = await app.inject({
    method: call.method,
    url: `/fhir/R4/${call.url.replace(/^\//, '')}`,
    headers: {
      ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}),
      ...(payload !== undefined ? { 'content-type': call.contentType ?? 'application/fhir+json' } : {}),
      ...call.headers,
    },
    payload,
  });
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are inspected freely
  try {
    json = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body: json };
}
