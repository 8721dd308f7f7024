import { isResourceType } from '../fhir/definitions.js';
import { badRequest } from '../fhir/outcome.js';

/** What a FHIR interaction needs, in SMART v2 letters (create, read, update, delete, search). */
export type Action = 'create' | 'read' | 'update' | 'delete' | 'search';
export const ACTION_LETTER: Record<Action, string> = {
  create: 'c',
  read: 'r',
  update: 'u',
  delete: 'd',
  search: 's',
};

/** One parsed SMART scope: `system/Patient.rs` -> {type: 'Patient', letters: 'rs'}. */
export interface SmartScope {
  type: string;
  letters: string;
}

/**
 * Parses SMART App Launch 2.0 clinical scopes (scopes-and-launch-context.html): `system/Type.cruds` in any
 * subset and order of c r u d s, `*` for every type, and the v1 forms `.read` (= rs), `.write` (= cud)
 * and `.*` (= cruds). Only `system/` scopes are granted to clients: there is no user or patient launch yet.
 */
export function parseScope(text: string, expression = 'scope'): SmartScope {
  const m = /^system\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/.exec(text);
  if (!m || m[2] === '') {
    throw badRequest(
      `"${text}" is not a SMART system scope such as system/Patient.rs or system/*.cruds`,
      expression
    );
  }
  const [, type, perm] = m;
  if (type !== '*' && !isResourceType(type)) {
    throw badRequest(`"${type}" in scope "${text}" is not a FHIR resource type`, expression);
  }
  const letters = perm === 'read' ? 'rs' : perm === 'write' ? 'cud' : perm === '*' ? 'cruds' : perm;
  return { type, letters };
}

export function parseScopes(text: string, expression = 'scope'): string[] {
  const scopes = text.split(/\s+/).filter(Boolean);
  if (scopes.length === 0) {
    throw badRequest('at least one scope is needed, e.g. system/*.rs', expression);
  }
  for (const s of scopes) {
    parseScope(s, expression);
  }
  return scopes;
}

/** Whether one granted scope gives `letter` on `type` (`*` as the type is only given by a `*` scope). */
function gives(granted: SmartScope, letter: string, type: string): boolean {
  return (granted.type === '*' || granted.type === type) && granted.letters.includes(letter);
}

/** Whether the scopes allow `action` on `type`. */
export function scopesAllow(scopes: readonly string[], action: Action, type: string): boolean {
  const letter = ACTION_LETTER[action];
  return scopes.some((text) => gives(parseScope(text), letter, type));
}

/** Whether `wanted` asks for no more than the `granted` scopes give, letter by letter. */
export function scopeWithin(granted: readonly string[], wanted: string): boolean {
  const { type, letters } = parseScope(wanted);
  const given = granted.map((text) => parseScope(text));
  return [...letters].every((letter) => given.some((g) => gives(g, letter, type)));
}
