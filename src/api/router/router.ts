import type { Resource } from '@medplum/fhirtypes';
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { parseDateRange } from '../../fhir/dates.js';
import { isResourceType } from '../../fhir/definitions.js';
import {
  badRequest,
  conflict,
  gone,
  notFound,
  notSupported,
  OutcomeError,
  outcome,
  preconditionFailed,
} from '../../fhir/outcome.js';
import { parseIncludes, parseSearchRequest, SEARCH_LIMITS } from '../../fhir/searchRequest.js';
import type { SqlConnection } from '../../store/db.js';
import {
  assertId,
  assertResourceType,
  checkIfMatch,
  deleteIn,
  lockCurrent,
  planCreate,
  Repository,
  updateIn,
} from '../../store/repository.js';
import { executeSearch } from '../../store/search/execute.js';
import { applyWrites } from '../../store/writes.js';
import { auditEventRequest } from './auditEvents.js';
import { capabilityStatement } from './capabilities.js';
import { resourceResponse } from './respond.js';
import { processBundle } from './bundle.js';
import { matchConditional, parseQueryString } from './conditional.js';
import type { FhirRequest, FhirResponse, RouterEnv } from './types.js';
import { auditRow, patientsOf, type AuditClass, type AuditInput } from '../../auth/audit/events.js';
import { insertAudit } from '../../auth/audit/writer.js';
import { assertAllowed } from '../../auth/policy.js';
import type { Action } from '../../auth/scopes.js';
import type { Bundle } from '@medplum/fhirtypes';

function conn(env: RouterEnv): SqlConnection {
  return env.tx ?? env.db;
}

async function inTransaction<T>(env: RouterEnv, fn: (tx: SqlConnection) => Promise<T>): Promise<T> {
  return env.tx ? fn(env.tx) : env.db.transaction(fn);
}

function bodyResource(body: unknown, expectedType?: string): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body must be a FHIR resource (a JSON object)', 'resourceType');
  }
  const type = (body as { resourceType?: unknown }).resourceType;
  if (typeof type !== 'string') {
    throw badRequest('the body has no resourceType', 'resourceType');
  }
  if (!isResourceType(type)) {
    throw badRequest(`unknown resource type "${type}"`, 'resourceType');
  }
  if (expectedType && type !== expectedType) {
    throw badRequest(`the body is a ${type} but the URL names ${expectedType}`, 'resourceType');
  }
  return body as Resource;
}

/**
 * The FHIR REST interactions (FHIR R4 http.html), independent of HTTP: the Fastify route, transaction
 * Bundles and tests all call this.
 */
