import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { isResourceType } from '../../fhir/definitions.js';
import {
  badRequest,
  conflict,
  isOutcomeError,
  OutcomeError,
  outcome,
  preconditionFailed,
  serverError,
} from '../../fhir/outcome.js';
import {
  checkIfMatch,
  ID_RE,
  lockCurrent,
  planCreate,
  planUpdate,
  type CurrentRow,
} from '../../store/repository.js';
import type { SqlConnection } from '../../store/db.js';
import { applyWrites, type PendingWrite } from '../../store/writes.js';
import { matchConditional } from './conditional.js';
import type { FhirRequest, FhirResponse, RouterEnv } from './types.js';

type Route = (env: RouterEnv, req: FhirRequest) => Promise<FhirResponse>;

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content' };

/**
 * Batch and transaction Bundles (FHIR R4 http.html#transaction). A transaction is one database
 * transaction: every entry succeeds or nothing is stored. Entries run in the spec's order (DELETE, POST,
 * PUT/PATCH, GET); urn:uuid fullUrls and conditional references ("Organization?identifier=...") are
 * resolved into Type/id references first. Plain creates and updates are written in one batch.
 */
export async function processBundle(env: RouterEnv, body: unknown, route: Route): Promise<Bundle> {
  const bundle = body as Bundle;
  if (typeof body !== 'object' || body === null || bundle.resourceType !== 'Bundle') {
    throw badRequest('POST to the base URL takes a Bundle of type batch or transaction', 'resourceType');
  }
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') {
    throw badRequest(`Bundle.type must be batch or transaction, got "${String(bundle.type)}"`, 'Bundle.type');
  }
  const entries = bundle.entry ?? [];
  if (!Array.isArray(entries)) {
    throw badRequest('Bundle.entry must be an array', 'Bundle.entry');
  }
  if (bundle.type === 'batch') {
    // Batch entries are independent: a malformed one fails alone (checked in processBatch).
    return processBatch(env, entries, route);
  }
  entries.forEach((entry, i) => checkEntry(entry, i));
  if (env.tx) {
    return processTransaction({ ...env, tx: env.tx }, entries, route);
  }
  return env.db.transaction((tx) => processTransaction({ ...env, tx }, entries, route));
}

function checkEntry(entry: BundleEntry, i: number): void {
  const where = `Bundle.entry[${i}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw badRequest('each entry must be an object', where);
  }
  if (typeof entry.request !== 'object' || entry.request === null) {
    throw badRequest('each entry needs a request', `${where}.request`);
  }
  for (const field of ['url', 'ifMatch', 'ifNoneExist', 'ifModifiedSince', 'ifNoneMatch'] as const) {
    const value: unknown = entry.request[field];
    if (value !== undefined && typeof value !== 'string') {
      throw badRequest(`request.${field} must be a string`, `${where}.request.${field}`);
    }
  }
  if (
    entry.resource !== undefined &&
    (typeof entry.resource !== 'object' ||
      entry.resource === null ||
      typeof (entry.resource as { resourceType?: unknown }).resourceType !== 'string')
  ) {
    throw badRequest('an entry resource must be a FHIR resource with a resourceType', `${where}.resource`);
  }
  const method = entry.request?.method;
  if (!method || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].includes(method)) {
    throw badRequest(
      'each entry needs request.method (GET, POST, PUT, PATCH or DELETE)',
      `${where}.request.method`
    );
  }
  if (!entry.request?.url) {
    throw badRequest('each entry needs request.url', `${where}.request.url`);
  }
  if ((method === 'POST' || method === 'PUT') && !entry.resource) {
    throw badRequest(`a ${method} entry needs a resource`, `${where}.resource`);
  }
  if (method === 'POST' && entry.resource) {
    const path = entry.request.url.replace(/^\//, '').split('?')[0];
    if (path !== entry.resource.resourceType) {
      throw badRequest(
        `a POST entry's request.url must be its resource type ${entry.resource.resourceType}, got "${entry.request.url}"`,
        `${where}.request.url`
      );
    }
  }
}

/**
 * A JSON Patch inside a Bundle travels as a Binary (FHIR R4 http.html#patch): its base64 data is the patch.
 */
function patchBody(resource: unknown): unknown {
  const binary = resource as { resourceType?: string; contentType?: string; data?: string };
  if (binary?.resourceType === 'Binary' && /json-patch\+json/.test(binary.contentType ?? '') && binary.data) {
    try {
      return JSON.parse(Buffer.from(binary.data, 'base64').toString('utf8'));
    } catch {
      throw badRequest('the Binary data is not a base64 JSON Patch', 'Binary.data');
    }
  }
  return resource;
}

