import { parseDateRange } from '../../fhir/dates.js';
import { badRequest } from '../../fhir/outcome.js';
import type { Filter } from '../../fhir/searchRequest.js';
import { escapeLike, normalizeString } from '../../fhir/strings.js';
import type { SqlParams } from './sqlParams.js';

/** The resource row a filter applies to: SQL expressions for its type and id. */
export interface RowRef {
  type: string;
  id: string;
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
type Prefix = (typeof PREFIXES)[number];

function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const p = value.slice(0, 2) as Prefix;
  if ((PREFIXES as readonly string[]).includes(p) && value.length > 2 && /[0-9-]/.test(value[2])) {
    return { prefix: p, rest: value.slice(2) };
  }
  return { prefix: 'eq', rest: value };
}

/**
 * Turns one filter into a boolean SQL expression over the row `row`. Every subquery is scoped by
 * practice ($1), so nothing outside the practice is ever read.
 */
export function filterSql(filter: Filter, row: RowRef, p: SqlParams, baseUrl: string): string {
  switch (filter.kind) {
    case 'chain': {
      const inner = filterSql(filter.inner, { type: 't.resource_type', id: 't.id' }, p, baseUrl);
      return `${row.id} IN (SELECT i.resource_id FROM search_index i WHERE i.practice_id = $1 AND i.resource_type = ${row.type}
        AND i.param = ${p.add(filter.param.code)} AND i.system = ANY(${p.add(filter.targetTypes)}::text[])
        AND i.display IN (SELECT t.id FROM resource t WHERE t.practice_id = $1 AND t.resource_type = i.system AND NOT t.deleted AND ${inner}))`;
    }
    case 'has': {
      const inner = filterSql(filter.inner, { type: 'h.resource_type', id: 'h.resource_id' }, p, baseUrl);
      return `${row.id} IN (SELECT h.display FROM search_index h WHERE h.practice_id = $1 AND h.resource_type = ${p.add(filter.sourceType)}
        AND h.param = ${p.add(filter.referenceParam.code)} AND h.system = ${row.type} AND ${inner})`;
    }
    case 'param':
      return paramSql(filter, row, p, baseUrl);
  }
}

function paramSql(filter: Extract<Filter, { kind: 'param' }>, row: RowRef, p: SqlParams, baseUrl: string): string {
  const { code, modifier, values, param } = filter;
  if (code === '_id') {
    const cond = `${row.id} = ANY(${p.add(values)}::text[])`;
    return modifier === 'not' ? `NOT (${cond})` : cond;
  }
  if (code === '_lastUpdated') {
    return or(values.map((v) => dateCondition(v, code, `(SELECT lu.last_updated FROM resource lu WHERE lu.practice_id = $1 AND lu.resource_type = ${row.type} AND lu.id = ${row.id})`, null, p)));
  }
  if (!param) {
    throw badRequest(`unknown search parameter ${code}`, code);
  }
  const indexCode = modifier === 'of-type' ? code + ':of-type' : code;
  const subquery = (cond: string): string =>
    `${row.id} IN (SELECT i.resource_id FROM search_index i WHERE i.practice_id = $1 AND i.resource_type = ${row.type} AND i.param = ${p.add(indexCode)}${cond ? ` AND (${cond})` : ''})`;
  if (modifier === 'missing') {
    if (values.length !== 1 || (values[0] !== 'true' && values[0] !== 'false')) {
      throw badRequest(`${code}:missing must be true or false`, `${code}:missing`);
    }
    return values[0] === 'true' ? `NOT ${subquery('')}` : subquery('');
  }
  const conditions = values.map((v) => valueCondition(param.type, modifier, v, code, p, baseUrl));
  if (modifier === 'not') {
    return `NOT ${subquery(or(conditions))}`;
  }
  return subquery(or(conditions));
}

function or(conditions: string[]): string {
  return conditions.length === 1 ? conditions[0] : `(${conditions.map((c) => `(${c})`).join(' OR ')})`;
}

function valueCondition(
  type: string,
  modifier: string | undefined,
  value: string,
  code: string,
  p: SqlParams,
  baseUrl: string
): string {
  const name = modifier ? `${code}:${modifier}` : code;
  switch (type) {
    case 'string': {
      if (modifier === 'exact') {
        return `i.display = ${p.add(value)}`;
      }
      const norm = escapeLike(normalizeString(value));
      return modifier === 'contains'
        ? `i.value LIKE ${p.add('%' + norm + '%')}`
        : `i.value LIKE ${p.add(norm + '%')}`;
    }
    case 'token':
      return tokenCondition(modifier, value, p);
    case 'reference':
      return referenceCondition(modifier, value, p, baseUrl, name);
    case 'date':
      return dateCondition(value, name, 'i.lo', 'i.hi', p);
    case 'number':
      return numberCondition(value, name, p);
    case 'quantity': {
      const [num, system, unit] = splitQuantity(value);
      const parts = [numberCondition(num, name, p)];
      if (system) {
        parts.push(`i.system = ${p.add(system)}`);
      }
      if (unit) {
        const u = p.add(unit);
        parts.push(`(i.value = ${u} OR i.display = ${u})`);
      }
      return parts.join(' AND ');
    }
    case 'uri':
      if (modifier === 'below') {
        return `i.value LIKE ${p.add(escapeLike(value) + '%')}`;
      }
      if (modifier === 'above') {
        return `${p.add(value)} LIKE i.value || '%'`;
      }
      return `i.value = ${p.add(value)}`;
    default:
      throw badRequest(`search on ${type} parameters is not supported`, name);
  }
}