export async function routeFhirRequest(env: RouterEnv, req: FhirRequest): Promise<FhirResponse> {
  const segments = req.path.split('/').filter(Boolean);
  const [type, id, op, vid] = segments;
  const prefer = req.headers.prefer;
  const strict = /handling=strict/.test(prefer ?? '');

  if (segments.length === 0) {
    if (req.method === 'POST') {
      return { status: 200, headers: {}, body: await processBundle(env, req.body, routeFhirRequest) };
    }
    throw notSupported('system-level search is not supported; search a resource type');
  }
  if (type === 'metadata' && segments.length === 1 && req.method === 'GET') {
    return { status: 200, headers: {}, body: capabilityStatement(env.ctx.baseUrl) };
  }
  if (!isResourceType(type)) {
    throw notFound(`unknown resource type "${type}"`);
  }
  const repo = new Repository(conn(env));
  authorize(env, req, segments);
  if (type === 'AuditEvent') return auditEventRequest(env, req, segments);

  // /Type
  if (segments.length === 1) {
    switch (req.method) {
      case 'GET':
        return search(env, type, req.query, strict);
      case 'POST':
        return create(env, type, req, prefer);
      case 'PUT':
        return conditionalUpdate(env, type, req, prefer);
      default:
        throw methodNotAllowed(req.method, type);
    }
  }
  // /Type/_search, /Type/_history
  if (segments.length === 2 && id === '_search' && req.method === 'POST') {
    return search(env, type, [...req.query, ...formBody(req.body)], strict);
  }
  if (segments.length === 2 && id === '_history' && req.method === 'GET') {
    return history(env, repo, type, undefined, req.query);
  }
  assertId(id, `${type}.id`);
  // /Type/id
  if (segments.length === 2) {
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const resource = await repo.read(env.ctx, type, id);
        await recordRead(env, 'read', 'read', () => ({
          entities: [{ reference: `${type}/${id}/_history/${resource.meta?.versionId ?? ''}`, resource }],
        }));
        return resourceResponse(200, resource, env.ctx.baseUrl, undefined);
      }
      case 'PUT': {
        const resource = bodyResource(req.body, type);
        const result = await inTransaction(env, (tx) =>
          updateIn(tx, env.ctx, type, id, resource, { ifMatch: req.headers['if-match'] })
        );
        return resourceResponse(
          result.created ? 201 : 200,
          result.resource,
          env.ctx.baseUrl,
          prefer,
          result.created
        );
      }
      case 'PATCH':
        return patch(env, type, id, req, prefer);
      case 'DELETE':
        await inTransaction(env, (tx) => deleteIn(tx, env.ctx, type, id));
        return { status: 204, headers: {} };
      default:
        throw methodNotAllowed(req.method, type);
    }
  }
  // /Type/id/_history[/vid]
  if (op === '_history' && req.method === 'GET') {
    if (segments.length === 3) {
      return history(env, repo, type, id, req.query);
    }
    if (segments.length === 4) {
      const resource = await repo.vread(env.ctx, type, id, vid);
      await recordRead(env, 'read', 'vread', () => ({
        entities: [{ reference: `${type}/${id}/_history/${vid}`, resource }],
      }));
      return resourceResponse(200, resource, env.ctx.baseUrl, undefined);
    }
  }
  throw notFound(`no FHIR interaction matches ${req.method} ${req.path}`);
}

function methodNotAllowed(method: string, type: string): OutcomeError {
  return new OutcomeError(405, outcome('error', 'not-supported', `${method} is not allowed on ${type}`));
}

function formBody(body: unknown): [string, string][] {
  if (body === undefined || body === null || body === '') {
    return [];
  }
  if (typeof body === 'string') {
    return parseQueryString(body);
  }
  if (body instanceof URLSearchParams) {
    return [...body.entries()];
  }
  throw badRequest('POST _search takes application/x-www-form-urlencoded parameters', '_search');
}

async function search(
  env: RouterEnv,
  type: string,
  query: [string, string][],
  strict: boolean
): Promise<FhirResponse> {
  const request = parseSearchRequest(type, query, { strict });
  parseIncludes(request, query);
  const bundle = await executeSearch(conn(env), env.ctx, request);
  await recordBundle(
    env,
    'search',
    'search-type',
    type,
    bundle,
    new URLSearchParams(request.applied).toString()
  );
  return { status: 200, headers: {}, body: bundle };
}

async function create(
  env: RouterEnv,
  type: string,
  req: FhirRequest,
  prefer: string | undefined
): Promise<FhirResponse> {
  const resource = bodyResource(req.body, type);
  const ifNoneExist = req.headers['if-none-exist'];
  if (!ifNoneExist) {
    // A plain create is one statement (store/writes.ts), atomic without BEGIN/COMMIT.
    const write = planCreate({ ...resource, id: undefined });
    await applyWrites(conn(env), env.ctx, [write]);
    return resourceResponse(201, write.content as Resource, env.ctx.baseUrl, prefer, true);
  }
  return inTransaction(env, async (tx) => {
    if (ifNoneExist) {
      // Serialize conditional creates of the same criteria, so two at once cannot both create.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `${env.ctx.practiceId}|${type}|${ifNoneExist}`,
      ]);
      const ids = await matchConditional({ ...env, tx }, type, ifNoneExist, 'If-None-Exist');
      if (ids.length > 1) {
        throw preconditionFailed(
          `If-None-Exist matched ${ids.length} or more ${type} resources`,
          'If-None-Exist'
        );
      }
      if (ids.length === 1) {
        const existing = await new Repository(tx).read(env.ctx, type, ids[0]);
        return resourceResponse(200, existing, env.ctx.baseUrl, prefer);
      }
    }
    const write = planCreate({ ...resource, id: undefined });
    await applyWrites(tx, env.ctx, [write]);
    return resourceResponse(201, write.content as Resource, env.ctx.baseUrl, prefer, true);
  });
}

