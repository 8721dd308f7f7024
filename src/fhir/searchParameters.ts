import { capitalize, getElementDefinitionTypeName, tryGetDataType } from '@medplum/core';
import type { ElementDefinition, SearchParameter } from '@medplum/fhirtypes';
import { allSearchParameters } from './definitions.js';

/** The search parameter types medassist indexes (composite and special are not supported). */
export const SUPPORTED_TYPES = ['string', 'token', 'reference', 'date', 'number', 'quantity', 'uri'] as const;
export type SearchParamType = (typeof SUPPORTED_TYPES)[number];

/** One step of a compiled path: the JSON keys that may hold it, each with its FHIR type. */
interface PathStep {
  keys: { key: string; type: string }[];
  /** `.where(resolve() is Patient)`: keep references to these types only. */
  resolveIs?: string;
  /** `.where(system='phone')`: keep elements whose field equals the literal. */
  whereEquals?: { field: string; value: string };
}

/** A plain-path alternative of a search parameter's expression, compiled to a direct property walk. */
export interface CompiledPath {
  steps: PathStep[];
}

export interface CompiledSearchParam {
  code: string;
  type: SearchParamType;
  /** Resource types a reference parameter may point at. */
  targets: string[];
  /** Compiled alternatives. Expressions that are not plain paths are evaluated by FHIRPath instead. */
  paths: CompiledPath[];
  /** Alternatives evaluated with the generic FHIRPath engine (rare: e.g. Patient.deceased.exists() and ...). */
  fhirPath: string[];
  definition: SearchParameter;
}

const byType = new Map<string, Map<string, CompiledSearchParam>>();

/**
 * The search parameters of a resource type, from the R4 SearchParameter definitions (never typed by hand),
 * compiled once. Includes the Resource-level ones (_tag, _profile, _security...).
 */
export function searchParamsFor(resourceType: string): Map<string, CompiledSearchParam> {
  let params = byType.get(resourceType);
  if (params) {
    return params;
  }
  params = new Map();
  for (const sp of allSearchParameters()) {
    if (!sp.code || !sp.expression || !(SUPPORTED_TYPES as readonly string[]).includes(sp.type)) {
      continue;
    }
    const bases = sp.base as string[];
    const base = bases.includes(resourceType)
      ? resourceType
      : bases.includes('Resource')
        ? 'Resource'
        : bases.includes('DomainResource')
          ? 'DomainResource'
          : undefined;
    if (!base) {
      continue;
    }
    // _id and _lastUpdated are columns of the resource table, not index rows.
    if (sp.code === '_id' || sp.code === '_lastUpdated') {
      continue;
    }
    const compiled = compileSearchParam(sp, resourceType, base);
    if (compiled.paths.length > 0 || compiled.fhirPath.length > 0) {
      params.set(sp.code, compiled);
    }
  }
  byType.set(resourceType, params);
  return params;
}

function compileSearchParam(sp: SearchParameter, resourceType: string, base: string): CompiledSearchParam {
  const result: CompiledSearchParam = {
    code: sp.code,
    type: sp.type as SearchParamType,
    targets: (sp.target as string[] | undefined) ?? [],
    paths: [],
    fhirPath: [],
    definition: sp,
  };
  for (const alternative of splitAlternatives(sp.expression as string)) {
    const normalized = alternative.replace(/^\((.+) as ([A-Za-z]+)\)(.*)$/, '$1.as($2)$3');
    const head = normalized.split('.')[0].replace(/^\(/, '');
    if (head !== resourceType && head !== base) {
      continue;
    }
    const compiled = compilePath(normalized, resourceType);
    if (compiled) {
      result.paths.push(compiled);
    } else {
      result.fhirPath.push(alternative.split(base + '.').join(resourceType + '.'));
    }
  }
  return result;
}

function splitAlternatives(expression: string): string[] {
  return expression
    .split(' | ')
    .map((s) => s.trim())
    .filter(Boolean);
}

const STEP_RE = /^[a-z][A-Za-z0-9]*$/;
const AS_RE = /^as\(([A-Za-z]+)\)$/;
const RESOLVE_RE = /^where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$/;
const WHERE_EQ_RE = /^where\(([a-z][A-Za-z]*)\s*=\s*'([^']*)'\)$/;

