import { tryGetDataType } from '@medplum/core';
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import { badRequest, outcome } from '../../fhir/outcome.js';
import type { SearchRequest } from '../../fhir/searchRequest.js';
import type { RequestContext } from '../context.js';
import type { SqlConnection } from '../db.js';
import { assertAllowed, hidesRestricted, inCategory, typeAccess } from '../../auth/policy.js';
import { accessConditions, restrictedSql } from '../access.js';
import { filterSql } from './filterSql.js';
import type { Filter } from '../../fhir/searchRequest.js';
import { SqlParams } from './sqlParams.js';

interface SortKey {
  expr: string;
  desc: boolean;
  kind: 'text' | 'timestamptz' | 'numeric';
}

/** The position after which the next page starts: the last row's sort values and id (keyset paging). */
interface Cursor {
  v: (string | number)[];
  dir: 'next' | 'prev';
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    // Our cursors carry sort values as text; anything else (an object, a boolean) is forged, and the database
    // driver would pass it on in a form the engine may not even report as a bad value.
    const scalar = (x: unknown): boolean =>
      typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
    if (!Array.isArray(c.v) || !c.v.every(scalar) || (c.dir !== 'next' && c.dir !== 'prev')) {
      throw new Error('shape');
    }
    return c;
  } catch {
    throw badRequest('_cursor is not a cursor this server issued', '_cursor');
  }
}

function sortKeys(req: SearchRequest): SortKey[] {
  const keys: SortKey[] = req.sort.map(({ code, desc, param }) => {
    if (code === '_id') {
      return { expr: 'r.id', desc, kind: 'text' };
    }
    if (code === '_lastUpdated') {
      return { expr: 'r.last_updated', desc, kind: 'timestamptz' };
    }
    const type = param?.type;
    const agg = desc ? 'max' : 'min';
    const quoted = code.replace(/'/g, "''");
    const sub = (col: string): string =>
      `(SELECT ${agg}(s.${col}) FROM search_index s WHERE s.practice_id = $1 AND s.resource_type = r.resource_type AND s.resource_id = r.id AND s.param = '${quoted}')`;
    // The key written with the resource (store/writes.ts sortKeysOf); rows from before migration 004 have
    // none and fall back to the subquery.
    const stored = `(r.sort_keys->'${quoted}'->>${desc ? 1 : 0})`;
    const either = (fallback: string, cast: string): string =>
      `(CASE WHEN r.sort_keys IS NULL THEN ${fallback} ELSE ${stored}${cast} END)`;
    switch (type) {
      case 'date':
        return {
          expr: `COALESCE(${either(sub(desc ? 'hi' : 'lo'), '::timestamptz')}, '-infinity'::timestamptz)`,
          desc,
          kind: 'timestamptz',
        };
      case 'number':
      case 'quantity':
        return {
          expr: `COALESCE(${either(sub('num'), '::numeric')}, '-Infinity'::numeric)`,
          desc,
          kind: 'numeric',
        };
      case 'token':
      case 'string':
      case 'reference':
      case 'uri':
      case undefined:
        return { expr: `COALESCE(${either(sub('value'), ' COLLATE "C"')}, '')`, desc, kind: 'text' };
    }
  });
  // The id breaks ties, so the order is total and keyset paging never skips or repeats a row.
  keys.push({ expr: 'r.id', desc: false, kind: 'text' });
  return keys;
}

/** (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ..., with each key's direction. */
function afterCondition(
  keys: SortKey[],
  values: (string | number)[],
  reverse: boolean,
  p: SqlParams
): string {
  if (values.length !== keys.length) {
    throw badRequest('_cursor does not match this search (the sort changed)', '_cursor');
  }
  // Each value must be what this server writes for its key (PostgreSQL's text form), or the cast below
  // would fail in the database: a forged cursor is a 400 here, not a database error.
  keys.forEach((key, i) => {
    if (!cursorValueFits(key.kind, values[i])) {
      throw badRequest('_cursor is not a cursor this server issued', '_cursor');
    }
  });
  const ors: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) {
      ands.push(`${keys[j].expr} = ${p.add(values[j])}::${keys[j].kind}`);
    }
    const asc = keys[i].desc === reverse;
    ands.push(`${keys[i].expr} ${asc ? '>' : '<'} ${p.add(values[i])}::${keys[i].kind}`);
    ors.push(`(${ands.join(' AND ')})`);
  }
  return `(${ors.join(' OR ')})`;
}

