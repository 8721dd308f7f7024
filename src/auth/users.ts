import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../fhir/outcome.js';
import type { SqlConnection } from '../store/db.js';
import { ID_RE } from '../store/repository.js';
import { PERMISSIONS, ROLES, type Permission, type Role } from './accessMatrix.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';

/** A user account as the rest of medassist sees it (no hashes, no secrets). */
export interface User {
  id: string;
  practiceId: string;
  username: string;
  displayName: string;
  roles: Role[];
  permissions: Permission[];
  status: 'active' | 'disabled';
  mfaRequired: boolean;
  mfaEnrolled: boolean;
  lockedUntil: string | null;
  practitionerId: string | null;
}

export interface UserRow {
  practice_id: string;
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  permissions: string[];
  status: string;
  password_hash: string | null;
  mfa_required: boolean;
  mfa_secret: string | null;
  mfa_enrolled_at: Date | string | null;
  mfa_last_step: string | number | null;
  recovery_codes: string[];
  failed_sign_ins: number;
  locked_until: Date | string | null;
  practitioner_id: string | null;
}

export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    practiceId: row.practice_id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles as Role[],
    permissions: row.permissions as Permission[],
    status: row.status === 'disabled' ? 'disabled' : 'active',
    // practice-admin always needs a second factor (ONC (d)(13)).
    mfaRequired: row.mfa_required || row.roles.includes('practice-admin'),
    mfaEnrolled: row.mfa_enrolled_at !== null,
    lockedUntil: row.locked_until ? new Date(row.locked_until).toISOString() : null,
    practitionerId: row.practitioner_id,
  };
}

export function parseRoles(value: unknown, field = 'roles'): Role[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest(`roles must be a non-empty list of: ${ROLES.join(', ')}`, field);
  }
  for (const [i, r] of value.entries()) {
    if (!(ROLES as readonly unknown[]).includes(r)) {
      throw badRequest(`"${String(r)}" is not a role (${ROLES.join(', ')})`, `${field}[${i}]`);
    }
  }
  return [...new Set(value as Role[])];
}

export function parsePermissions(value: unknown, field = 'permissions'): Permission[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw badRequest(`permissions must be a list of: ${PERMISSIONS.join(', ')}`, field);
  }
  for (const [i, p] of value.entries()) {
    if (!(PERMISSIONS as readonly unknown[]).includes(p)) {
      throw badRequest(`"${String(p)}" is not a permission (${PERMISSIONS.join(', ')})`, `${field}[${i}]`);
    }
  }
  return [...new Set(value as Permission[])];
}

export interface NewUser {
  username: string;
  displayName: string;
  roles: Role[];
  permissions?: Permission[];
  password: string;
  mfaRequired?: boolean;
  practitionerId?: string | null;
}

/** Checks a new user's fields; throws a 400 naming the field. */
export function parseNewUser(body: unknown): NewUser {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body must be a JSON object', 'body');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.username !== 'string' || !USERNAME_RE.test(b.username)) {
    throw badRequest('username must be 2-63 lower-case letters, digits, ".", "_" or "-"', 'username');
  }
  if (typeof b.displayName !== 'string' || b.displayName.trim().length === 0 || b.displayName.length > 200) {
    throw badRequest('displayName is required (at most 200 characters)', 'displayName');
  }
  if (b.mfaRequired !== undefined && typeof b.mfaRequired !== 'boolean') {
    throw badRequest('mfaRequired must be true or false', 'mfaRequired');
  }
  if (
    b.practitionerId !== undefined &&
    b.practitionerId !== null &&
    (typeof b.practitionerId !== 'string' || !ID_RE.test(b.practitionerId))
  ) {
    throw badRequest('practitionerId must be a Practitioner id', 'practitionerId');
  }
  return {
    username: b.username,
    displayName: b.displayName.trim(),
    roles: parseRoles(b.roles),
    permissions: parsePermissions(b.permissions),
    password: checkPasswordPolicy(b.password, b.username),
    mfaRequired: b.mfaRequired === true,
    practitionerId: b.practitionerId ?? null,
  };
}

/** Creates a user (the password hashed with PBKDF2); 409 if the username is taken anywhere. */
export async function createUser(conn: SqlConnection, practiceId: string, user: NewUser): Promise<User> {
  const hash = await hashPassword(user.password);
  const result = await conn.query<UserRow>(
    `INSERT INTO app_user (practice_id, id, username, display_name, roles, permissions, password_hash, password_changed_at, mfa_required, practitioner_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9)
     ON CONFLICT (username) DO NOTHING RETURNING *`,
    [
      practiceId,
      randomUUID(),
      user.username,
      user.displayName,
      user.roles,
      user.permissions ?? [],
      hash,
      user.mfaRequired ?? false,
      user.practitionerId ?? null,
    ]
  );
  if (result.rows.length === 0) {
    throw conflict(`the username "${user.username}" is taken`, 'username');
  }
  return toUser(result.rows[0]);
}

export async function findUserByUsername(
  conn: SqlConnection,
  username: string
): Promise<UserRow | undefined> {
  const result = await conn.query<UserRow>('SELECT * FROM app_user WHERE username = $1', [
    username.toLowerCase(),
  ]);
  return result.rows[0];
}

export async function getUserRow(conn: SqlConnection, practiceId: string, id: string): Promise<UserRow> {
  const result = await conn.query<UserRow>('SELECT * FROM app_user WHERE practice_id = $1 AND id = $2', [
    practiceId,
    id,
  ]);
  if (!result.rows[0]) {
    throw notFound(`user ${id} was not found`);
  }
  return result.rows[0];
}

export async function listUsers(conn: SqlConnection, practiceId: string): Promise<User[]> {
  const result = await conn.query<UserRow>(
    'SELECT * FROM app_user WHERE practice_id = $1 ORDER BY username',
    [practiceId]
  );
  return result.rows.map(toUser);
}
