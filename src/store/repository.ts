import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { isResourceType } from '../fhir/definitions.js';
import { badRequest, gone, notFound, preconditionFailed } from '../fhir/outcome.js';
import { validateForWrite } from '../fhir/validate.js';
import type { RequestContext } from './context.js';
import type { SqlConnection } from './db.js';
import { accessColumns, accessConditions, hiddenRowError } from './access.js';
import { SqlParams } from './search/sqlParams.js';
import { applyWrites, type PendingWrite } from './writes.js';

export const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

/** Result of a write: the stored resource and whether it was newly created. */
export interface WriteResult {
  resource: Resource;
  created: boolean;
  /** True when an update had nothing new to store (same content): no new version was written. */
  unchanged?: boolean;
}

export interface CurrentRow {
  version_id: number;
  deleted: boolean;
  content: Resource | null;
}

export function assertResourceType(type: string): void {
  if (!isResourceType(type)) {
    throw notFound(`unknown resource type "${type}"`);
  }
}

export function assertId(id: string, expression = 'id'): void {
  if (!ID_RE.test(id)) {
    throw badRequest(`"${id}" is not a valid id (1-64 letters, digits, "-" or ".")`, expression);
  }
}

/**
 * Reads the current row, locking it for the rest of the transaction. With a caller, a row they may not
 * change (outside their role's categories, or in a restricted chart) answers as a read of it would.
 */
export async function lockCurrent(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  id: string,
  action: 'update' | 'delete' = 'update'
): Promise<CurrentRow | undefined> {
  const p = new SqlParams(ctx.practiceId, type, id);
  const columns = accessColumns(ctx, action, type, 'r.resource_type', 'r.id', p);
  const result = await conn.query<CurrentRow & { in_scope: boolean; restricted: boolean }>(
    `SELECT version_id, deleted, content, ${columns} FROM resource r WHERE practice_id = $1 AND resource_type = $2 AND id = $3 FOR UPDATE`,
    p.values
  );
  const row = result.rows[0];
  if (row && !row.deleted) {
    const hidden = hiddenRowError(ctx, type, id, row);
    if (hidden) {
      throw hidden;
    }
  }
  return row;
}

/**
 * Whether a stored resource references the Patient: through its indexed references, the rows that also put
 * a resource into a restricted chart (store/access.ts), whatever the element or the reference's form.
 */
export async function referencesPatient(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  id: string,
  patientId: string
): Promise<boolean> {
  const result = await conn.query(
    "SELECT 1 FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND resource_id = $3 AND system = 'Patient' AND display = $4 LIMIT 1",
    [ctx.practiceId, type, id, patientId]
  );
  return result.rows.length > 0;
}

/** Stamps id, meta.versionId and meta.lastUpdated; the stored JSON is what reads return. */
export function stamp(resource: Resource, id: string, versionId: number, lastUpdated: string): Resource {
  return {
    ...resource,
    id,
    meta: { ...resource.meta, versionId: String(versionId), lastUpdated },
  };
}

function withoutMeta(resource: Resource): string {
  const { meta, ...rest } = resource as Resource & { meta?: Record<string, unknown> };
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta ?? {};
  return stableStringify({ ...rest, meta: metaRest });
}

/** JSON with object keys sorted: jsonb does not keep key order, so plain JSON.stringify cannot compare. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Checks `If-Match: W/"n"` against the current version (FHIR R4 http.html#concurrency). */
export function checkIfMatch(ifMatch: string | undefined, current: CurrentRow | undefined): void {
  if (ifMatch === undefined) {
    return;
  }
  const m = typeof ifMatch === 'string' ? /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim()) : null;
  if (!m) {
    throw badRequest('If-Match must be a version ETag such as W/"3"', 'If-Match');
  }
  const currentVersion = current && !current.deleted ? String(current.version_id) : undefined;
  if (currentVersion !== m[1]) {
    throw preconditionFailed(
      currentVersion
        ? `version ${m[1]} is not the current version (${currentVersion}); read the resource again and retry`
        : 'the resource does not exist or was deleted',
      'If-Match'
    );
  }
}

