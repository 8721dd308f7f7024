import { parseDateRange } from '../../fhir/dates.js';
import { badRequest } from '../../fhir/outcome.js';
import { splitBars, type Filter } from '../../fhir/searchRequest.js';
import { escapeLike, normalizeString } from '../../fhir/strings.js';
import type { SqlParams } from './sqlParams.js';

/** The resource row a filter applies to: SQL expressions for its type and id (and last_updated, if at hand). */
export interface RowRef {
  type: string;
  id: string;
  lastUpdated?: string;
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
      // One branch per target type, each naming its type as a parameter: the inner subqueries are then
      // uncorrelated, so PostgreSQL hashes them once instead of re-running them for every reference row.
      // Aliases are numbered by nesting so an inner chain or _has never shadows the row it is about.
      const n = p.values.length;
      const [i, t] = [`ci${n}`, `ct${n}`];
      const param = p.add(filter.param.code);
      const branches = filter.targetTypes.map((targetType) => {
        const type = p.add(targetType);
        const inner = filterSql(
          filter.inner,
          { type, id: `${t}.id`, lastUpdated: `${t}.last_updated` },
          p,
          baseUrl
        );
        return `(${i}.system = ${type} AND ${i}.display IN (SELECT ${t}.id FROM resource ${t} WHERE ${t}.practice_id = $1 AND ${t}.resource_type = ${type} AND NOT ${t}.deleted AND ${inner}))`;
      });
      return `${row.id} IN (SELECT ${i}.resource_id FROM search_index ${i} WHERE ${i}.practice_id = $1 AND ${i}.resource_type = ${row.type}
        AND ${i}.param = ${param} AND ${or(branches)})`;
    }
    case 'has': {
      // The inner filter is about rows of sourceType: naming it as a parameter keeps its subqueries uncorrelated.
      const h = `h${p.values.length}`;
      const sourceType = p.add(filter.sourceType);
      const param = p.add(filter.referenceParam.code);
      const inner = filterSql(filter.inner, { type: sourceType, id: `${h}.resource_id` }, p, baseUrl);
      return `${row.id} IN (SELECT ${h}.display FROM search_index ${h} WHERE ${h}.practice_id = $1 AND ${h}.resource_type = ${sourceType}
        AND ${h}.param = ${param} AND ${h}.system = ${row.type} AND ${inner})`;
    }
    case 'param':
      return paramSql(filter, row, p, baseUrl);
  }
}

function paramSql(
  filter: Extract<Filter, { kind: 'param' }>,
  row: RowRef,
  p: SqlParams,
  baseUrl: string
): string {
  const { code, modifier, values, param } = filter;
  if (code === '_id') {
    const cond = `${row.id} = ANY(${p.add(values)}::text[])`;
    return modifier === 'not' ? `NOT (${cond})` : cond;
  }
  if (code === '_lastUpdated') {
    const column =
      row.lastUpdated ??
      `(SELECT lu.last_updated FROM resource lu WHERE lu.practice_id = $1 AND lu.resource_type = ${row.type} AND lu.id = ${row.id})`;
    return or(values.map((v) => dateCondition(v, code, column, null, p)));
  }
  if (!param) {
    throw badRequest(`unknown search parameter ${code}`, code);
  }
  const indexCode = modifier === 'of-type' ? code + ':of-type' : code;
  const subquery = (cond: string): string =>
    `${row.id} IN (SELECT i.resource_id FROM search_index i WHERE i.practice_id = $1 AND i.resource_type = ${row.type} AND i.param = ${p.add(indexCode)}${cond ? ` AND (${cond})` : ''})`;
  // NOT EXISTS, not NOT IN: PostgreSQL plans it as an anti-join, where NOT IN over a large subquery that
  // does not fit work_mem is re-scanned for every row.
  const absent = (cond: string): string =>
    `NOT EXISTS (SELECT 1 FROM search_index i WHERE i.practice_id = $1 AND i.resource_type = ${row.type} AND i.resource_id = ${row.id} AND i.param = ${p.add(indexCode)}${cond ? ` AND (${cond})` : ''})`;
  if (modifier === 'missing') {
    if (values.length !== 1 || (values[0] !== 'true' && values[0] !== 'false')) {
      throw badRequest(`${code}:missing must be true or false`, `${code}:missing`);
    }
    return values[0] === 'true' ? absent('') : subquery('');
  }
  const conditions = values.map((v) => valueCondition(param.type, modifier, v, code, p, baseUrl));
  if (modifier === 'not') {
    return absent(or(conditions));
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
        // With a system the code must match; without one, the code or the unit text (search.html#quantity).
        const u = p.add(unit);
        parts.push(system ? `i.value = ${u}` : `(i.value = ${u} OR i.display = ${u})`);
      }
      return parts.join(' AND ');
    }
    case 'uri':
      if (modifier === 'below') {
        return `i.value LIKE ${p.add(escapeLike(value) + '%')}`;
      }
      if (modifier === 'above') {
        // starts_with, not LIKE: a stored URI is data, and a "_" or "%" in it must not act as a wildcard.
        return `starts_with(${p.add(value)}::text, i.value)`;
      }
      return `i.value = ${p.add(value)}`;
    default:
      throw badRequest(`search on ${type} parameters is not supported`, name);
  }
}

function splitQuantity(value: string): [string, string, string] {
  const parts = splitBars(value);
  return [parts[0], parts[1] ?? '', parts.slice(2).join('|')];
}

