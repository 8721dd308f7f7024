import { badRequest, notSupported } from './outcome.js';
import { searchParamsFor, type CompiledSearchParam } from './searchParameters.js';
import { isResourceType } from './definitions.js';

/** A search as the store understands it, parsed from the query string (FHIR R4 search.html). */
export interface SearchRequest {
  resourceType: string;
  /** All must match (repeated parameters AND). */
  filters: Filter[];
  sort: { code: string; desc: boolean; param?: CompiledSearchParam }[];
  count: number;
  cursor?: string;
  total: 'none' | 'estimate' | 'accurate';
  summary?: 'true' | 'text' | 'data' | 'count' | 'false';
  elements?: string[];
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  /** Parameters that were ignored (lenient handling), reported back to the client. */
  ignored: { name: string; reason: string }[];
  /** The parameters that were applied, in a canonical form, for the `self` link. */
  applied: [string, string][];
}

export interface IncludeSpec {
  sourceType: string;
  param: string;
  targetType?: string;
  iterate: boolean;
}

export type Filter =
  | {
      kind: 'param';
      code: string;
      /** Undefined for _id and _lastUpdated (columns of the resource table). */
      param?: CompiledSearchParam;
      modifier?: string;
      /** Any may match (comma = OR). */
      values: string[];
    }
  | { kind: 'chain'; param: CompiledSearchParam; targetTypes: string[]; inner: Filter }
  | { kind: 'has'; sourceType: string; referenceParam: CompiledSearchParam; inner: Filter };

export const SEARCH_LIMITS = { defaultCount: 20, maxCount: 1000 } as const;

const RESULT_PARAMS = new Set([
  '_count',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_cursor',
  '_format',
  '_pretty',
]);

/**
 * Splits a comma-separated value list, honouring `\,` `\$` `\|` `\\` escapes (FHIR R4 search.html#escaping).
 * With `keepBars` (token and quantity values, which `|` divides into parts) `\|` and `\\` stay escaped, for
 * splitBars to read.
 */
