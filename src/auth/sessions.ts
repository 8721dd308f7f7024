import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { unauthorized, OutcomeError, outcome } from '../fhir/outcome.js';
import type { SqlConnection } from '../store/db.js';
import type { Principal } from './principal.js';
import { toUser, type User, type UserRow } from './users.js';

/** Session time limits (ONC (d)(5)): idle at most 30 minutes, 12 hours in all. */
export interface SessionLimits {
  idleSeconds: number;
  absoluteSeconds: number;
}
export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleSeconds: 15 * 60, absoluteSeconds: 12 * 3600 };

export type SessionStage = 'signed-in' | 'mfa' | 'enrol';

export interface SessionRow {
  id: string;
  practice_id: string;
  user_id: string;
  csrf_token: string;
  stage: SessionStage;
  created_at: Date | string;
  last_seen_at: Date | string;
  address: string | null;
  user_agent: string | null;
}

export interface ActiveSession {
  session: SessionRow;
  user: User;
  userRow: UserRow;
  practiceName: string;
  emergencyPatients: string[];
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Starts a session: a new random token for the cookie (ASVS 3.2.1), its hash and a CSRF token stored. */
export async function createSession(
  conn: SqlConnection,
  user: User,
  stage: SessionStage,
  meta: { address?: string; userAgent?: string; now: Date }
): Promise<{ token: string; id: string }> {
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await conn.query(
    `INSERT INTO user_session (id, token_hash, practice_id, user_id, csrf_token, stage, created_at, last_seen_at, address, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)`,
    [
      id,
      tokenHash(token),
      user.practiceId,
      user.id,
      randomBytes(24).toString('base64url'),
      stage,
      meta.now.toISOString(),
      meta.address ?? null,
      (meta.userAgent ?? '').slice(0, 300) || null,
    ]
  );
  return { token, id };
}

/** Gives a session a new token (after the second factor: the pre-MFA token stops working). */
export async function rotateSessionToken(
  conn: SqlConnection,
  sessionId: string,
  stage: SessionStage
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await conn.query('UPDATE user_session SET token_hash = $2, stage = $3 WHERE id = $1', [
    sessionId,
    tokenHash(token),
    stage,
  ]);
  return token;
}

export const expired = (text: string): OutcomeError =>
  new OutcomeError(401, outcome('error', 'expired', text));

/**
 * The live session a cookie token names, or a 401: unknown or ended tokens, sessions idle past the limit
 * and sessions older than the absolute limit are refused by the server, whatever the browser does. Expired
 * sessions are ended in the database. `touch` counts the request as activity.
 */
export async function loadSession(
  conn: SqlConnection,
  token: string,
  limits: SessionLimits,
  now: Date,
  touch = true
): Promise<ActiveSession> {
  const result = await conn.query<SessionRow & { u: UserRow; practice_name: string; grants: string[] }>(
    `SELECT s.id, s.practice_id, s.user_id, s.csrf_token, s.stage, s.created_at, s.last_seen_at, s.address, s.user_agent,
       to_jsonb(u) AS u, p.name AS practice_name,
       ARRAY(SELECT e.patient_id FROM emergency_access e WHERE e.practice_id = s.practice_id AND e.user_id = s.user_id AND e.expires_at > $2) AS grants
     FROM user_session s JOIN app_user u ON u.practice_id = s.practice_id AND u.id = s.user_id JOIN practice p ON p.id = s.practice_id
     WHERE s.token_hash = $1 AND s.ended_at IS NULL`,
    [tokenHash(token), now.toISOString()]
  );
  const row = result.rows[0];
  if (!row) {
    throw unauthorized('you are not signed in (or your session was ended)');
  }
  const idleMs = now.getTime() - new Date(row.last_seen_at).getTime();
  const ageMs = now.getTime() - new Date(row.created_at).getTime();
  if (idleMs > limits.idleSeconds * 1000 || ageMs > limits.absoluteSeconds * 1000) {
    const reason = ageMs > limits.absoluteSeconds * 1000 ? 'absolute-timeout' : 'idle-timeout';
    await endSession(conn, row.id, reason, now);
    throw expired(
      reason === 'idle-timeout'
        ? 'your session timed out after inactivity; sign in again'
        : 'your session reached its 12-hour limit; sign in again'
    );
  }
  const user = toUser(row.u);
  if (user.status !== 'active') {
    await endSession(conn, row.id, 'user-disabled', now);
    throw unauthorized('this account is disabled');
  }
  // Activity is written at most every 10 s: the idle limit is in minutes, a write per request is waste.
  if (touch && idleMs > 10_000) {
    await conn.query('UPDATE user_session SET last_seen_at = $2 WHERE id = $1', [row.id, now.toISOString()]);
    row.last_seen_at = now;
  }
  const { u, practice_name, grants, ...session } = row;
  return { session, user, userRow: u, practiceName: practice_name, emergencyPatients: grants };
}

export async function endSession(
  conn: SqlConnection,
  id: string,
  reason: string,
  now = new Date()
): Promise<void> {
  await conn.query(
    'UPDATE user_session SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL',
    [id, now.toISOString(), reason]
  );
}

/** A user's sessions still open (within the limits), newest first. */
export async function listSessions(
  conn: SqlConnection,
  user: User,
  limits: SessionLimits,
  now: Date
): Promise<SessionRow[]> {
  const result = await conn.query<SessionRow>(
    `SELECT id, practice_id, user_id, csrf_token, stage, created_at, last_seen_at, address, user_agent FROM user_session
     WHERE practice_id = $1 AND user_id = $2 AND ended_at IS NULL
       AND last_seen_at > $3::timestamptz - make_interval(secs => $4) AND created_at > $3::timestamptz - make_interval(secs => $5)
     ORDER BY created_at DESC`,
    [user.practiceId, user.id, now.toISOString(), limits.idleSeconds, limits.absoluteSeconds]
  );
  return result.rows;
}

/** The principal of a signed-in user's request. */
export function userPrincipal(active: ActiveSession, address?: string): Principal {
  return {
    kind: 'user',
    id: active.user.id,
    name: active.user.username,
    practiceId: active.user.practiceId,
    roles: active.user.roles,
    permissions: active.user.permissions,
    sessionId: active.session.id,
    practitionerId: active.user.practitionerId ?? undefined,
    emergencyPatients: active.emergencyPatients,
    address,
  };
}

/** What the web app is told about its session (docs/security/auth-api.md). */
export function sessionView(active: ActiveSession, limits: SessionLimits) {
  const lastSeen = new Date(active.session.last_seen_at).getTime();
  const created = new Date(active.session.created_at).getTime();
  return {
    user: {
      id: active.user.id,
      username: active.user.username,
      displayName: active.user.displayName,
      roles: active.user.roles,
      permissions: active.user.permissions,
      practitionerId: active.user.practitionerId,
      mfaEnrolled: active.user.mfaEnrolled,
      mfaRequired: active.user.mfaRequired,
    },
    practice: { id: active.user.practiceId, name: active.practiceName },
    csrfToken: active.session.csrf_token,
    idleTimeoutSeconds: limits.idleSeconds,
    idleExpiresAt: new Date(lastSeen + limits.idleSeconds * 1000).toISOString(),
    absoluteExpiresAt: new Date(created + limits.absoluteSeconds * 1000).toISOString(),
  };
}
