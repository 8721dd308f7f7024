import { CONFIDENTIALITY_SYSTEM, RESTRICTED_CODES } from '../auth/accessMatrix.js';
import { hidesRestricted, typeAccess, type TypeAccess } from '../auth/policy.js';
import type { Action } from '../auth/scopes.js';
import { forbidden, notFound, OutcomeError, outcome } from '../fhir/outcome.js';
import type { RequestContext } from './context.js';
import type { SqlParams } from './search/sqlParams.js';

/**
 * SQL that is true when the resource (type and id given as SQL expressions) is part of a restricted chart:
 * a Patient labelled R or V (v3-Confidentiality) or a resource that references one. Grants ($granted, the
 * patients this user may open by emergency access) lift it. Runs in the same statement as the read or
 * search, so restricted rows never leave the database (docs/security/access-matrix.md).
 */
export function restrictedSql(
  typeExpr: string,
  idExpr: string,
  p: SqlParams,
  granted: readonly string[]
): string {
  const codes = p.add([...RESTRICTED_CODES]);
  const system = p.add(CONFIDENTIALITY_SYSTEM);
  const grants = granted.length > 0 ? ` AND NOT (sec.resource_id = ANY(${p.add([...granted])}::text[]))` : '';
  const label = `sec.practice_id = $1 AND sec.resource_type = 'Patient' AND sec.param = '_security' AND sec.value = ANY(${codes}::text[]) AND sec.system = ${system}${grants}`;
  return `(EXISTS (SELECT 1 FROM search_index sec WHERE ${label} AND ${typeExpr} = 'Patient' AND sec.resource_id = ${idExpr})
    OR EXISTS (SELECT 1 FROM search_index ref JOIN search_index sec ON sec.resource_id = ref.display AND ${label}
      WHERE ref.practice_id = $1 AND ref.resource_type = ${typeExpr} AND ref.resource_id = ${idExpr} AND ref.system = 'Patient'))`;
}

/** SQL true when the resource is inside a category access (policy.ts inCategory, in the database). */
function categorySql(
  access: Extract<TypeAccess, { kind: 'category' }>,
  typeExpr: string,
  idExpr: string,
  p: SqlParams
): string {
  const hasAny = (codes: string[]): string =>
    `EXISTS (SELECT 1 FROM search_index cat WHERE cat.practice_id = $1 AND cat.resource_type = ${typeExpr} AND cat.resource_id = ${idExpr} AND cat.param = ${p.add(access.param)} AND cat.value = ANY(${p.add(codes)}::text[]))`;
  const either = [
    ...(access.codes.length > 0 ? [hasAny(access.codes)] : []),
    ...(access.except ? [`NOT ${hasAny(access.except)}`] : []),
  ];
  return either.length > 0 ? `(${either.join(' OR ')})` : 'false';
}

/**
 * The WHERE conditions that limit a read or search of `type` to what the caller may see: the category
 * limit of their role, and no restricted charts unless granted. Empty for full access. `$1` must be the
 * practice id (every store query binds it first).
 */
export function accessConditions(
  ctx: RequestContext,
  action: Action,
  type: string,
  typeExpr: string,
  idExpr: string,
  p: SqlParams
): string[] {
  const principal = ctx.principal;
  if (!principal) {
    return [];
  }
  const conditions: string[] = [];
  const access = typeAccess(principal, action, type);
  if (access.kind === 'none') {
    conditions.push('false');
  } else if (access.kind === 'category') {
    conditions.push(categorySql(access, typeExpr, idExpr, p));
  }
  if (hidesRestricted(principal)) {
    conditions.push(`NOT ${restrictedSql(typeExpr, idExpr, p, principal.emergencyPatients)}`);
  }
  return conditions;
}

/** SQL columns that say whether one row is in the caller's categories and whether it is a restricted chart. */
export function accessColumns(
  ctx: RequestContext,
  action: Action,
  type: string,
  typeExpr: string,
  idExpr: string,
  p: SqlParams
): string {
  const principal = ctx.principal;
  if (!principal) {
    return 'true AS in_scope, false AS restricted';
  }
  const access = typeAccess(principal, action, type);
  const inScope =
    access.kind === 'none'
      ? 'false'
      : access.kind === 'all'
        ? 'true'
        : categorySql(access, typeExpr, idExpr, p);
  const restricted = hidesRestricted(principal)
    ? restrictedSql(typeExpr, idExpr, p, principal.emergencyPatients)
    : 'false';
  return `${inScope} AS in_scope, ${restricted} AS restricted`;
}

/**
 * The answer for a row the caller may not see. A restricted chart is 404 (its existence is not told) except
 * to users who hold the emergency-access permission: they get 403 with code "suppressed", so the app can
 * offer break-glass. A resource outside the role's categories is 403.
 */
export function hiddenRowError(
  ctx: RequestContext,
  type: string,
  id: string,
  row: { in_scope: boolean; restricted: boolean }
): OutcomeError | undefined {
  if (row.restricted) {
    if (ctx.principal?.permissions.includes('emergency-access')) {
      return new OutcomeError(
        403,
        outcome(
          'error',
          'suppressed',
          `${type}/${id} is part of a restricted chart: emergency access with a reason is needed`,
          type
        )
      );
    }
    return notFound(`${type}/${id} was not found`);
  }
  if (!row.in_scope) {
    return forbidden(
      `your role may not read this ${type} (its category is outside your role)`,
      `${type}.category`
    );
  }
  return undefined;
}
