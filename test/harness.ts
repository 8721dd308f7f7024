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

export interface EngineOptions {
  /**
   * The app's clock, for tests that move it (lock-outs, time-outs, token and grant expiry): pass
   * `() => clock` over a variable the test assigns. Default: the real time.
   */
  now?: () => Date;
}

/**
 * Opens one database per engine for a test file (beforeAll) and closes it after. Tests never share a
 * practice: each calls newPractice(), so they never truncate tables or see each other's rows.
 */
export function useEngine(engine: Engine, { now }: EngineOptions = {}): EngineHandle {
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
      now,
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

/** An in-process request; `body` is sent as JSON unless it is a string already. */
export interface InjectCall {
  method: FhirCall['method'];
  url: string;
  body?: unknown;
  /** The content type of a body (ignored without one). */
  contentType: string;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** An answer: its body parsed as JSON when it is JSON (undefined otherwise), and as text. */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are inspected freely
  body: any;
  text: string;
}

/** One request through fastify.inject, the answer's body parsed: what fhir(), asUser() and the auth tests send. */
export async function injectJson(app: FastifyInstance, call: InjectCall): Promise<JsonAnswer> {
  const payload =
    call.body === undefined
      ? undefined
      : typeof call.body === 'string'
        ? call.body
        : JSON.stringify(call.body);
  const res = await app.inject({
    method: call.method,
    url: call.url,
    remoteAddress: call.remoteAddress,
    headers: {
      ...(payload !== undefined ? { 'content-type': call.contentType } : {}),
      ...call.headers,
    },
    payload,
  });
  let json: unknown;
  try {
    json = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body: json, text: res.body };
}

/** Calls the FHIR API in-process (fastify.inject) with the practice's client token. */
export function fhir(
  app: FastifyInstance,
  ctx: RequestContext & { token?: string },
  call: FhirCall
): Promise<JsonAnswer> {
  return injectJson(app, {
    method: call.method,
    url: `/fhir/R4/${call.url.replace(/^\//, '')}`,
    body: call.body,
    contentType: call.contentType ?? 'application/fhir+json',
    headers: {
      ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}),
      ...call.headers,
    },
  });
}

/** POSTs a transaction Bundle of these entries to the base URL (R4 http.html#transaction). */
export function transaction(
  app: FastifyInstance,
  ctx: RequestContext & { token?: string },
  entry: unknown[]
): Promise<JsonAnswer> {
  return fhir(app, ctx, {
    method: 'POST',
    url: '',
    body: { resourceType: 'Bundle', type: 'transaction', entry },
  });
}

/** How many resources of `type` the client's search finds (`_summary=count`). */
export async function countOf(
  app: FastifyInstance,
  ctx: RequestContext & { token?: string },
  type: string
): Promise<number> {
  return (await fhir(app, ctx, { method: 'GET', url: `${type}?_summary=count` })).body.total as number;
}