function splitQuantity(value: string): [string, string, string] {
  const parts = value.split('|');
  return [parts[0], parts[1] ?? '', parts.slice(2).join('|')];
}

function tokenCondition(modifier: string | undefined, value: string, p: SqlParams): string {
  if (modifier === 'text') {
    const norm = escapeLike(normalizeString(value));
    return `(i.display LIKE ${p.add(norm + '%')} OR i.display LIKE ${p.add('% ' + norm + '%')})`;
  }
  if (modifier === 'of-type') {
    // system|code|value
    const [system, typeCode, ...rest] = value.split('|');
    if (!typeCode || rest.length === 0) {
      throw badRequest('identifier:of-type needs system|code|value', 'identifier:of-type');
    }
    return `i.system = ${p.add(system)} AND i.value = ${p.add(typeCode + '|' + rest.join('|'))}`;
  }
  const bar = value.indexOf('|');
  if (bar < 0) {
    return `i.value = ${p.add(value)}`;
  }
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (system === '' && code !== '') {
    return `i.system IS NULL AND i.value = ${p.add(code)}`;
  }
  if (code === '') {
    return `i.system = ${p.add(system)}`;
  }
  return `i.system = ${p.add(system)} AND i.value = ${p.add(code)}`;
}

function referenceCondition(
  modifier: string | undefined,
  value: string,
  p: SqlParams,
  baseUrl: string,
  name: string
): string {
  let ref = value;
  if (ref.startsWith(baseUrl + '/')) {
    ref = ref.slice(baseUrl.length + 1);
  }
  if (modifier && /^[A-Z]/.test(modifier)) {
    if (ref.includes('/')) {
      throw badRequest(`${name} takes a plain id`, name);
    }
    return `i.value = ${p.add(`${modifier}/${ref}`)}`;
  }
  if (/^[a-z]+:/.test(ref)) {
    return `i.value = ${p.add(ref)}`;
  }
  if (/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(ref)) {
    return `i.value = ${p.add(ref)}`;
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(ref)) {
    return `i.display = ${p.add(ref)}`;
  }
  throw badRequest(`"${value}" is not a reference (Type/id, id or an absolute URL)`, name);
}

/**
 * Date prefixes over ranges (FHIR R4 search.html#prefix): the parameter value is the range [pl, pu) of its
 * precision; the target is [lo, hi). Bounds are half-open throughout.
 */
function dateCondition(value: string, name: string, lo: string, hi: string | null, p: SqlParams): string {
  const { prefix, rest } = splitPrefix(value);
  const range = parseDateRange(rest);
  if (!range) {
    throw badRequest(`"${value}" is not a valid date (e.g. 2026, 2026-11, 2026-11-26, 2026-11-26T10:00:00Z)`, name);
  }
  // A column with a single instant (_lastUpdated) is the range [t, t + 1 ms).
  const tl = lo;
  const tu = hi ?? `(${lo} + interval '1 millisecond')`;
  const pl = `${p.add(new Date(range.lo).toISOString())}::timestamptz`;
  const pu = `${p.add(new Date(range.hi).toISOString())}::timestamptz`;
  switch (prefix) {
    case 'eq':
      return `${tl} >= ${pl} AND ${tu} <= ${pu}`;
    case 'ne':
      return `NOT (${tl} >= ${pl} AND ${tu} <= ${pu})`;
    case 'gt':
      return `${tu} > ${pu}`;
    case 'lt':
      return `${tl} < ${pl}`;
    case 'ge':
      return `${tu} > ${pl}`;
    case 'le':
      return `${tl} < ${pu}`;
    case 'sa':
      return `${tl} >= ${pu}`;
    case 'eb':
      return `${tu} <= ${pl}`;
    case 'ap': {
      // "approximately": within 10% of the distance between the value and now, and at least a day.
      const now = Date.now();
      const gap = Math.max(Math.abs(now - range.lo) * 0.1, 86_400_000);
      const al = `${p.add(new Date(range.lo - gap).toISOString())}::timestamptz`;
      const au = `${p.add(new Date(range.hi + gap).toISOString())}::timestamptz`;
      return `${tl} < ${au} AND ${tu} > ${al}`;
    }
  }
}

/** Numbers carry implicit precision: "100" means [99.5, 100.5) (FHIR R4 search.html#number). */
function numberCondition(value: string, name: string, p: SqlParams): string {
  const { prefix, rest } = splitPrefix(value);
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(rest)) {
    throw badRequest(`"${value}" is not a number`, name);
  }
  const n = Number(rest);
  const [mantissa, exp] = rest.toLowerCase().split('e');
  const decimals = (mantissa.split('.')[1] ?? '').length - Number(exp ?? 0);
  const half = 0.5 * 10 ** -decimals;
  const v = `${p.add(String(n))}::numeric`;
  const lo = `${p.add(String(n - half))}::numeric`;
  const hi = `${p.add(String(n + half))}::numeric`;
  switch (prefix) {
    case 'eq':
      return `i.num >= ${lo} AND i.num < ${hi}`;
    case 'ne':
      return `NOT (i.num >= ${lo} AND i.num < ${hi})`;
    case 'gt':
    case 'sa':
      return `i.num > ${v}`;
    case 'lt':
    case 'eb':
      return `i.num < ${v}`;
    case 'ge':
      return `i.num >= ${v}`;
    case 'le':
      return `i.num <= ${v}`;
    case 'ap':
      return `i.num >= ${p.add(String(n - Math.abs(n) * 0.1))}::numeric AND i.num <= ${p.add(String(n + Math.abs(n) * 0.1))}::numeric`;
  }
}