/**
 * Plans a create with a server-assigned id. Validation happens here, before anything is written.
 */
export function planCreate(resource: Resource, id: string = randomUUID()): PendingWrite {
  const lastUpdated = new Date().toISOString();
  const content = stamp(resource, id, 1, lastUpdated);
  validateForWrite(content);
  return { resourceType: resource.resourceType, id, versionId: 1, lastUpdated, method: 'create', content };
}

/** Plans an update of (or a create at) a client-chosen id. Returns undefined when nothing changed. */
export function planUpdate(
  resource: Resource,
  id: string,
  current: CurrentRow | undefined,
  method: 'update' | 'patch' = 'update'
): PendingWrite | undefined {
  if (
    current &&
    !current.deleted &&
    current.content &&
    withoutMeta(current.content) === withoutMeta({ ...resource, id })
  ) {
    return undefined;
  }
  const versionId = current ? current.version_id + 1 : 1;
  const lastUpdated = new Date().toISOString();
  const content = stamp(resource, id, versionId, lastUpdated);
  validateForWrite(content);
  return {
    resourceType: resource.resourceType,
    id,
    versionId,
    lastUpdated,
    method: current ? method : 'create',
    content,
  };
}

/**
 * Reads of FHIR resources in one practice: read, vread, history. Writes are functions over a transaction
 * (updateIn, deleteIn, and planCreate/planUpdate with store/writes.ts applyWrites).
 */
export class Repository {
  /**
   * `conn` answers the reads: the database, or the open transaction when called inside a transaction Bundle
   * (on PGlite a read through the database would wait for that transaction forever).
   */
  constructor(readonly conn: SqlConnection) {}

  async read(ctx: RequestContext, type: string, id: string): Promise<Resource> {
    assertResourceType(type);
    const p = new SqlParams(ctx.practiceId, type, id);
    const columns = accessColumns(ctx, 'read', type, 'r.resource_type', 'r.id', p);
    const result = await this.conn.query<{
      deleted: boolean;
      content: Resource | null;
      version_id: number;
      in_scope: boolean;
      restricted: boolean;
    }>(
      `SELECT deleted, content, version_id, ${columns} FROM resource r WHERE practice_id = $1 AND resource_type = $2 AND id = $3`,
      p.values
    );
    const row = result.rows[0];
    if (!row) {
      throw notFound(`${type}/${id} was not found`);
    }
    const hidden = hiddenRowError(ctx, type, id, row);
    if (hidden) {
      throw hidden;
    }
    if (row.deleted || !row.content) {
      throw gone(`${type}/${id} was deleted (version ${row.version_id})`);
    }
    return row.content;
  }

  /** Throws as read() would when the caller may not see the resource's current row (vread, history). */
  private async assertVisible(ctx: RequestContext, type: string, id: string): Promise<void> {
    if (!ctx.principal) {
      return;
    }
    const p = new SqlParams(ctx.practiceId, type, id);
    const columns = accessColumns(ctx, 'read', type, 'r.resource_type', 'r.id', p);
    const result = await this.conn.query<{ in_scope: boolean; restricted: boolean }>(
      `SELECT ${columns} FROM resource r WHERE practice_id = $1 AND resource_type = $2 AND id = $3`,
      p.values
    );
    const row = result.rows[0];
    const hidden = row && hiddenRowError(ctx, type, id, row);
    if (hidden) {
      throw hidden;
    }
  }

  async vread(ctx: RequestContext, type: string, id: string, versionId: string): Promise<Resource> {
    assertResourceType(type);
    if (!/^\d{1,9}$/.test(versionId)) {
      throw notFound(`${type}/${id} has no version "${versionId}"`);
    }
    await this.assertVisible(ctx, type, id);
    const result = await this.conn.query<{ deleted: boolean; content: Resource | null }>(
      'SELECT deleted, content FROM resource_version WHERE practice_id = $1 AND resource_type = $2 AND id = $3 AND version_id = $4',
      [ctx.practiceId, type, id, Number(versionId)]
    );
    const row = result.rows[0];
    if (!row) {
      throw notFound(`${type}/${id} has no version ${versionId}`);
    }
    if (row.deleted || !row.content) {
      throw gone(`${type}/${id} version ${versionId} is a deletion`);
    }
    return row.content;
  }