async function conditionalUpdate(
  env: RouterEnv,
  type: string,
  req: FhirRequest,
  prefer: string | undefined
): Promise<FhirResponse> {
  const resource = bodyResource(req.body, type);
  const queryText = new URLSearchParams(req.query).toString();
  return inTransaction(env, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `${env.ctx.practiceId}|${type}|${queryText}`,
    ]);
    const ids = await matchConditional({ ...env, tx }, type, queryText, 'conditional update');
    if (ids.length > 1) {
      throw preconditionFailed(
        `the conditional update matched ${ids.length} or more ${type} resources`,
        type
      );
    }
    if (ids.length === 1) {
      if (resource.id && resource.id !== ids[0]) {
        throw badRequest(
          `the body's id "${resource.id}" is not the matched resource ${ids[0]}`,
          `${type}.id`
        );
      }
      const result = await updateIn(tx, env.ctx, type, ids[0], resource, {
        ifMatch: req.headers['if-match'],
      });
      return resourceResponse(200, result.resource, env.ctx.baseUrl, prefer);
    }
    if (resource.id) {
      // No match and an id in the body (FHIR R4 http.html#cond-update): update-as-create if that id is
      // free; if it exists it did not match the criteria, so it must not be overwritten: 409.
      const existing = await lockCurrent(tx, env.ctx, type, resource.id);
      if (existing && !existing.deleted) {
        throw conflict(
          `nothing matched the criteria, and ${type}/${resource.id} exists but does not match them`,
          `${type}.id`
        );
      }
      const result = await updateIn(tx, env.ctx, type, resource.id, resource, {
        ifMatch: req.headers['if-match'],
      });
      return resourceResponse(201, result.resource, env.ctx.baseUrl, prefer, true);
    }
    const write = planCreate(resource);
    await applyWrites(tx, env.ctx, [write]);
    return resourceResponse(201, write.content as Resource, env.ctx.baseUrl, prefer, true);
  });
}

async function patch(
  env: RouterEnv,
  type: string,
  id: string,
  req: FhirRequest,
  prefer: string | undefined
): Promise<FhirResponse> {
  const ops = req.body;
  if (!Array.isArray(ops)) {
    throw badRequest('a JSON Patch body is an array of operations (RFC 6902)', 'body');
  }
  return inTransaction(env, async (tx) => {
    const current = await lockCurrent(tx, env.ctx, type, id);
    if (!current) {
      throw notFound(`${type}/${id} was not found`);
    }
    if (current.deleted || !current.content) {
      throw gone(`${type}/${id} was deleted`);
    }
    checkIfMatch(req.headers['if-match'], current);
    let patched: Resource;
    try {
      const errors = fastJsonPatch.validate(ops as Operation[], current.content);
      if (errors) {
        throw errors;
      }
      patched = fastJsonPatch.applyPatch(
        structuredClone(current.content),
        ops as Operation[],
        true,
        false
      ).newDocument;
    } catch (err) {
      const e = err as { message?: string; index?: number; name?: string };
      if (e.name === 'TEST_OPERATION_FAILED') {
        throw preconditionFailed(
          `JSON Patch test operation ${e.index ?? ''} failed`,
          `body[${e.index ?? 0}]`
        );
      }
      throw badRequest(
        `invalid JSON Patch: ${(e.message ?? 'error').split('\n')[0]}`,
        `body[${e.index ?? 0}]`
      );
    }
    if (patched.resourceType !== type || patched.id !== id) {
      throw badRequest('a patch may not change resourceType or id', 'body');
    }
    const { meta: _meta, ...rest } = patched;
    const result = await updateIn(
      tx,
      env.ctx,
      type,
      id,
      { ...rest, meta: { ...patched.meta } },
      {
        method: 'patch',
      }
    );
    return resourceResponse(200, result.resource, env.ctx.baseUrl, prefer);
  });
}

