import { evalFhirPathTyped, parseFhirPath, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { parseDateRange } from './dates.js';
import {
  evaluatePath,
  searchParamsFor,
  type CompiledSearchParam,
  type TypedValue,
} from './searchParameters.js';
import { normalizeString } from './strings.js';

/** One row of the search_index table (see src/store/migrations/001_init.sql for what each column holds). */
export interface IndexRow {
  param: string;
  system?: string | null;
  value?: string | null;
  display?: string | null;
  lo?: number | null;
  hi?: number | null;
  num?: number | null;
}

const parsedFhirPath = new Map<string, ReturnType<typeof parseFhirPath>>();

function evaluateFallback(resource: Resource, expression: string): TypedValue[] {
  let atom = parsedFhirPath.get(expression);
  if (!atom) {
    atom = parseFhirPath(expression);
    parsedFhirPath.set(expression, atom);
  }
  try {
    return evalFhirPathTyped(atom as unknown as string, [toTypedValue(resource)], {}).map((t) => ({
      type: t.type,
      value: t.value,
    }));
  } catch {
    return [];
  }
}

/** Every search-index row of a resource, over all the R4 search parameters of its type. */
export function indexValues(resource: Resource): IndexRow[] {
  const rows: IndexRow[] = [];
  for (const param of searchParamsFor(resource.resourceType).values()) {
    const values: TypedValue[] = [];
    for (const path of param.paths) {
      values.push(...evaluatePath(resource, path));
    }
    for (const expression of param.fhirPath) {
      values.push(...evaluateFallback(resource, expression));
    }
    const seen = new Set<string>();
    for (const v of values) {
      for (const row of toRows(param, v)) {
        const key = JSON.stringify(row);
        if (!seen.has(key)) {
          seen.add(key);
          rows.push(row);
        }
      }
    }
  }
  return rows;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function toRows(param: CompiledSearchParam, { type, value }: TypedValue): IndexRow[] {
  const code = param.code;
  switch (param.type) {
    case 'string':
      return stringValues(type, value).map((s) => ({ param: code, value: normalizeString(s), display: s }));
    case 'token':
      return tokenRows(code, type, value);
    case 'reference':
      return referenceRows(code, type, value);
    case 'date':
      return dateRows(code, type, value);
    case 'number':
      return typeof value === 'number' ? [{ param: code, num: value }] : [];
    case 'quantity':
      return quantityRows(code, value);
    case 'uri':
      return typeof value === 'string' ? [{ param: code, value: value.split('|')[0] }] : [];
  }
}

function stringValues(type: string, value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const o = value as Obj;
  const list = (k: string): string[] => (Array.isArray(o[k]) ? (o[k] as unknown[]).filter(isStr) : []);
  if (type === 'HumanName') {
    return [str(o.family), str(o.text), ...list('given'), ...list('prefix'), ...list('suffix')].filter(isStr);
  }
  if (type === 'Address') {
    return [
      ...list('line'),
      str(o.city),
      str(o.district),
      str(o.state),
      str(o.postalCode),
      str(o.country),
      str(o.text),
    ].filter(isStr);
  }
  return [];
}

function isStr(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

function tokenRows(param: string, type: string, value: unknown): IndexRow[] {
  if (typeof value === 'string') {
    return [{ param, value }];
  }
  if (typeof value === 'boolean') {
    return [{ param, value: String(value) }];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const o = value as Obj;
  switch (type) {
    case 'Coding':
      return codingRows(param, o);
    case 'CodeableConcept': {
      const rows = ((o.coding as Obj[] | undefined) ?? []).flatMap((c) => codingRows(param, c));
      if (str(o.text)) {
        // A text equal to a coding's display is already searchable (:text) through that coding's row.
        const text = normalizeString(o.text as string);
        if (!rows.some((r) => r.display === text)) {
          rows.push({ param, display: text });
        }
      }
      return rows;
    }
    case 'Identifier': {
      if (!str(o.value)) {
        return [];
      }
      const typeConcept = o.type as Obj | undefined;
      const rows: IndexRow[] = [
        {
          param,
          system: str(o.system) ?? null,
          value: o.value as string,
          display: typeConcept && str(typeConcept.text) ? normalizeString(typeConcept.text as string) : null,
        },
      ];
      // :of-type matches type system|code|value (FHIR R4 search.html#token)
      for (const c of (typeConcept?.coding as Obj[] | undefined) ?? []) {
        if (str(c.code)) {
          rows.push({
            param: param + ':of-type',
            system: str(c.system) ?? null,
            value: `${c.code}|${o.value}`,
          });
        }
      }
      return rows;
    }
    case 'ContactPoint':
      if (!str(o.value)) {
        return [];
      }
      return [
        {
          param,
          system: str(o.system) ?? null,
          value: o.value as string,
          display: digitsOnly(o.value as string),
        },
      ];
    default:
      // code-like values inside other complex types are not token-searchable
      return [];
  }
}

function digitsOnly(s: string): string | null {
  const d = s.replace(/\D/g, '');
  return d.length > 0 ? d : null;
}

function codingRows(param: string, c: Obj): IndexRow[] {
  if (!str(c.code) && !str(c.display)) {
    return [];
  }
  return [
    {
      param,
      system: str(c.system) ?? null,
      value: str(c.code) ?? null,
      display: str(c.display) ? normalizeString(c.display as string) : null,
    },
  ];
}

function referenceRows(param: string, type: string, value: unknown): IndexRow[] {
  if (typeof value === 'string') {
    // canonical or uri
    return [{ param, value: value.split('|')[0] }];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const ref = str((value as Obj).reference);
  if (!ref || ref.startsWith('#')) {
    return [];
  }
  const parsed = parseReference(ref);
  if (!parsed) {
    return [{ param, value: ref }];
  }
  return [{ param, system: parsed.type, value: `${parsed.type}/${parsed.id}`, display: parsed.id }];
}

/** "Patient/1", "Patient/1/_history/2" or an absolute URL ending in Type/id. */
export function parseReference(ref: string): { type: string; id: string } | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]+)?$/.exec(ref);
  if (!m) {
    return undefined;
  }
  // Absolute URLs on another server stay absolute (stored as written).
  if (/^[a-z]+:/.test(ref)) {
    return undefined;
  }
  return { type: m[1], id: m[2] };
}

function dateRows(param: string, type: string, value: unknown): IndexRow[] {
  if (typeof value === 'string') {
    const range = parseDateRange(value);
    return range ? [{ param, lo: range.lo, hi: range.hi }] : [];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const o = value as Obj;
  if (type === 'Period' || 'start' in o || 'end' in o) {
    const start = str(o.start) ? parseDateRange(o.start as string) : undefined;
    const end = str(o.end) ? parseDateRange(o.end as string) : undefined;
    if (!start && !end) {
      return [];
    }
    // An open end is "ongoing": it extends to +infinity (FHIR R4 search.html#date).
    return [{ param, lo: start ? start.lo : -Infinity, hi: end ? end.hi : Infinity }];
  }
  if (type === 'Timing') {
    const events = Array.isArray(o.event) ? (o.event as string[]) : [];
    return events.flatMap((e) => dateRows(param, 'dateTime', e));
  }
  return [];
}

function quantityRows(param: string, value: unknown): IndexRow[] {
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const o = value as Obj;
  if (typeof o.value !== 'number') {
    return [];
  }
  const unitCode = str(o.code) ?? str(o.unit) ?? str(o.currency) ?? null;
  return [
    {
      param,
      num: o.value,
      system: str(o.system) ?? null,
      value: unitCode,
      display: str(o.unit) ?? null,
    },
  ];
}