export function splitValues(value: string, keepBars = false): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const next = value[i + 1];
    if (c === '\\' && (next === ',' || next === '\\' || next === '$' || next === '|')) {
      current += keepBars && (next === '|' || next === '\\') ? c + next : next;
      i++;
    } else if (c === ',') {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

/** Splits a token or quantity value at its unescaped `|`, unescaping `\|` and `\\` in each part. */
export function splitBars(value: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const next = value[i + 1];
    if (c === '\\' && (next === '|' || next === '\\')) {
      current += next;
      i++;
    } else if (c === '|') {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

/**
 * Parses query parameters into a SearchRequest. `strict` (Prefer: handling=strict) turns an unknown or
 * unsupported parameter into a 400; otherwise it is ignored and reported.
 */
export function parseSearchRequest(
  resourceType: string,
  query: [string, string][],
  options: { strict: boolean }
): SearchRequest {
  const req: SearchRequest = {
    resourceType,
    filters: [],
    sort: [],
    count: SEARCH_LIMITS.defaultCount,
    total: 'none',
    include: [],
    revinclude: [],
    ignored: [],
    applied: [],
  };
  const reject = (name: string, reason: string): void => {
    if (options.strict) {
      throw badRequest(`search parameter ${name}: ${reason}`, name);
    }
    req.ignored.push({ name, reason });
  };
  for (const [rawName, value] of query) {
    const name = rawName.trim();
    if (RESULT_PARAMS.has(name)) {
      parseResultParam(req, name, value);
      if (name !== '_cursor' && name !== '_format' && name !== '_pretty') {
        req.applied.push([name, value]);
      }
      continue;
    }
    try {
      const filter = parseFilter(resourceType, name, value);
      req.filters.push(filter);
      req.applied.push([name, value]);
    } catch (err) {
      if (err instanceof UnknownParam) {
        reject(name, err.message);
      } else {
        throw err;
      }
    }
  }
  return req;
}

/** An unknown parameter: ignored in lenient mode, 400 in strict mode. Malformed values are always 400. */
class UnknownParam extends Error {}

function parseResultParam(req: SearchRequest, name: string, value: string): void {
  switch (name) {
    case '_count': {
      if (!/^\d+$/.test(value)) {
        throw badRequest(`_count must be a whole number, got "${value}"`, '_count');
      }
      const n = Number(value);
      if (n > SEARCH_LIMITS.maxCount) {
        throw badRequest(`_count may be at most ${SEARCH_LIMITS.maxCount}, got ${n}`, '_count');
      }
      req.count = n;
      return;
    }
    case '_sort':
      for (const key of value.split(',').filter(Boolean)) {
        const desc = key.startsWith('-');
        const code = desc ? key.slice(1) : key;
        if (code === '_id' || code === '_lastUpdated') {
          req.sort.push({ code, desc });
          continue;
        }
        const param = searchParamsFor(req.resourceType).get(code);
        if (!param) {
          throw badRequest(
            `cannot sort by "${code}": ${req.resourceType} has no such search parameter`,
            '_sort'
          );
        }
        req.sort.push({ code, desc, param });
      }
      return;
    case '_total':
      if (value !== 'none' && value !== 'estimate' && value !== 'accurate') {
        throw badRequest('_total must be none, estimate or accurate', '_total');
      }
      req.total = value;
      return;
    case '_summary':
      if (!['true', 'text', 'data', 'count', 'false'].includes(value)) {
        throw badRequest('_summary must be true, text, data, count or false', '_summary');
      }
      req.summary = value as SearchRequest['summary'];
      return;
    case '_elements':
      req.elements = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return;
    case '_include':
    case '_revinclude':
    case '_include:iterate':
    case '_revinclude:iterate':
      return;
    case '_cursor':
      req.cursor = value;
      return;
    default:
      return;
  }
}

export function parseIncludes(req: SearchRequest, query: [string, string][]): void {
  for (const [name, value] of query) {
    const [base, mod] = name.split(':');
    if (base !== '_include' && base !== '_revinclude') {
      continue;
    }
    const iterate = mod === 'iterate' || mod === 'recurse';
    const [sourceType, param, targetType] = value.split(':');
    if (!sourceType || !param || !isResourceType(sourceType)) {
      throw badRequest(`${name} must be Type:parameter[:TargetType], got "${value}"`, name);
    }
    const sp = searchParamsFor(sourceType).get(param);
    if (!sp || sp.type !== 'reference') {
      throw badRequest(`${name}: ${sourceType} has no reference search parameter "${param}"`, name);
    }
    if (targetType && !isResourceType(targetType)) {
      throw badRequest(`${name}: unknown resource type "${targetType}"`, name);
    }
    (base === '_include' ? req.include : req.revinclude).push({ sourceType, param, targetType, iterate });
    req.applied.push([name, value]);
  }
}

function parseFilter(resourceType: string, name: string, value: string): Filter {
  if (name.startsWith('_has:')) {
    return parseHas(resourceType, name, value);
  }
  const dot = name.indexOf('.');
  if (dot > 0) {
    return parseChain(resourceType, name.slice(0, dot), name.slice(dot + 1), value);
  }
  const [code, modifier] = name.split(':', 2);
  if (code === '_id' || code === '_lastUpdated') {
    // Every resource has both, so :missing means nothing; :not is a token modifier (_id only). An
    // unsupported modifier is refused rather than ignored: ignoring it would widen the results.
    if (modifier && !(code === '_id' && modifier === 'not')) {
      throw notSupported(`modifier :${modifier} is not supported on ${code}`, name);
    }
    if (splitValues(value).some((v) => v === '')) {
      throw badRequest(`search parameter ${name} has an empty value`, name);
    }
    return { kind: 'param', code, modifier, values: splitValues(value) };
  }
  const param = searchParamsFor(resourceType).get(code);
  if (!param) {
    throw new UnknownParam(`${resourceType} has no search parameter "${code}"`);
  }
  if (modifier) {
    checkModifier(param, modifier, name);
  }
  const values = splitValues(value, param.type === 'token' || param.type === 'quantity');
  if (values.some((v) => v === '') && modifier !== 'missing') {
    throw badRequest(`search parameter ${name} has an empty value`, name);
  }
  return { kind: 'param', code, param, modifier, values };
}

const MODIFIERS: Record<string, string[]> = {
  string: ['missing', 'exact', 'contains'],
  token: ['missing', 'not', 'text', 'of-type'],
  reference: ['missing'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  uri: ['missing', 'below', 'above'],
};

function checkModifier(param: CompiledSearchParam, modifier: string, name: string): void {
  if (
    param.type === 'reference' &&
    (param.targets.includes(modifier) || (/^[A-Z]/.test(modifier) && isResourceType(modifier)))
  ) {
    return;
  }
  if (!MODIFIERS[param.type].includes(modifier)) {
    throw notSupported(
      `modifier :${modifier} is not supported on ${param.type} parameter ${param.code}`,
      name
    );
  }
  if (modifier === 'of-type' && param.code !== 'identifier') {
    throw notSupported(':of-type applies to identifier parameters only', name);
  }
}

function parseChain(resourceType: string, head: string, rest: string, value: string): Filter {
  const [code, typeModifier] = head.split(':', 2);
  const param = searchParamsFor(resourceType).get(code);
  if (!param) {
    throw new UnknownParam(`${resourceType} has no search parameter "${code}"`);
  }
  if (param.type !== 'reference') {
    throw badRequest(`${code} is not a reference parameter, so it cannot be chained`, `${head}.${rest}`);
  }
  const targets = typeModifier ? [typeModifier] : param.targets;
  const innerName = rest;
  const innerCode = innerName.split('.')[0].split(':')[0];
  const candidates = targets.filter(
    (t) => isResourceType(t) && (innerCode === '_id' || searchParamsFor(t).has(innerCode))
  );
  if (candidates.length === 0) {
    throw new UnknownParam(`none of ${targets.join(', ')} has a search parameter "${innerCode}"`);
  }
  // With several candidate target types, the chain matches through any of them.
  const inner = parseFilter(candidates[0], innerName, value);
  return { kind: 'chain', param, targetTypes: candidates, inner };
}

function parseHas(resourceType: string, name: string, value: string): Filter {
  // _has:Observation:patient:code=1234  (FHIR R4 search.html#has)
  const parts = name.split(':');
  const sourceType = parts[1];
  const refCode = parts[2];
  const rest = parts.slice(3).join(':');
  if (!sourceType || !refCode || !rest || !isResourceType(sourceType)) {
    throw badRequest(`_has must look like _has:Type:reference:parameter, got "${name}"`, name);
  }
  const referenceParam = searchParamsFor(sourceType).get(refCode);
  if (!referenceParam || referenceParam.type !== 'reference') {
    throw badRequest(`${sourceType} has no reference search parameter "${refCode}"`, name);
  }
  if (referenceParam.targets.length > 0 && !referenceParam.targets.includes(resourceType)) {
    throw badRequest(`${sourceType}.${refCode} never points at ${resourceType}`, name);
  }
  return { kind: 'has', sourceType, referenceParam, inner: parseFilter(sourceType, rest, value) };
}