function toRequest(entry: BundleEntry, resource: unknown): FhirRequest {
  const url = (entry.request?.url ?? '').replace(/^\//, '');
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? [...new URLSearchParams(url.slice(q + 1)).entries()] : [];
  const r = entry.request;
  return {
    method: r?.method as FhirRequest['method'],
    path,
    query,
    headers: {
      'if-match': r?.ifMatch,
      'if-none-exist': r?.ifNoneExist,
      prefer: 'return=representation',
    },
    body: r?.method === 'PATCH' ? patchBody(resource) : resource,
  };
}

function responseEntry(res: FhirResponse, includeResource: boolean): BundleEntry {
  return {
    ...(includeResource && res.body ? { resource: res.body } : {}),
    response: {
      status: `${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trim(),
      ...(res.headers.location ? { location: res.headers.location } : {}),
      ...(res.headers.etag ? { etag: res.headers.etag } : {}),
      ...(res.headers['last-modified']
        ? { lastModified: new Date(res.headers['last-modified']).toISOString() }
        : {}),
    },
  };
}

async function processBatch(env: RouterEnv, entries: BundleEntry[], route: Route): Promise<Bundle> {
  const out: BundleEntry[] = [];
  for (const [i, entry] of entries.entries()) {
    try {
      checkEntry(entry, i);
      const res = await route(env, toRequest(entry, entry.resource));
      out.push(responseEntry(res, entry.request?.method === 'GET'));
    } catch (err) {
      if (!isOutcomeError(err)) {
        env.onError?.(err);
      }
      const e = isOutcomeError(err) ? err : serverError();
      out.push({ response: { status: String(e.status), outcome: e.outcome } });
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: out };
}

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

async function processTransaction(
  env: RouterEnv & { tx: SqlConnection },
  entries: BundleEntry[],
  route: Route
): Promise<Bundle> {
  const ctx = env.ctx;
  // 1. Decide every new resource's id, so references can be rewritten before anything is written.
  const idFor = new Map<string, string>(); // fullUrl -> Type/id
  const createIds: (string | undefined)[] = entries.map(() => undefined);
  const existingForCreate: (string | undefined)[] = entries.map(() => undefined);
  const seenTargets = new Set<string>();
  const seenCriteria = new Set<string>();
  // Two entries may not name the same resource (FHIR R4 http.html#trules: overlapping identities fail).
  const claim = (key: string, i: number): void => {
    if (seenTargets.has(key)) {
      throw badRequest(`${key} appears more than once in the transaction`, `Bundle.entry[${i}].request.url`);
    }
    seenTargets.add(key);
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const method = entry.request?.method;
    const url = entry.request?.url ?? '';
    const type = entry.resource?.resourceType;
    if ((method === 'DELETE' || method === 'PATCH') && !url.includes('?')) {
      claim(url.replace(/^\//, ''), i);
    }
    if (method === 'POST' && type) {
      if (entry.request?.ifNoneExist) {
        const criteria = `${type}?${entry.request.ifNoneExist}`;
        if (seenCriteria.has(criteria)) {
          throw badRequest(
            `two entries create ${criteria}: they would be the same resource`,
            `Bundle.entry[${i}].request.ifNoneExist`
          );
        }
        seenCriteria.add(criteria);
        // As for a single conditional create: concurrent transactions with the same criteria take turns.
        await env.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `${ctx.practiceId}|${type}|${entry.request.ifNoneExist}`,
        ]);
        const ids = await matchConditional(
          env,
          type,
          entry.request.ifNoneExist,
          `Bundle.entry[${i}].request.ifNoneExist`
        );
        if (ids.length > 1) {
          throw preconditionFailed(
            `ifNoneExist matched more than one ${type}`,
            `Bundle.entry[${i}].request.ifNoneExist`
          );
        }
        existingForCreate[i] = ids[0];
      }
      const id = existingForCreate[i] ?? randomUUID();
      createIds[i] = id;
      if (entry.fullUrl) {
        idFor.set(entry.fullUrl, `${type}/${id}`);
      }
    } else if (method === 'PUT' && type) {
      const target = await putTarget(env, url, type, i, entry.resource?.id);
      createIds[i] = target;
      const key = `${type}/${target}`;
      claim(key, i);
      if (entry.fullUrl) {
        idFor.set(entry.fullUrl, key);
      }
    }
  }
  // 2. Rewrite urn:uuid and conditional references everywhere.
  const conditional = new Map<string, string>();
  entries.forEach((e, i) => collectConditional(e.resource, `Bundle.entry[${i}].resource`, conditional));
  const resolved = new Map<string, string>();
  for (const [ref, where] of conditional) {
    resolved.set(ref, await resolveConditional(env, ref, where));
  }
  const resources = entries.map((e, i) =>
    e.resource
      ? (rewriteReferences(e.resource, idFor, resolved, `Bundle.entry[${i}].resource`) as Resource)
      : undefined
  );
  // 3. Run entries in the spec's order; plain POSTs and PUTs are written as one batch.
  const order = entries
    .map((_, i) => i)
    .sort((a, b) => ORDER[entries[a].request?.method ?? 'GET'] - ORDER[entries[b].request?.method ?? 'GET']);
  const results: BundleEntry[] = new Array<BundleEntry>(entries.length);
  const batched: { index: number; write: PendingWrite; status: number }[] = [];
  const flush = async (): Promise<void> => {
    await applyWrites(
      env.tx,
      ctx,
      batched.map((b) => b.write)
    );
    for (const b of batched) {
      const content = b.write.content as Resource;
      results[b.index] = responseEntry(
        {
          status: b.status,
          headers: {
            location: `${ctx.baseUrl}/${content.resourceType}/${content.id}/_history/${content.meta?.versionId}`,
            etag: `W/"${content.meta?.versionId}"`,
            'last-modified': content.meta?.lastUpdated as string,
          },
        },
        false
      );
    }
    batched.length = 0;
  };
  // Lock and read the current rows of every plain PUT in one statement.
  const putIndexes = order.filter((i) => entries[i].request?.method === 'PUT' && resources[i]);
  const current = await currentRows(
    env.tx,
    ctx.practiceId,
    putIndexes.map((i) => [resources[i]?.resourceType as string, createIds[i] as string])
  );
  let phase = -1;
  for (const i of order) {
    const entry = entries[i];
    const method = entry.request?.method ?? 'GET';
    if (ORDER[method] !== phase) {
      await flush();
      phase = ORDER[method];
    }
    const where = `Bundle.entry[${i}]`;
    try {
      const resource = resources[i];
      if (method === 'POST' && resource) {
        if (existingForCreate[i]) {
          const res = await route(env, {
            method: 'GET',
            path: `${resource.resourceType}/${existingForCreate[i]}`,
            query: [],
            headers: {},
          });
          results[i] = responseEntry({ ...res, status: 200 }, false);
          continue;
        }
        batched.push({
          index: i,
          write: planCreate({ ...resource, id: undefined }, createIds[i]),
          status: 201,
        });
        continue;
      }
      if (method === 'PUT' && resource) {
        const type = resource.resourceType;
        const id = createIds[i] as string;
        if (resource.id !== undefined && resource.id !== id) {
          throw badRequest(
            `the resource id "${resource.id}" does not match request.url ${entry.request?.url}`,
            `${where}.resource.id`
          );
        }
        const row = current.get(`${type}/${id}`);
        checkIfMatch(entry.request?.ifMatch, row);
        const write = planUpdate({ ...resource, id }, id, row);
        if (write) {
          batched.push({ index: i, write, status: row && !row.deleted ? 200 : 201 });
        } else {
          results[i] = responseEntry({ status: 200, headers: { etag: `W/"${row?.version_id}"` } }, false);
        }
        continue;
      }
      const res = await route(env, toRequest(entry, resource));
      results[i] = responseEntry(res, method === 'GET' || method === 'HEAD');
    } catch (err) {
      throw withEntry(err, where);
    }
  }
  try {
    await flush();
  } catch (err) {
    throw withEntry(err, 'Bundle.entry');
  }
  return { resourceType: 'Bundle', type: 'transaction-response', entry: results };
}

/** Prefixes an entry's issues with where in the Bundle they happened. */
function withEntry(err: unknown, where: string): unknown {
  if (!isOutcomeError(err)) {
    return err;
  }
  const issues = (err.outcome.issue ?? []).map((issue) => ({
    ...issue,
    expression: (issue.expression ?? ['']).map((e) =>
      e.startsWith('Bundle.') ? e : `${where}${e ? '.' + e : ''}`
    ),
  }));
  return new OutcomeError(err.status, { ...err.outcome, issue: issues });
}

async function putTarget(
  env: RouterEnv & { tx: SqlConnection },
  url: string,
  type: string,
  i: number,
  bodyId: string | undefined
): Promise<string> {
  const clean = url.replace(/^\//, '');
  const q = clean.indexOf('?');
  if (q >= 0) {
    if (clean.slice(0, q) !== type) {
      throw badRequest(
        `request.url names ${clean.slice(0, q)} but the resource is a ${type}`,
        `Bundle.entry[${i}].request.url`
      );
    }
    const ids = await matchConditional(env, type, clean.slice(q + 1), `Bundle.entry[${i}].request.url`);
    if (ids.length > 1) {
      throw preconditionFailed(
        `the conditional update matched more than one ${type}`,
        `Bundle.entry[${i}].request.url`
      );
    }
    const where = `Bundle.entry[${i}].resource.id`;
    if (ids.length === 1) {
      if (bodyId !== undefined && bodyId !== ids[0]) {
        throw badRequest(`the resource id "${bodyId}" is not the matched ${type}/${ids[0]}`, where);
      }
      return ids[0];
    }
    if (bodyId === undefined) {
      return randomUUID();
    }
    // No match with an id (FHIR R4 http.html#cond-update): update-as-create if free, else 409.
    const existing = await lockCurrent(env.tx, env.ctx, type, bodyId);
    if (existing && !existing.deleted) {
      throw conflict(
        `nothing matched the criteria, and ${type}/${bodyId} exists but does not match them`,
        where
      );
    }
    return bodyId;
  }
  const [urlType, id, ...rest] = clean.split('/');
  if (urlType !== type || !id || rest.length > 0 || !ID_RE.test(id)) {
    throw badRequest(
      `a PUT entry's request.url must be ${type}/id or ${type}?search, got "${url}"`,
      `Bundle.entry[${i}].request.url`
    );
  }
  return id;
}

async function currentRows(
  tx: SqlConnection,
  practiceId: string,
  keys: [string, string][]
): Promise<Map<string, CurrentRow>> {
  const map = new Map<string, CurrentRow>();
  if (keys.length === 0) {
    return map;
  }
  const result = await tx.query<CurrentRow & { resource_type: string; id: string }>(
    `SELECT r.resource_type, r.id, r.version_id, r.deleted, r.content FROM resource r
     JOIN jsonb_to_recordset($2::jsonb) AS x(t text, i text) ON r.resource_type = x.t AND r.id = x.i
     WHERE r.practice_id = $1 ORDER BY r.resource_type, r.id FOR UPDATE OF r`,
    [practiceId, JSON.stringify(keys.map(([t, i]) => ({ t, i })))]
  );
  for (const row of result.rows) {
    map.set(`${row.resource_type}/${row.id}`, row);
  }
  return map;
}

/** Every conditional reference ("Type?search") in a resource, with where it is (for error messages). */
function collectConditional(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectConditional(v, `${path}[${i}]`, out));
    return;
  }
  if (typeof value !== 'object' || value === null) {
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === 'reference' && typeof v === 'string') {
      const q = v.indexOf('?');
      if (q > 0 && /^[A-Z][A-Za-z]+$/.test(v.slice(0, q)) && !out.has(v)) {
        out.set(v, `${path}.reference`);
      }
    } else if (typeof v === 'object' && v !== null) {
      collectConditional(v, `${path}.${k}`, out);
    }
  }
}

