import type { Resource } from '@medplum/fhirtypes';
import { indexValues, parseReference, type IndexRow } from '../fhir/indexValues.js';
import { conflict, notFound } from '../fhir/outcome.js';
import type { RequestContext } from './context.js';
import type { SqlConnection } from './db.js';
import { auditRow, insertAuditSql, type AuditRow } from '../auth/audit/events.js';
import { assertAllowed, assertMayWrite, hidesRestricted } from '../auth/policy.js';
import { restrictedSql } from './access.js';
import { SqlParams } from './search/sqlParams.js';

/** One version to write: the new current row, its history row and its search-index rows. */
export interface PendingWrite {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  method: 'create' | 'update' | 'patch' | 'delete';
  /** null for a delete (tombstone). */
  content: Resource | null;
  /** For a delete, the version it ends: its audit record names that version's patient and category. */
  prior?: Resource;
}

const isoOrInfinity = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined
    ? null
    : ms === Infinity
      ? 'infinity'
      : ms === -Infinity
        ? '-infinity'
        : new Date(ms).toISOString();

/** Versions written by this process (read by store/maintenance.ts to decide when statistics are stale). */
export const writeStats = { versions: 0 };

/**
 * Writes a batch of versions (their history rows, current rows and search-index rows) in ONE statement,
 * whatever its size: round trips, not PostgreSQL, limit write speed (docs/decisions/0002-schema.md). One
 * statement is atomic by itself, so a single create needs no BEGIN/COMMIT. All parts of a data-modifying
 * WITH see the same snapshot, so the index DELETE removes only the rows of earlier versions.
 */
export async function applyWrites(
  conn: SqlConnection,
  ctx: RequestContext,
  writes: PendingWrite[]
): Promise<void> {
  if (writes.length === 0) {
    return;
  }
  const localBase = ctx.baseUrl ? `${ctx.baseUrl}/` : undefined;
  const rows = writes.map((w) => ({
    sort_keys: null as SortKeys | null,
    resource_type: w.resourceType,
    id: w.id,
    version_id: w.versionId,
    last_updated: w.lastUpdated,
    deleted: w.content === null,
    method: w.method,
    content: w.content,
  }));
  const latest = new Map<string, PendingWrite>();
  for (const w of writes) {
    latest.set(`${w.resourceType}/${w.id}`, w);
  }
  const indexRows: Record<string, unknown>[] = [];
  const sortKeys = new Map<string, SortKeys>();
  for (const w of latest.values()) {
    if (w.content) {
      const resourceRows = indexValues(w.content).map((row) =>
        localBase ? localReference(row, localBase) : row
      );
      for (const row of resourceRows) {
        indexRows.push(toIndexRecord(w, row));
      }
      sortKeys.set(`${w.resourceType}/${w.id}`, sortKeysOf(resourceRows));
    }
  }
  for (const row of rows) {
    row.sort_keys = sortKeys.get(`${row.resource_type}/${row.id}`) ?? null;
  }
  const replacesEarlier = writes.some((w) => w.versionId > 1);
  if (ctx.principal) {
    await assertWritesAllowed(conn, ctx, writes, indexRows);
  }
  const audit = writeAuditRows(ctx, writes);
  try {
    await conn.query(
      `WITH src AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(resource_type text, id text, version_id integer,
           last_updated timestamptz, deleted boolean, method text, content jsonb, sort_keys jsonb)
       ),
       history AS (
         INSERT INTO resource_version (practice_id, resource_type, id, version_id, last_updated, deleted, method, content)
         SELECT $1, resource_type, id, version_id, last_updated, deleted, method, content FROM src
       ),
       current_row AS (
         INSERT INTO resource (practice_id, resource_type, id, version_id, last_updated, deleted, content, sort_keys)
         SELECT DISTINCT ON (resource_type, id) $1, resource_type, id, version_id, last_updated, deleted, content, sort_keys
         FROM src ORDER BY resource_type, id, version_id DESC
         ON CONFLICT (practice_id, resource_type, id) DO UPDATE SET
           version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated,
           deleted = EXCLUDED.deleted, content = EXCLUDED.content, sort_keys = EXCLUDED.sort_keys
       ),
       old_index AS (
         DELETE FROM search_index s USING src
         WHERE $4::boolean AND s.practice_id = $1 AND s.resource_type = src.resource_type AND s.resource_id = src.id
       ),
       new_index AS (
         INSERT INTO search_index (practice_id, resource_type, resource_id, param, system, value, display, lo, hi, num)
         SELECT $1, t, i, p, s, v, d, lo, hi, n
         FROM jsonb_to_recordset($3::jsonb) AS x(t text, i text, p text, s text, v text, d text, lo timestamptz, hi timestamptz, n numeric)
       ),
       audit AS (${insertAuditSql('$1', '$5')})
       SELECT 1`,
      [
        ctx.practiceId,
        JSON.stringify(rows),
        JSON.stringify(indexRows),
        replacesEarlier,
        JSON.stringify(audit),
      ]
    );
    writeStats.versions += writes.length;
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw conflict('another request changed this resource at the same time; read it again and retry');
    }
    throw err;
  }
}