const TIMESTAMP_TEXT =
  /^(-?infinity|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)?)$/;
const NUMERIC_TEXT = /^(-?Infinity|NaN|-?\d{1,30}(\.\d{1,30})?)$/;

function cursorValueFits(kind: SortKey['kind'], value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 1000) {
    return false;
  }
  switch (kind) {
    case 'timestamptz':
      return TIMESTAMP_TEXT.test(value);
    case 'numeric':
      return NUMERIC_TEXT.test(value);
    case 'text':
      return true;
  }
}

/**
 * Runs a search in one practice. Paging is keyset-based: `next` and `previous` carry the sort values of
 * the page's edge rows, so rows written or deleted between requests never shift a page
 * (docs/decisions/0004-paging.md).
 */
export async function executeSearch(
  conn: SqlConnection,
  ctx: RequestContext,
  req: SearchRequest
): Promise<Bundle> {
  const p = new SqlParams(ctx.practiceId, req.resourceType);
  const row = { type: '$2', id: 'r.id', lastUpdated: 'r.last_updated' };
  const where = ['r.practice_id = $1', 'r.resource_type = $2', 'NOT r.deleted'];
  for (const filter of req.filters) {
    where.push(filterSql(filter, row, p, ctx.baseUrl));
  }
  if (ctx.principal) {
    // Chains and _has look into other types: the caller must be allowed to search those too, or a search
    // on Patient could reveal who has a given Observation.
    for (const type of typesReachedBy(req.filters)) {
      assertAllowed(ctx.principal, 'search', type);
    }
    where.push(...accessConditions(ctx, 'search', req.resourceType, '$2', 'r.id', p));
  }
  const baseWhere = where.join(' AND ');
  const baseParams = [...p.values];

  let total: number | undefined;
  if (req.summary === 'count' || req.total === 'accurate') {
    const countResult = await conn.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM resource r WHERE ${baseWhere}`,
      baseParams
    );
    total = Number(countResult.rows[0].n);
  }
  const self = selfLink(ctx, req);
  if (req.summary === 'count') {
    return { resourceType: 'Bundle', type: 'searchset', total, link: [self] };
  }

  const keys = sortKeys(req);
  const cursor = req.cursor ? decodeCursor(req.cursor) : undefined;
  const reverse = cursor?.dir === 'prev';
  const pageWhere = [baseWhere];
  if (cursor) {
    pageWhere.push(afterCondition(keys, cursor.v, reverse, p));
  }
  const orderBy = keys.map((k) => `${k.expr} ${k.desc !== reverse ? 'DESC' : 'ASC'}`).join(', ');
  // Cursor values travel as PostgreSQL's own text form: exact (microseconds, numeric digits) and able to
  // carry 'infinity' / '-infinity' (open periods, missing values), which JSON numbers and JS Dates cannot.
  const select = keys.map((k, i) => `(${k.expr})::text AS k${i}`).join(', ');
  const result = await conn.query<Record<string, unknown>>(
    `SELECT r.content, ${select} FROM resource r WHERE ${pageWhere.join(' AND ')} ORDER BY ${orderBy} LIMIT ${req.count + 1}`,
    p.values
  );
  let rows = result.rows;
  const more = rows.length > req.count;
  rows = rows.slice(0, req.count);
  if (reverse) {
    rows.reverse();
  }
  const keyValues = (r: Record<string, unknown>): string[] => keys.map((_k, i) => r[`k${i}`] as string);

  const links: BundleLink[] = [self];
  if (rows.length > 0) {
    const hasNext = reverse ? true : more;
    const hasPrev = reverse ? more : !!cursor;
    if (hasNext) {
      links.push({
        relation: 'next',
        url: pageUrl(ctx, req, { v: keyValues(rows[rows.length - 1]), dir: 'next' }),
      });
    }
    if (hasPrev) {
      links.push({ relation: 'previous', url: pageUrl(ctx, req, { v: keyValues(rows[0]), dir: 'prev' }) });
    }
  }
  if (total === undefined && !cursor && !more) {
    total = rows.length;
  }

  const matches = rows.map((r) => r.content as Resource);
  const entries: BundleEntry[] = matches.map((resource) => ({
    fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`,
    resource: shape(resource, req),
    search: { mode: 'match' },
  }));
  const included = await includes(conn, ctx, req, matches);
  for (const resource of included) {
    entries.push({
      fullUrl: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'include' },
    });
  }
  if (req.ignored.length > 0) {
    const oo = outcome(
      'warning',
      'not-supported',
      `ignored: ${req.ignored.map((i) => `${i.name} (${i.reason})`).join('; ')}`
    );
    entries.push({ resource: oo, search: { mode: 'outcome' } });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(total !== undefined ? { total } : {}),
    link: links,
    entry: entries,
  };
}

