import type { AuditEvent, Bundle, BundleEntry } from '@medplum/fhirtypes';
import { auditRow } from '../../auth/audit/events.js';
import { insertAudit } from '../../auth/audit/writer.js';
import { parseDateRange } from '../../fhir/dates.js';
import { SEARCH_LIMITS } from '../../fhir/searchRequest.js';
import { badRequest, notFound, notSupported, OutcomeError, outcome } from '../../fhir/outcome.js';
import { ID_RE } from '../../store/repository.js';
import { SqlParams } from '../../store/search/sqlParams.js';
import { resourceResponse } from './respond.js';
import type { FhirRequest, FhirResponse, RouterEnv } from './types.js';

/**
 * AuditEvent over FHIR, answered from the audit trail itself (table audit_event), not from the resource
 * table: medassist writes every AuditEvent there, hash-chained, and nothing writes AuditEvent through the
 * API (policy.ts NEVER_WRITTEN; the router's authorize() has already answered 403 to a write, and has
 * checked that the caller may read AuditEvent at all: practice-admin users, clients with a
 * system/AuditEvent scope). A record's id is its seq in the practice's chain.
 *
 * Search parameters (FHIR R4 auditevent.html#search): patient, agent (a user id or username, an API
 * client id or name), date (with the prefixes eq ne gt lt ge le sa eb), action, subtype, outcome, entity;
 * _count, _offset and _sort=date|-date (default newest first).
 */
export async function auditEventRequest(
  env: RouterEnv,
  req: FhirRequest,
  segments: string[]
): Promise<FhirResponse> {
  const [, id] = segments;
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (segments.length === 1 && read) {
    return search(env, req.query, /handling=strict/.test(req.headers.prefer ?? ''));
  }
  if (segments.length === 2 && id === '_search' && req.method === 'POST') {
    return search(
      env,
      [...req.query, ...formBody(req.body)],
      /handling=strict/.test(req.headers.prefer ?? '')
    );
  }
  if (segments.length === 2 && read) {
    return readOne(env, id);
  }
  if (read && segments.includes('_history')) {
    throw notSupported('audit records have one version each: read AuditEvent/<id> or search AuditEvent');
  }
  throw new OutcomeError(
    405,
    outcome(
      'error',
      'not-supported',
      `${req.method} is not allowed on AuditEvent: medassist writes the audit trail`
    )
  );
}

interface StoredEvent {
  seq: number | string;
  recorded: Date | string;
  event: AuditEvent;
}

/** The stored AuditEvent with its id (the seq) and meta. */
function present(row: StoredEvent): AuditEvent {
  return {
    ...row.event,
    id: String(row.seq),
    meta: { versionId: '1', lastUpdated: new Date(row.recorded).toISOString() },
  };
}

async function readOne(env: RouterEnv, id: string): Promise<FhirResponse> {
  if (!/^[1-9]\d{0,17}$/.test(id)) {
    throw notFound(`AuditEvent/${id} was not found`);
  }
  const result = await (env.tx ?? env.db).query<StoredEvent>(
    'SELECT seq, recorded, event FROM audit_event WHERE practice_id = $1 AND seq = $2',
    [env.ctx.practiceId, id]
  );
  const row = result.rows[0];
  if (!row) {
    throw notFound(`AuditEvent/${id} was not found`);
  }
  await recordAccess(env, 'R', 'read', `AuditEvent/${id}`);
  return resourceResponse(200, present(row), env.ctx.baseUrl, undefined);
}

/** The search parameters answered (also what the CapabilityStatement advertises for AuditEvent). */
export const AUDIT_EVENT_SEARCH_PARAMETERS = [
  'patient',
  'agent',
  'date',
  'action',
  'subtype',
  'outcome',
  'entity',
  '_count',
  '_offset',
  '_sort',
] as const;
const PARAMETERS = new Set<string>(AUDIT_EVENT_SEARCH_PARAMETERS);
/** Parameters about the answer's form, not its content (FHIR R4 http.html#parameters). */
const IGNORED = new Set(['_format', '_pretty', '_summary', '_elements', '_total']);

/** One filter: several values of a parameter separated by commas are OR'd (FHIR R4 search.html#combining). */
function anyOf(values: string[], one: (value: string) => string): string {
  return values.length === 1 ? one(values[0]) : `(${values.map(one).join(' OR ')})`;
}

/**
 * SQL for date=[prefix]value against the instant `recorded` (FHIR R4 search.html#prefix: a point in time
 * compared with the range the value's precision gives).
 */
function dateCondition(text: string, p: SqlParams): string {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb)?(.+)$/.exec(text);
  const range = m ? parseDateRange(m[2]) : undefined;
  if (!m || !range) {
    throw badRequest(
      `date must be a FHIR date with an optional prefix, such as ge2026-11-01: "${text}"`,
      'date'
    );
  }
  // Only the bounds used become parameters: every placeholder must appear in the statement.
  const lo = (): string => `${p.add(new Date(range.lo).toISOString())}::timestamptz`;
  const hi = (): string => `${p.add(new Date(range.hi).toISOString())}::timestamptz`;
  switch (m[1] ?? 'eq') {
    case 'eq':
      return `(recorded >= ${lo()} AND recorded < ${hi()})`;
    case 'ne':
      return `(recorded < ${lo()} OR recorded >= ${hi()})`;
    case 'gt':
    case 'sa':
      return `recorded >= ${hi()}`;
    case 'lt':
    case 'eb':
      return `recorded < ${lo()}`;
    case 'ge':
      return `recorded >= ${lo()}`;
    default: // le
      return `recorded < ${hi()}`;
  }
}