function toIndexRecord(w: PendingWrite, row: IndexRow): Record<string, unknown> {
  return {
    t: w.resourceType,
    i: w.id,
    p: row.param,
    s: row.system ?? null,
    v: row.value ?? null,
    d: row.display ?? null,
    lo: isoOrInfinity(row.lo),
    hi: isoOrInfinity(row.hi),
    n: row.num ?? null,
  };
}

/**
 * A reference written as this server's own absolute URL ("{base}/Patient/1") is indexed as the relative
 * "Patient/1", so chains, id search and _include follow it like any local reference.
 */
function localReference(row: IndexRow, localBase: string): IndexRow {
  if (row.system || !row.value?.startsWith(localBase)) {
    return row;
  }
  const parsed = parseReference(row.value.slice(localBase.length));
  return parsed
    ? { ...row, system: parsed.type, value: `${parsed.type}/${parsed.id}`, display: parsed.id }
    : row;
}

/** Per search parameter: [the key an ascending sort uses, the key a descending sort uses]. */
type SortKeys = Record<string, [string | number, string | number]>;

/**
 * A resource's sort keys from its index rows (FHIR R4 search.html#_sort): strings, tokens, references and
 * uris sort by their smallest (ascending) or largest (descending) value; dates by the earliest start or the
 * latest end; numbers and quantities by the smallest or largest number.
 */
function sortKeysOf(rows: IndexRow[]): SortKeys {
  const keys: SortKeys = {};
  const widen = (param: string, lo: string | number, hi: string | number): void => {
    const k = keys[param];
    if (!k) {
      keys[param] = [lo, hi];
      return;
    }
    if (lo < k[0]) k[0] = lo;
    if (hi > k[1]) k[1] = hi;
  };
  for (const row of rows) {
    if (row.param.endsWith(':of-type')) {
      continue;
    }
    if (row.num !== undefined && row.num !== null) {
      widen(row.param, row.num, row.num);
    } else if (row.lo !== undefined && row.lo !== null) {
      // ISO instants in UTC compare correctly as text; the sentinels sort before and after every year.
      widen(row.param, isoOrInfinity(row.lo) as string, isoOrInfinity(row.hi ?? row.lo) as string);
    } else if (row.value !== undefined && row.value !== null) {
      widen(row.param, row.value, row.value);
    }
  }
  return keys;
}

const ACTION_OF = { create: 'create', update: 'update', patch: 'update', delete: 'delete' } as const;
const AUDIT_ACTION = { create: 'C', update: 'U', patch: 'U', delete: 'D' } as const;

/**
 * The caller's role or scopes must allow each write, in its category; and a user may not write into a
 * restricted chart they cannot open (a reference to such a patient answers as if the patient did not exist).
 */
async function assertWritesAllowed(
  conn: SqlConnection,
  ctx: RequestContext,
  writes: PendingWrite[],
  indexRows: Record<string, unknown>[]
): Promise<void> {
  const principal = ctx.principal;
  if (!principal) {
    return;
  }
  for (const w of writes) {
    if (w.content) {
      assertMayWrite(principal, ACTION_OF[w.method], w.content);
    } else {
      assertAllowed(principal, 'delete', w.resourceType);
    }
  }
  if (!hidesRestricted(principal)) {
    return;
  }
  const patients = new Set<string>();
  for (const row of indexRows) {
    if (row.s === 'Patient' && typeof row.d === 'string') {
      patients.add(row.d);
    }
  }
  for (const w of writes) {
    if (w.resourceType === 'Patient') {
      patients.add(w.id);
    }
  }
  if (patients.size === 0) {
    return;
  }
  const p = new SqlParams(ctx.practiceId, [...patients]);
  const result = await conn.query<{ id: string }>(
    `SELECT x.id FROM unnest($2::text[]) AS x(id) WHERE ${restrictedSql("'Patient'", 'x.id', p, principal.emergencyPatients)}`,
    p.values
  );
  if (result.rows.length > 0) {
    throw notFound(`Patient/${result.rows[0].id} was not found`);
  }
}

/** One audit record per kind of change in the batch (a transaction of 50 creates is one "create" record). */
function writeAuditRows(ctx: RequestContext, writes: PendingWrite[]): AuditRow[] {
  const groups = new Map<PendingWrite['method'], PendingWrite[]>();
  for (const w of writes) {
    const list = groups.get(w.method);
    if (list) {
      list.push(w);
    } else {
      groups.set(w.method, [w]);
    }
  }
  return [...groups].map(([method, list]) =>
    auditRow({
      principal: ctx.principal,
      action: AUDIT_ACTION[method],
      subtype: method,
      entities: list.map((w) => ({
        reference: `${w.resourceType}/${w.id}/_history/${w.versionId}`,
        resource: w.content ?? w.prior,
        priorVersion: w.versionId > 1 ? `${w.resourceType}/${w.id}/_history/${w.versionId - 1}` : undefined,
      })),
      patients: list.filter((w) => w.resourceType === 'Patient').map((w) => w.id),
      recorded: new Date(list[0].lastUpdated),
    })
  );
}