/** Compiles `Type.a.b.as(T).where(...)` into steps with known FHIR types; undefined if it is not that simple. */
function compilePath(expression: string, resourceType: string): CompiledPath | undefined {
  const parts = expression.split('.');
  let currentTypes = [resourceType];
  const steps: PathStep[] = [];
  for (const part of parts.slice(1)) {
    const asMatch = AS_RE.exec(part);
    const resolveMatch = RESOLVE_RE.exec(part);
    const whereMatch = WHERE_EQ_RE.exec(part);
    const last = steps[steps.length - 1];
    if (asMatch) {
      if (!last) {
        return undefined;
      }
      const wanted = asMatch[1];
      last.keys = last.keys.filter((k) => k.type.toLowerCase() === wanted.toLowerCase());
      if (last.keys.length === 0) {
        return undefined;
      }
      currentTypes = last.keys.map((k) => k.type);
      continue;
    }
    if (resolveMatch) {
      if (!last) {
        return undefined;
      }
      last.resolveIs = resolveMatch[1];
      continue;
    }
    if (whereMatch) {
      if (!last) {
        return undefined;
      }
      last.whereEquals = { field: whereMatch[1], value: whereMatch[2] };
      continue;
    }
    if (!STEP_RE.test(part) || currentTypes.length !== 1) {
      return undefined;
    }
    const schema = tryGetDataType(currentTypes[0]);
    const element = schema?.elements[part] ?? schema?.elements[part + '[x]'];
    if (!element) {
      return undefined;
    }
    const isChoice = !schema?.elements[part];
    const keys = element.type.map((t) => {
      const typeName =
        t.code === 'BackboneElement' || t.code === 'Element'
          ? getElementDefinitionTypeName(element as unknown as ElementDefinition)
          : t.code;
      return { key: isChoice ? part + capitalize(t.code) : part, type: typeName };
    });
    steps.push({ keys });
    currentTypes = [...new Set(keys.map((k) => k.type))];
  }
  return steps.length > 0 ? { steps } : undefined;
}

/** A value found at a compiled path, with its FHIR type. */
export interface TypedValue {
  type: string;
  value: unknown;
}

/** Walks a compiled path over a resource. */
export function evaluatePath(resource: object, path: CompiledPath): TypedValue[] {
  let current: TypedValue[] = [{ type: 'Resource', value: resource }];
  for (const step of path.steps) {
    const next: TypedValue[] = [];
    for (const item of current) {
      const obj = item.value as Record<string, unknown>;
      if (obj === null || typeof obj !== 'object') {
        continue;
      }
      for (const { key, type } of step.keys) {
        const v = obj[key];
        if (v === undefined || v === null) {
          continue;
        }
        for (const one of Array.isArray(v) ? v : [v]) {
          if (one !== undefined && one !== null && passes(step, one)) {
            next.push({ type, value: one });
          }
        }
      }
    }
    current = next;
  }
  return current;
}

function passes(step: PathStep, value: unknown): boolean {
  if (step.resolveIs) {
    const ref = (value as { reference?: string }).reference;
    if (typeof ref !== 'string') {
      return false;
    }
    const parts = ref.split('/');
    // "Patient/1", "Patient/1/_history/2" and absolute URLs ".../Patient/1"
    const typeIndex =
      parts.length >= 4 && parts[parts.length - 2] === '_history' ? parts.length - 4 : parts.length - 2;
    if (parts[typeIndex] !== step.resolveIs) {
      return false;
    }
  }
  if (step.whereEquals) {
    return (value as Record<string, unknown>)[step.whereEquals.field] === step.whereEquals.value;
  }
  return true;
}