function queryString(req: SearchRequest, extra: [string, string][] = []): string {
  const params = new URLSearchParams();
  for (const [k, v] of req.applied) {
    params.append(k, v);
  }
  for (const [k, v] of extra) {
    params.append(k, v);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function selfLink(ctx: RequestContext, req: SearchRequest): BundleLink {
  const extra: [string, string][] = req.cursor ? [['_cursor', req.cursor]] : [];
  return { relation: 'self', url: `${ctx.baseUrl}/${req.resourceType}${queryString(req, extra)}` };
}

function pageUrl(ctx: RequestContext, req: SearchRequest, cursor: Cursor): string {
  return `${ctx.baseUrl}/${req.resourceType}${queryString(req, [['_cursor', encodeCursor(cursor)]])}`;
}

/** _elements and _summary (FHIR R4 search.html#elements, #summary); a subsetted resource is tagged SUBSETTED. */
function shape(resource: Resource, req: SearchRequest): Resource {
  let keep: Set<string> | undefined;
  if (req.elements) {
    keep = new Set(req.elements);
  } else if (req.summary === 'true') {
    keep = new Set(tryGetDataType(resource.resourceType)?.summaryProperties ?? []);
  } else if (req.summary === 'text') {
    keep = new Set(['text', ...(tryGetDataType(resource.resourceType)?.mandatoryProperties ?? [])]);
  } else if (req.summary === 'data') {
    const { text: _text, ...rest } = resource as Resource & { text?: unknown };
    return subsetted(rest);
  }
  if (!keep) {
    return resource;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource)) {
    if (k === 'resourceType' || k === 'id' || k === 'meta' || keep.has(k)) {
      out[k] = v;
    }
  }
  return subsetted(out as unknown as Resource);
}

function subsetted(resource: Resource): Resource {
  const tag = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
  return { ...resource, meta: { ...resource.meta, tag: [...(resource.meta?.tag ?? []), tag] } };
}

const MAX_INCLUDE_ROUNDS = 4;
const MAX_INCLUDED = 1000;

async function includes(
  conn: SqlConnection,
  ctx: RequestContext,
  req: SearchRequest,
  matches: Resource[]
): Promise<Resource[]> {
  if (matches.length === 0 || (req.include.length === 0 && req.revinclude.length === 0)) {
    return [];
  }
  const seen = new Set(matches.map((r) => `${r.resourceType}/${r.id}`));
  const out: Resource[] = [];
  let frontier = matches;
  for (
    let round = 0;
    round < MAX_INCLUDE_ROUNDS && frontier.length > 0 && out.length < MAX_INCLUDED;
    round++
  ) {
    const found: Resource[] = [];
    for (const spec of req.include) {
      if (round > 0 && !spec.iterate) {
        continue;
      }
      const sources = frontier.filter((r) => r.resourceType === spec.sourceType).map((r) => r.id as string);
      if (sources.length === 0) {
        continue;
      }
      const result = await conn.query<{ content: Resource }>(
        `SELECT t.content FROM resource t WHERE t.practice_id = $1 AND NOT t.deleted AND (t.resource_type, t.id) IN (
           SELECT i.system, i.display FROM search_index i WHERE i.practice_id = $1 AND i.resource_type = $2
           AND i.resource_id = ANY($3::text[]) AND i.param = $4 AND ($5::text IS NULL OR i.system = $5))
         LIMIT ${MAX_INCLUDED}`,
        [ctx.practiceId, spec.sourceType, sources, spec.param, spec.targetType ?? null]
      );
      found.push(...result.rows.map((r) => r.content));
    }
    for (const spec of req.revinclude) {
      if (round > 0 && !spec.iterate) {
        continue;
      }
      const targets = frontier
        .filter((r) => !spec.targetType || r.resourceType === spec.targetType)
        .map((r) => `${r.resourceType}/${r.id}`);
      if (targets.length === 0) {
        continue;
      }
      const result = await conn.query<{ content: Resource }>(
        `SELECT t.content FROM resource t WHERE t.practice_id = $1 AND t.resource_type = $2 AND NOT t.deleted AND t.id IN (
           SELECT i.resource_id FROM search_index i WHERE i.practice_id = $1 AND i.resource_type = $2
           AND i.param = $3 AND i.value = ANY($4::text[]))
         LIMIT ${MAX_INCLUDED}`,
        [ctx.practiceId, spec.sourceType, spec.param, targets]
      );
      found.push(...result.rows.map((r) => r.content));
    }
    // Only resources not seen before are checked for visibility (a hidden one stays hidden: seen keeps it out).
    const fresh: Resource[] = [];
    for (const r of found) {
      const key = `${r.resourceType}/${r.id}`;
      if (!seen.has(key)) {
        seen.add(key);
        fresh.push(r);
      }
    }
    frontier = await visibleIncludes(conn, ctx, fresh);
    out.push(...frontier);
  }
  return out;
}

/** The resource types a search's chains and _has clauses look into. */
function typesReachedBy(filters: Filter[]): Set<string> {
  const types = new Set<string>();
  const walk = (f: Filter): void => {
    if (f.kind === 'chain') {
      f.targetTypes.forEach((t) => types.add(t));
      walk(f.inner);
    } else if (f.kind === 'has') {
      types.add(f.sourceType);
      walk(f.inner);
    }
  };
  filters.forEach(walk);
  return types;
}

/**
 * Drops included resources the caller may not see: types and categories outside their role (checked in
 * memory on the few included rows) and restricted charts (checked in the database).
 */
async function visibleIncludes(
  conn: SqlConnection,
  ctx: RequestContext,
  found: Resource[]
): Promise<Resource[]> {
  const principal = ctx.principal;
  if (!principal || found.length === 0) {
    return found;
  }
  const allowed = found.filter((r) => inCategory(typeAccess(principal, 'read', r.resourceType), r));
  if (allowed.length === 0 || !hidesRestricted(principal)) {
    return allowed;
  }
  const p = new SqlParams(
    ctx.practiceId,
    allowed.map((r) => r.resourceType),
    allowed.map((r) => r.id)
  );
  const restricted = restrictedSql('x.t', 'x.i', p, principal.emergencyPatients);
  const result = await conn.query<{ t: string; i: string }>(
    `SELECT x.t, x.i FROM unnest($2::text[], $3::text[]) AS x(t, i) WHERE ${restricted}`,
    p.values
  );
  const hidden = new Set(result.rows.map((r) => `${r.t}/${r.i}`));
  return allowed.filter((r) => !hidden.has(`${r.resourceType}/${r.id}`));
}
