import {
  capitalize,
  getElementDefinitionTypeName,
  OperationOutcomeError,
  tryGetDataType,
  validateResource,
} from '@medplum/core';
import type { ElementDefinition, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { valueSetCodes } from './definitions.js';
import { invalidResource } from './outcome.js';

/**
 * Validates a resource against the R4 base definitions before it is stored: structure, element types,
 * cardinality, choice types and invariants (by @medplum/core's validator), plus two rules that
 * validator leaves to servers: codes in required bindings and the target types of references.
 * Throws an OutcomeError (400) whose issues name each failing element in `expression`.
 */
export function validateForWrite(resource: Resource): void {
  const issues: OperationOutcomeIssue[] = [];
  try {
    validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) {
      issues.push(
        ...(err.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal')
      );
    } else {
      throw err;
    }
  }
  checkElements(
    resource as unknown as Record<string, unknown>,
    resource.resourceType,
    resource.resourceType,
    issues
  );
  if (issues.length > 0) {
    throw invalidResource(issues);
  }
}

type Obj = Record<string, unknown>;

function checkElements(value: Obj, typeName: string, path: string, issues: OperationOutcomeIssue[]): void {
  const schema = tryGetDataType(typeName);
  if (!schema) {
    return;
  }
  for (const [name, element] of Object.entries(schema.elements)) {
    const isChoice = name.endsWith('[x]');
    const base = isChoice ? name.slice(0, -3) : name;
    for (const type of element.type) {
      const key = isChoice ? base + capitalize(type.code) : base;
      const raw = value[key];
      if (raw === undefined || raw === null) {
        continue;
      }
      const items = Array.isArray(raw) ? raw : [raw];
      items.forEach((item, i) => {
        const itemPath = `${path}.${key}${Array.isArray(raw) ? `[${i}]` : ''}`;
        if (element.binding?.strength === 'required' && element.binding.valueSet) {
          checkBinding(item, type.code, element.binding.valueSet, itemPath, issues);
        }
        if (type.code === 'Reference' && type.targetProfile && typeof item === 'object') {
          checkReferenceTarget(item as Obj, type.targetProfile, itemPath, issues);
        }
        if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
          const childType =
            type.code === 'BackboneElement' || type.code === 'Element'
              ? getElementDefinitionTypeName(element as unknown as ElementDefinition)
              : type.code;
          if (childType !== 'Resource' && childType !== 'Extension' && childType !== 'Narrative') {
            checkElements(item as Obj, childType, itemPath, issues);
          }
        }
      });
    }
  }
}

function checkBinding(
  item: unknown,
  typeCode: string,
  valueSet: string,
  path: string,
  issues: OperationOutcomeIssue[]
): void {
  const codes = valueSetCodes(valueSet);
  if (!codes) {
    return;
  }
  let found: string[];
  if (typeCode === 'code' && typeof item === 'string') {
    found = [item];
  } else if (typeCode === 'Coding' && typeof item === 'object' && item) {
    found = [(item as Obj).code as string].filter(Boolean);
  } else if (typeCode === 'CodeableConcept' && typeof item === 'object' && item) {
    const codings = ((item as Obj).coding as Obj[] | undefined) ?? [];
    found = codings.map((c) => c.code as string).filter(Boolean);
    if (found.length === 0) {
      return;
    }
    if (found.some((c) => codes.has(c))) {
      return;
    }
  } else {
    return;
  }
  for (const code of found) {
    if (!codes.has(code)) {
      issues.push({
        severity: 'error',
        code: 'code-invalid',
        details: { text: `"${code}" is not in the required value set ${valueSet.split('|')[0]}` },
        expression: [path],
      });
    }
  }
}

function checkReferenceTarget(
  ref: Obj,
  targetProfiles: string[],
  path: string,
  issues: OperationOutcomeIssue[]
): void {
  const reference = ref.reference;
  if (typeof reference !== 'string' || reference.startsWith('#') || reference.startsWith('urn:')) {
    return;
  }
  const allowed = targetProfiles.map((p) => p.split('/').pop() as string);
  if (allowed.includes('Resource')) {
    return;
  }
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/[^/]+(?:\/_history\/[^/]+)?$/.exec(reference);
  const type = m?.[1] ?? (typeof ref.type === 'string' ? ref.type : undefined);
  if (type && !allowed.includes(type)) {
    issues.push({
      severity: 'error',
      code: 'invalid',
      details: { text: `a reference to ${type} is not allowed here; expected ${allowed.join(', ')}` },
      expression: [path + '.reference'],
    });
  }
}