function tokenCondition(modifier: string | undefined, value: string, p: SqlParams): string {
  // `|` divides system and code; an escaped `\|` is part of the code (search.html#escaping).
  const parts = splitBars(value);
  if (modifier === 'text') {
    const norm = escapeLike(normalizeString(parts.join('|')));
    return `(i.display LIKE ${p.add(norm + '%')} OR i.display LIKE ${p.add('% ' + norm + '%')})`;
  }
  if (modifier === 'of-type') {
    // system|code|value
    const [system, typeCode, ...rest] = parts;
    if (!typeCode || rest.length === 0) {
      throw badRequest('identifier:of-type needs system|code|value', 'identifier:of-type');
    }
    return `i.system = ${p.add(system)} AND i.value = ${p.add(typeCode + '|' + rest.join('|'))}`;
  }
  if (parts.length === 1) {
    return `i.value = ${p.add(parts[0])}`;
  }
  const system = parts[0];
  const code = parts.slice(1).join('|');
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
  // A stored reference may spell this server's own resources as absolute URLs (the index keeps those as
  // written): "Type/id" matches both spellings (search.html#reference: a base that is ours is local).
  const local = (typeAndId: string): string =>
    `i.value = ANY(${p.add([typeAndId, `${baseUrl}/${typeAndId}`])}::text[])`;
  if (modifier && /^[A-Z]/.test(modifier)) {
    if (ref.includes('/')) {
      throw badRequest(`${name} takes a plain id`, name);
    }
    return local(`${modifier}/${ref}`);
  }
  if (/^[a-z]+:/.test(ref)) {
    return `i.value = ${p.add(ref)}`;
  }
  if (/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(ref)) {
    return local(ref);
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(ref)) {
    return `i.display = ${p.add(ref)}`;
  }
  throw badRequest(`"${value}" is not a reference (Type/id, id or an absolute URL)`, name);
}

/**
 * Date prefixes over ranges (FHIR R4 search.html#prefix): the parameter value is the range [pl, pu) of its
 * precision; the target is [lo, hi). Bounds are half-open throughout.
 *   eq: [pl, pu) contains the target          ne: it does not
 *   gt: the target reaches past pu            lt: the target starts before pl
 *   ge: gt or eq                              le: lt or eq (not merely "overlaps the search range")
 *   sa: the target starts at or after pu      eb: the target ends at or before pl
 * Only the bounds a prefix uses become parameters: PostgreSQL cannot type a parameter the SQL never uses.
 */
function dateCondition(value: string, name: string, lo: string, hi: string | null, p: SqlParams): string {
  const { prefix, rest } = splitPrefix(value);
  // An unencoded "+01:00" arrives as " 01:00" (a "+" in a query string is a space): read it as meant.
  const range = parseDateRange(rest.replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (!range) {
    throw badRequest(
      `"${value}" is not a valid date (e.g. 2026, 2026-11, 2026-11-26, 2026-11-26T10:00:00Z)`,
      name
    );
  }
  // A column with a single instant (_lastUpdated) is the range [t, t + 1 ms).
  const tl = lo;
  const tu = hi ?? `(${lo} + interval '1 millisecond')`;
  const at = (ms: number): string => `${p.add(new Date(ms).toISOString())}::timestamptz`;
  const contained = (): string => `(${tl} >= ${at(range.lo)} AND ${tu} <= ${at(range.hi)})`;
  switch (prefix) {
    case 'eq':
      return contained();
    case 'ne':
      return `NOT ${contained()}`;
    case 'gt':
      return `${tu} > ${at(range.hi)}`;
    case 'lt':
      return `${tl} < ${at(range.lo)}`;
    case 'ge':
      return `(${tu} > ${at(range.hi)} OR ${contained()})`;
    case 'le':
      return `(${tl} < ${at(range.lo)} OR ${contained()})`;
    case 'sa':
      return `${tl} >= ${at(range.hi)}`;
    case 'eb':
      return `${tu} <= ${at(range.lo)}`;
    case 'ap': {
      // "approximately": the target overlaps the value widened by 10% of its distance from now, at least a day.
      const now = Date.now();
      const gap = Math.max(Math.abs(now - range.lo) * 0.1, 86_400_000);
      // Clamped to years 0001-9999, the range PostgreSQL timestamps and FHIR dates share.
      return `${tl} < ${at(range.hi + gap)} AND ${tu} > ${at(range.lo - gap)}`;
    }
  }
}

/**
 * Numbers carry implicit precision: "100" means [99.5, 100.5), "100.0" [99.95, 100.05) (FHIR R4
 * search.html#number); prefixes other than eq/ne/ap compare with the exact value ("lt100: less than exactly
 * 100"). Bounds are computed in SQL numeric, never in binary floating point (1.5 - 0.05 must be 1.45).
 */
function numberCondition(value: string, name: string, p: SqlParams): string {
  const { prefix, rest } = splitPrefix(value);
  if (!/^[-+]?\d+(\.\d+)?([eE][-+]?\d{1,3})?$/.test(rest) || rest.length > 64) {
    throw badRequest(`"${value}" is not a number (at most 64 characters, exponent at most 3 digits)`, name);
  }
  const [mantissa, exp] = rest.toLowerCase().split('e');
  const decimals = (mantissa.split('.')[1] ?? '').length - Number(exp ?? 0);
  const v = `${p.add(rest)}::numeric`;
  // Half a unit of the last written digit, e.g. 5e-2 for "1.5".
  const half = (): string => `${p.add(`5e${-(decimals + 1)}`)}::numeric`;
  const inRange = (): string => {
    const h = half();
    return `(i.num >= ${v} - ${h} AND i.num < ${v} + ${h})`;
  };
  switch (prefix) {
    case 'eq':
      return inRange();
    case 'ne':
      return `NOT ${inRange()}`;
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
      // "approximately": within 10% of the value (the spec's recommendation).
      return `(i.num >= ${v} - abs(${v}) * 0.1 AND i.num <= ${v} + abs(${v}) * 0.1)`;
  }
}