async function history(
  env: RouterEnv,
  repo: Repository,
  type: string,
  id: string | undefined,
  query: [string, string][]
): Promise<FhirResponse> {
  assertResourceType(type);
  const q = new Map(query);
  const countText = q.get('_count') ?? String(SEARCH_LIMITS.defaultCount);
  if (!/^\d+$/.test(countText) || Number(countText) > SEARCH_LIMITS.maxCount) {
    throw badRequest(`_count must be a whole number up to ${SEARCH_LIMITS.maxCount}`, '_count');
  }
  const offsetText = q.get('_offset') ?? '0';
  if (!/^\d{1,9}$/.test(offsetText)) {
    throw badRequest('_offset must be a whole number', '_offset');
  }
  const since = q.get('_since');
  if (since !== undefined && !parseDateRange(since)) {
    throw badRequest('_since must be an instant such as 2026-11-26T10:00:00Z', '_since');
  }
  const count = Number(countText);
  const offset = Number(offsetText);
  const { bundle, hasMore } = await repo.history(env.ctx, type, id, { count, offset, since });
  const base = `${env.ctx.baseUrl}/${type}${id ? `/${id}` : ''}/_history`;
  const extra = since ? `&_since=${encodeURIComponent(since)}` : '';
  const links = [{ relation: 'self', url: `${base}?_count=${count}&_offset=${offset}${extra}` }];
  if (hasMore) {
    links.push({ relation: 'next', url: `${base}?_count=${count}&_offset=${offset + count}${extra}` });
  }
  if (offset > 0) {
    links.push({
      relation: 'previous',
      url: `${base}?_count=${count}&_offset=${Math.max(0, offset - count)}${extra}`,
    });
  }
  bundle.link = links;
  await recordBundle(
    env,
    'read',
    id ? 'history-instance' : 'history-type',
    id ? `${type}/${id}` : type,
    bundle
  );
  return { status: 200, headers: {}, body: bundle };
}

/** The action an interaction needs (SMART v2 letters: c r u d s). */
function actionOf(req: FhirRequest, segments: string[]): Action {
  const [, id, op] = segments;
  switch (req.method) {
    case 'GET':
    case 'HEAD':
      return segments.length === 1 || id === '_history' ? 'search' : 'read';
    case 'POST':
      return id === '_search' ? 'search' : 'create';
    case 'PUT':
    case 'PATCH':
      return 'update';
    case 'DELETE':
      return 'delete';
  }
  return op ? 'read' : 'search';
}

/** authorize: the caller's role or scopes must allow the interaction on the type at all (403 otherwise). */
function authorize(env: RouterEnv, req: FhirRequest, segments: string[]): void {
  const principal = env.ctx.principal;
  if (!principal) {
    return;
  }
  const action = actionOf(req, segments);
  assertAllowed(principal, action, segments[0]);
  if (req.method === 'PUT' && segments.length === 1) {
    // A conditional update may create.
    assertAllowed(principal, 'create', segments[0]);
  }
}

/**
 * Records a read before its data is answered: through the group-commit writer, or inside the open
 * transaction of a Bundle (then it commits with the Bundle). `input` is only built when the practice
 * records this class of read.
 */
async function recordRead(
  env: RouterEnv,
  kind: AuditClass,
  subtype: string,
  input: () => Omit<AuditInput, 'principal' | 'action' | 'subtype'>
): Promise<void> {
  const principal = env.ctx.principal;
  if (!principal || !env.audit || !(await env.audit.records(conn(env), env.ctx.practiceId, kind))) {
    return;
  }
  const row = auditRow({ ...input(), principal, action: kind === 'search' ? 'E' : 'R', subtype });
  if (env.tx) {
    await insertAudit(env.tx, env.ctx.practiceId, [row]);
  } else {
    await env.audit.append(env.ctx.practiceId, [row]);
  }
}

/** Records a search or history answer: the query, and every patient whose data it holds. */
async function recordBundle(
  env: RouterEnv,
  kind: AuditClass,
  subtype: string,
  target: string,
  bundle: Bundle,
  query?: string
): Promise<void> {
  await recordRead(env, kind, subtype, () => {
    const patients = new Set<string>();
    for (const entry of bundle.entry ?? []) {
      patientsOf(entry.resource).forEach((id) => patients.add(id));
    }
    return { entities: [{ reference: target }], patients: [...patients], query };
  });
}
