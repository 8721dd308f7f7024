import type { Resource } from '@medplum/fhirtypes';
import { forbidden } from '../fhir/outcome.js';
import {
  ACCESS_MATRIX,
  CONFIDENTIALITY_SYSTEM,
  DATA_GROUPS,
  RESTRICTED_CODES,
  type DataGroup,
  type GroupName,
} from './accessMatrix.js';
import type { Principal } from './principal.js';
import { scopesAllow, type Action } from './scopes.js';

/**
 * What a principal may do with one resource type: everything of the type, only resources in some
 * categories, or nothing. A category access reaches a resource that has one of `codes`, or, when `except`
 * is given, one that has none of `except` (a type shared by a category-limited group and a plain group,
 * DocumentReference: the plain group holds the documents outside the limited group's categories).
 */
export type TypeAccess =
  | { kind: 'all' }
  | { kind: 'category'; param: string; codes: string[]; except?: string[] }
  | { kind: 'none' };

const NONE: TypeAccess = { kind: 'none' };
const ALL: TypeAccess = { kind: 'all' };

/** Which letter of the matrix an action needs. */
function matrixLetter(action: Action): 'r' | 'w' | 'd' {
  return action === 'read' || action === 'search' ? 'r' : action === 'delete' ? 'd' : 'w';
}

const groupsOf = new Map<string, GroupName[]>();
for (const [name, group] of Object.entries(DATA_GROUPS) as [GroupName, DataGroup][]) {
  for (const type of group.types) {
    groupsOf.set(type, [...(groupsOf.get(type) ?? []), name]);
  }
}

/** Types nobody writes through the API: medassist writes the audit trail itself (ONC (d)(2)). */
const NEVER_WRITTEN = new Set(['AuditEvent']);

/**
 * The access decision for a principal: the role matrix (accessMatrix.ts) for users, SMART scopes for API
 * clients. Fail closed: a type in no group, or an action no role grants, is refused.
 */
export function typeAccess(principal: Principal, action: Action, type: string): TypeAccess {
  if (action !== 'read' && action !== 'search' && NEVER_WRITTEN.has(type)) {
    return NONE;
  }
  if (principal.scopes) {
    if (type === 'AuditEvent' && !principal.scopes.some((s) => s.startsWith('system/AuditEvent.'))) {
      // The audit trail is only for clients granted it by name, never by a wildcard.
      return NONE;
    }
    return scopesAllow(principal.scopes, action, type) ? ALL : NONE;
  }
  const letter = matrixLetter(action);
  const granted: string[] = [];
  // The categories the type's category-limited groups take for themselves (granted or not).
  const limitedCodes: string[] = [];
  let categoryParam = 'category';
  let plainGroup = false;
  for (const name of groupsOf.get(type) ?? []) {
    const group: DataGroup = DATA_GROUPS[name];
    const allowed = principal.roles.some((role) => ACCESS_MATRIX[role]?.[name]?.includes(letter));
    if (group.category) {
      categoryParam = group.category.param;
      limitedCodes.push(...group.category.codes);
      if (allowed) {
        granted.push(...group.category.codes);
      }
    } else if (allowed) {
      plainGroup = true;
    }
  }
  if (plainGroup) {
    // A plain group holds the resources of the type outside the limited groups' categories: a clinical
    // note is in `notes`, an insurance card only in `adminDocuments` (a provider may delete the one only).
    const withheld = limitedCodes.filter((code) => !granted.includes(code));
    return withheld.length === 0
      ? ALL
      : { kind: 'category', param: categoryParam, codes: granted, except: limitedCodes };
  }
  return granted.length > 0 ? { kind: 'category', param: categoryParam, codes: granted } : NONE;
}

/** Throws 403 unless the principal may do `action` on at least some resources of `type`. */
export function assertAllowed(principal: Principal, action: Action, type: string): TypeAccess {
  const access = typeAccess(principal, action, type);
  if (access.kind === 'none') {
    throw forbidden(`your role does not allow ${action} of ${type}`, type);
  }
  return access;
}

/** The category codes a resource carries under `param` (only `category` CodeableConcepts are split today). */
function categoryCodes(resource: Resource): string[] {
  const category = (resource as { category?: unknown }).category;
  const list = Array.isArray(category) ? category : category ? [category] : [];
  const codes: string[] = [];
  for (const concept of list as { coding?: { code?: string }[] }[]) {
    for (const coding of concept?.coding ?? []) {
      if (coding.code) {
        codes.push(coding.code);
      }
    }
  }
  return codes;
}

/** Whether a resource falls inside a category-limited access (the check the SQL filter makes, in memory). */
export function inCategory(access: TypeAccess, resource: Resource): boolean {
  if (access.kind !== 'category') {
    return access.kind === 'all';
  }
  const codes = categoryCodes(resource);
  return (
    codes.some((c) => access.codes.includes(c)) ||
    (access.except !== undefined && !codes.some((c) => access.except?.includes(c)))
  );
}

/** Throws 403 when a resource to be written lies outside the principal's categories. */
export function assertMayWrite(principal: Principal, action: Action, resource: Resource): void {
  const access = assertAllowed(principal, action, resource.resourceType);
  if (!inCategory(access, resource)) {
    const codes = access.kind === 'category' ? access.codes : [];
    const except = access.kind === 'category' ? (access.except ?? []) : [];
    const allowedText = [
      ...(codes.length > 0 ? [`in the categories ${codes.join(', ')}`] : []),
      ...(except.length > 0 ? [`outside the categories ${except.join(', ')}`] : []),
    ].join(' or ');
    throw forbidden(
      `your role may ${action} ${resource.resourceType} only ${allowedText}`,
      `${resource.resourceType}.category`
    );
  }
}

/** Whether a Patient resource carries a restricted confidentiality label (R or V). */
export function isRestrictedPatient(resource: Resource): boolean {
  return (
    resource.resourceType === 'Patient' &&
    (resource.meta?.security ?? []).some(
      (s) =>
        s.system === CONFIDENTIALITY_SYSTEM && (RESTRICTED_CODES as readonly string[]).includes(s.code ?? '')
    )
  );
}

/** Whether restricted charts are hidden from this principal (all users; clients and system work see them). */
export function hidesRestricted(principal: Principal): boolean {
  return principal.kind === 'user';
}