  /** Instance or type history, newest first (FHIR R4 http.html#history). */
  async history(
    ctx: RequestContext,
    type: string,
    id: string | undefined,
    options: { count: number; since?: string; offset?: number }
  ): Promise<{ bundle: Bundle; hasMore: boolean }> {
    assertResourceType(type);
    const p = new SqlParams(ctx.practiceId, type);
    const params = p.values;
    let where = 'practice_id = $1 AND resource_type = $2';
    if (id) {
      await this.assertVisible(ctx, type, id);
      where += ` AND id = ${p.add(id)}`;
    } else {
      for (const condition of accessConditions(
        ctx,
        'read',
        type,
        'resource_version.resource_type',
        'resource_version.id',
        p
      )) {
        where += ` AND ${condition}`;
      }
    }
    if (options.since) {
      params.push(options.since);
      where += ` AND last_updated >= $${params.length}::timestamptz`;
    }
    params.push(options.count + 1, options.offset ?? 0);
    const result = await this.conn.query<{
      id: string;
      version_id: number;
      last_updated: Date | string;
      deleted: boolean;
      method: string;
      content: Resource | null;
    }>(
      `SELECT id, version_id, last_updated, deleted, method, content FROM resource_version WHERE ${where}
       ORDER BY last_updated DESC, version_id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params
    );
    if (id && result.rows.length === 0 && (options.offset ?? 0) === 0) {
      throw notFound(`${type}/${id} was not found`);
    }
    const rows = result.rows.slice(0, options.count);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'history',
      entry: rows.map((r) => ({
        fullUrl: `${ctx.baseUrl}/${type}/${r.id}`,
        ...(r.content ? { resource: r.content } : {}),
        request: {
          method: r.deleted
            ? 'DELETE'
            : r.method === 'create'
              ? 'POST'
              : r.method === 'patch'
                ? 'PATCH'
                : 'PUT',
          url: r.method === 'create' ? type : `${type}/${r.id}`,
        },
        response: {
          status: r.deleted ? '204' : r.method === 'create' ? '201' : '200',
          etag: `W/"${r.version_id}"`,
          lastModified: new Date(r.last_updated).toISOString(),
        },
      })),
    };
    return { bundle, hasMore: result.rows.length > options.count };
  }
}

/** Update inside a caller's transaction (also used by transaction Bundles). */
export async function updateIn(
  tx: SqlConnection,
  ctx: RequestContext,
  type: string,
  id: string,
  resource: Resource,
  options: { ifMatch?: string; method?: 'update' | 'patch' } = {}
): Promise<WriteResult> {
  assertResourceType(type);
  assertId(id);
  if (resource.resourceType !== type) {
    throw badRequest(`the body is a ${resource.resourceType} but the URL names ${type}`, 'resourceType');
  }
  if (resource.id !== undefined && resource.id !== id) {
    throw badRequest(`the body's id "${resource.id}" does not match the id in the URL "${id}"`, `${type}.id`);
  }
  const current = await lockCurrent(tx, ctx, type, id);
  checkIfMatch(options.ifMatch, current);
  const write = planUpdate(resource, id, current, options.method);
  if (!write) {
    return { resource: current?.content as Resource, created: false, unchanged: true };
  }
  await applyWrites(tx, ctx, [write]);
  return { resource: write.content as Resource, created: write.versionId === 1 || !!current?.deleted };
}

/** Delete inside a caller's transaction. Deleting what is already gone succeeds (idempotent). */
export async function deleteIn(
  tx: SqlConnection,
  ctx: RequestContext,
  type: string,
  id: string
): Promise<void> {
  assertResourceType(type);
  const current = await lockCurrent(tx, ctx, type, id, 'delete');
  if (!current || current.deleted) {
    return;
  }
  await applyWrites(tx, ctx, [
    {
      resourceType: type,
      id,
      versionId: current.version_id + 1,
      lastUpdated: new Date().toISOString(),
      method: 'delete',
      content: null,
      prior: current.content ?? undefined,
    },
  ]);
}