/**
 * Rewrites urn:uuid and conditional references (resolved beforehand into `resolved`). Synchronous: it
 * runs over every element of every entry, so it must not cost a promise per property.
 */
function rewriteReferences(
  value: unknown,
  idFor: Map<string, string>,
  resolved: Map<string, string>,
  path: string
): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => rewriteReferences(v, idFor, resolved, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'reference' && typeof v === 'string') {
      const mapped = idFor.get(v) ?? resolved.get(v);
      if (mapped) {
        out[k] = mapped;
      } else if (v.startsWith('urn:uuid:') || v.startsWith('urn:oid:')) {
        throw badRequest(`${v} is not the fullUrl of any entry in this transaction`, `${path}.reference`);
      } else {
        out[k] = v;
      }
    } else {
      out[k] =
        typeof v === 'object' && v !== null ? rewriteReferences(v, idFor, resolved, `${path}.${k}`) : v;
    }
  }
  return out;
}

/** Resolves one conditional reference by searching; exactly one match is required. */
async function resolveConditional(env: RouterEnv, ref: string, path: string): Promise<string> {
  const q = ref.indexOf('?');
  const type = ref.slice(0, q);
  if (!isResourceType(type)) {
    throw badRequest(`unknown resource type in conditional reference ${ref}`, path);
  }
  const ids = await matchConditional(env, type, ref.slice(q + 1), path);
  if (ids.length !== 1) {
    throw new OutcomeError(
      ids.length === 0 ? 400 : 412,
      outcome(
        'error',
        ids.length === 0 ? 'not-found' : 'multiple-matches',
        `the conditional reference ${ref} matched ${ids.length === 0 ? 'nothing' : 'more than one resource'}`,
        path
      )
    );
  }
  return `${type}/${ids[0]}`;
}