async function search(env: RouterEnv, query: [string, string][], strict: boolean): Promise<FhirResponse> {
  const p = new SqlParams(env.ctx.practiceId);
  const where = ['practice_id = $1'];
  const applied: [string, string][] = [];
  let count: number = SEARCH_LIMITS.defaultCount;
  let offset = 0;
  let descending = true;
  for (const [name, value] of query) {
    if (IGNORED.has(name)) {
      continue;
    }
    if (!PARAMETERS.has(name)) {
      if (strict) {
        throw badRequest(`AuditEvent has no search parameter "${name}" here`, name);
      }
      continue;
    }
    const values = value.split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) {
      throw badRequest(`${name} needs a value`, name);
    }
    switch (name) {
      case '_count':
        if (!/^\d{1,4}$/.test(value) || Number(value) > SEARCH_LIMITS.maxCount) {
          throw badRequest(`_count must be a whole number up to ${SEARCH_LIMITS.maxCount}`, '_count');
        }
        count = Number(value);
        continue;
      case '_offset':
        if (!/^\d{1,9}$/.test(value)) {
          throw badRequest('_offset must be a whole number', '_offset');
        }
        offset = Number(value);
        continue;
      case '_sort':
        if (value !== 'date' && value !== '-date') {
          throw badRequest('AuditEvent sorts by date or -date', '_sort');
        }
        descending = value === '-date';
        break;
      case 'patient': {
        const ids = values.map((v) => v.replace(/^Patient\//, ''));
        if (!ids.every((v) => ID_RE.test(v))) {
          throw badRequest('patient must be a Patient id or Patient/<id>', 'patient');
        }
        where.push(`patient_ids && ${p.add(ids)}::text[]`);
        break;
      }
      case 'agent': {
        const list = p.add(values);
        where.push(`(user_id = ANY(${list}::text[]) OR user_name = ANY(${list}::text[]))`);
        break;
      }
      case 'date':
        where.push(anyOf(values, (v) => dateCondition(v, p)));
        break;
      case 'action':
        if (!values.every((v) => /^[CRUDE]$/.test(v))) {
          throw badRequest('action must be C, R, U, D or E', 'action');
        }
        where.push(`action = ANY(${p.add(values)}::text[])`);
        break;
      case 'subtype':
        // A token may name its system (system|code); the code is what is stored.
        where.push(`subtype = ANY(${p.add(values.map((v) => v.split('|').at(-1)))}::text[])`);
        break;
      case 'outcome':
        where.push(`outcome = ANY(${p.add(values)}::text[])`);
        break;
      case 'entity':
        where.push(
          anyOf(values, (v) => {
            const ref = p.add(v);
            return `(entity = ${ref} OR starts_with(entity, ${ref} || '/_history/'))`;
          })
        );
        break;
    }
    applied.push([name, value]);
  }
  const direction = descending ? 'DESC' : 'ASC';
  const result = await (env.tx ?? env.db).query<StoredEvent>(
    `SELECT seq, recorded, event FROM audit_event WHERE ${where.join(' AND ')}
     ORDER BY recorded ${direction}, seq ${direction} LIMIT ${count + 1} OFFSET ${offset}`,
    p.values
  );
  const rows = result.rows.slice(0, count);
  const base = `${env.ctx.baseUrl}/AuditEvent`;
  const page = (at: number): string =>
    `${base}?${new URLSearchParams([...applied, ['_count', String(count)], ['_offset', String(at)]]).toString()}`;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: page(offset) },
      ...(result.rows.length > count ? [{ relation: 'next', url: page(offset + count) }] : []),
      ...(offset > 0 ? [{ relation: 'previous', url: page(Math.max(0, offset - count)) }] : []),
    ],
    entry: rows.map((row): BundleEntry => ({
      fullUrl: `${base}/${row.seq}`,
      resource: present(row),
      search: { mode: 'match' },
    })),
  };
  const patients = applied.filter(([n]) => n === 'patient').flatMap(([, v]) => v.split(','));
  await recordAccess(
    env,
    'E',
    'search-type',
    'AuditEvent',
    new URLSearchParams(applied).toString(),
    patients.map((v) => v.trim().replace(/^Patient\//, ''))
  );
  return { status: 200, headers: {}, body: bundle };
}

/**
 * Reading the audit trail is itself recorded, whatever the practice's audit settings (as the
 * administration report is: adminRoutes.ts), before the answer leaves: in the open transaction of a
 * Bundle, else through the group-commit writer.
 */
async function recordAccess(
  env: RouterEnv,
  action: 'R' | 'E',
  subtype: string,
  reference: string,
  query?: string,
  patients: string[] = []
): Promise<void> {
  const principal = env.ctx.principal;
  if (!principal) {
    return;
  }
  const row = auditRow({
    principal,
    action,
    subtype,
    entities: [{ reference }],
    patients,
    ...(query !== undefined ? { query } : {}),
  });
  if (env.tx) {
    await insertAudit(env.tx, env.ctx.practiceId, [row]);
  } else if (env.audit) {
    await env.audit.append(env.ctx.practiceId, [row]);
  } else {
    await insertAudit(env.db, env.ctx.practiceId, [row]);
  }
}

function formBody(body: unknown): [string, string][] {
  if (body === undefined || body === null || body === '') {
    return [];
  }
  if (typeof body === 'string') {
    return [...new URLSearchParams(body).entries()];
  }
  throw badRequest('POST _search takes application/x-www-form-urlencoded parameters', '_search');
}
