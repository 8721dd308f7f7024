import { accountLocked, badRequest, type OutcomeError, unauthorized } from '../fhir/outcome.js';
import type { Database, SqlConnection } from '../store/db.js';
import { auditRow } from './audit/events.js';
import { insertAudit } from './audit/writer.js';
import { decoyPasswordHash, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { createSession, rotateSessionToken, type ActiveSession, type SessionStage } from './sessions.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, otpauthUri, verifyTotp } from './totp.js';
import { findUserByUsername, toUser, type User, type UserRow } from './users.js';

/** Lock-out (ASVS 2.2.1): 5 failures in a row lock the account for 15 minutes. */
export const LOCKOUT = { failures: 5, minutes: 15 } as const;

export interface SignInMeta {
  address?: string;
  userAgent?: string;
  now: Date;
}

function actor(user: User | undefined, username: string, meta: SignInMeta): Principal {
  return {
    kind: 'user',
    id: user?.id ?? `unknown:${username.slice(0, 64)}`,
    name: user?.username ?? username.slice(0, 64),
    practiceId: user?.practiceId ?? '',
    roles: user?.roles ?? [],
    permissions: user?.permissions ?? [],
    emergencyPatients: [],
    address: meta.address,
  };
}

async function audit(
  conn: SqlConnection,
  user: User | undefined,
  username: string,
  meta: SignInMeta,
  subtype: string,
  ok: boolean,
  description?: string
): Promise<void> {
  if (!user) {
    // A failed sign-in for a username no practice has is not any practice's event; it is logged by the
    // rate limiter's counter only.
    return;
  }
  await insertAudit(conn, user.practiceId, [
    auditRow({
      principal: actor(user, username, meta),
      action: 'E',
      subtype,
      outcome: ok ? '0' : '4',
      category: 'authentication',
      description,
      recorded: meta.now,
    }),
  ]);
}

const wrongCredentials = (): OutcomeError => unauthorized('the username or password is wrong');

interface SignedIn {
  stage: SessionStage;
  token: string;
  sessionId: string;
  user: User;
}

/**
 * Password step of sign-in. Answers the same for an unknown user and a wrong password (and spends the
 * same PBKDF2 time), counts failures, locks the account after LOCKOUT.failures, and records every attempt.
 */
export async function signIn(db: Database, body: unknown, meta: SignInMeta): Promise<SignedIn> {
  if (typeof body !== 'object' || body === null) {
    throw badRequest('sign in with {"username": ..., "password": ...}', 'body');
  }
  const { username, password } = body as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || username.length === 0 || username.length > 64) {
    throw badRequest('username is required (at most 64 characters)', 'username');
  }
  if (typeof password !== 'string' || password.length === 0 || password.length > 256) {
    throw badRequest('password is required (at most 256 characters)', 'password');
  }
  const row = await findUserByUsername(db, username.toLowerCase());
  const ok = await verifyPassword(password, row?.password_hash ?? (await decoyPasswordHash()));
  if (!row) {
    throw wrongCredentials();
  }
  // A refusal is returned from the transaction, not thrown in it: the failure count, the lock and the
  // audit record of a refused attempt must commit (a throw would roll them back, and no account would
  // ever lock).
  const result = await db.transaction(async (tx): Promise<SignedIn | { refused: OutcomeError }> => {
    const locked = await tx.query<UserRow>(
      'SELECT * FROM app_user WHERE practice_id = $1 AND id = $2 FOR UPDATE',
      [row.practice_id, row.id]
    );
    const current = locked.rows[0];
    const user = toUser(current);
    if (current.locked_until && new Date(current.locked_until) > meta.now) {
      await audit(tx, user, username, meta, 'sign-in', false, 'account locked');
      return {
        refused: accountLocked(
          `this account is locked after repeated failed sign-ins; try again after ${new Date(current.locked_until).toISOString()} or ask a practice administrator`
        ),
      };
    }
    if (!ok || user.status !== 'active') {
      await registerFailure(tx, current, meta, username, ok ? 'account disabled' : 'wrong password');
      return { refused: wrongCredentials() };
    }
    await tx.query('UPDATE app_user SET failed_sign_ins = 0 WHERE practice_id = $1 AND id = $2', [
      user.practiceId,
      user.id,
    ]);
    const stage: SessionStage = user.mfaEnrolled ? 'mfa' : user.mfaRequired ? 'enrol' : 'signed-in';
    const session = await createSession(tx, user, stage, meta);
    await audit(
      tx,
      user,
      username,
      meta,
      stage === 'signed-in' ? 'sign-in' : 'sign-in-password',
      true,
      stage === 'signed-in' ? undefined : `second factor ${stage === 'mfa' ? 'needed' : 'enrolment needed'}`
    );
    return { stage, token: session.token, sessionId: session.id, user };
  });
  if ('refused' in result) {
    throw result.refused;
  }
  return result;
}

async function registerFailure(
  tx: SqlConnection,
  row: UserRow,
  meta: SignInMeta,
  username: string,
  why: string
): Promise<void> {
  const failures = row.failed_sign_ins + 1;
  const lock = failures >= LOCKOUT.failures;
  await tx.query(
    'UPDATE app_user SET failed_sign_ins = $3, locked_until = $4 WHERE practice_id = $1 AND id = $2',
    [
      row.practice_id,
      row.id,
      lock ? 0 : failures,
      lock ? new Date(meta.now.getTime() + LOCKOUT.minutes * 60_000).toISOString() : row.locked_until,
    ]
  );
  const user = toUser(row);
  await audit(tx, user, username, meta, 'sign-in', false, why);
  if (lock) {
    await audit(
      tx,
      user,
      username,
      meta,
      'lock-out',
      true,
      `${LOCKOUT.failures} failed attempts: locked for ${LOCKOUT.minutes} minutes`
    );
  }
}

/** The second factor: a TOTP code or an unused recovery code. A new session token is issued on success. */
export async function verifySecondFactor(
  db: Database,
  active: ActiveSession,
  body: unknown,
  meta: SignInMeta
): Promise<string> {
  if (active.session.stage !== 'mfa') {
    throw badRequest('this session is not waiting for a second factor', 'code');
  }
  const { code, recoveryCode } = (body ?? {}) as { code?: unknown; recoveryCode?: unknown };
  if (typeof code !== 'string' && typeof recoveryCode !== 'string') {
    throw badRequest('send the 6-digit code from the authenticator app, or a recovery code', 'code');
  }
  const result = await db.transaction(async (tx): Promise<{ token: string } | { refused: OutcomeError }> => {
    const locked = await tx.query<UserRow>(
      'SELECT * FROM app_user WHERE practice_id = $1 AND id = $2 FOR UPDATE',
      [active.user.practiceId, active.user.id]
    );
    const row = locked.rows[0];
    const user = toUser(row);
    if (row.locked_until && new Date(row.locked_until) > meta.now) {
      throw accountLocked(`this account is locked until ${new Date(row.locked_until).toISOString()}`);
    }
    let accepted = false;
    if (typeof code === 'string' && row.mfa_secret) {
      const step = verifyTotp(
        row.mfa_secret,
        code.trim(),
        row.mfa_last_step === null ? null : Number(row.mfa_last_step),
        meta.now.getTime()
      );
      if (step !== null) {
        accepted = true;
        await tx.query(
          'UPDATE app_user SET mfa_last_step = $3, failed_sign_ins = 0 WHERE practice_id = $1 AND id = $2',
          [user.practiceId, user.id, step]
        );
      }
    } else if (typeof recoveryCode === 'string') {
      const hash = hashRecoveryCode(recoveryCode);
      if (row.recovery_codes.includes(hash)) {
        accepted = true;
        await tx.query(
          'UPDATE app_user SET recovery_codes = array_remove(recovery_codes, $3), failed_sign_ins = 0 WHERE practice_id = $1 AND id = $2',
          [user.practiceId, user.id, hash]
        );
      }
    }
    if (!accepted) {
      // Returned, not thrown, so the failure (and a lock) commits: see signIn.
      await registerFailure(tx, row, meta, user.username, 'wrong second factor');
      return {
        refused: unauthorized(
          'the code is wrong or was already used',
          typeof code === 'string' ? 'code' : 'recoveryCode'
        ),
      };
    }
    const token = await rotateSessionToken(tx, active.session.id, 'signed-in');
    await audit(
      tx,
      user,
      user.username,
      meta,
      'sign-in',
      true,
      typeof code === 'string' ? 'with TOTP' : 'with a recovery code'
    );
    return { token };
  });
  if ('refused' in result) {
    throw result.refused;
  }
  return result.token;
}

/** Starts TOTP enrolment: a new secret, kept unconfirmed until a code from it is proven. */
export async function startEnrolment(
  db: Database,
  active: ActiveSession,
  issuer: string
): Promise<{ secret: string; otpauthUri: string }> {
  if (active.session.stage === 'mfa') {
    throw badRequest('prove the second factor first', 'code');
  }
  if (active.user.mfaEnrolled && active.session.stage !== 'enrol') {
    throw badRequest(
      'multi-factor authentication is already set up; ask an administrator to reset it',
      'mfa'
    );
  }
  const secret = newTotpSecret();
  await db.query(
    'UPDATE app_user SET mfa_secret = $3, mfa_enrolled_at = NULL WHERE practice_id = $1 AND id = $2',
    [active.user.practiceId, active.user.id, secret]
  );
  return { secret, otpauthUri: otpauthUri(secret, active.user.username, issuer) };
}

/** Confirms enrolment with a code; returns ten recovery codes (shown once) and, from stage enrol, a new token. */
export async function confirmEnrolment(
  db: Database,
  active: ActiveSession,
  body: unknown,
  meta: SignInMeta
): Promise<{ recoveryCodes: string[]; token?: string }> {
  const { code } = (body ?? {}) as { code?: unknown };
  if (typeof code !== 'string') {
    throw badRequest('send the 6-digit code the authenticator app shows', 'code');
  }
  const secret = active.userRow.mfa_secret;
  if (!secret || active.userRow.mfa_enrolled_at) {
    throw badRequest('start enrolment first (POST /auth/mfa/enrol)', 'code');
  }
  const step = verifyTotp(secret, code.trim(), null, meta.now.getTime());
  if (step === null) {
    throw unauthorized('the code does not match; check the phone clock and try the next code', 'code');
  }
  const { codes, hashes } = newRecoveryCodes();
  return db.transaction(async (tx) => {
    await tx.query(
      'UPDATE app_user SET mfa_enrolled_at = $3, mfa_last_step = $4, recovery_codes = $5 WHERE practice_id = $1 AND id = $2',
      [active.user.practiceId, active.user.id, meta.now.toISOString(), step, hashes]
    );
    await audit(tx, active.user, active.user.username, meta, 'mfa-enrolment', true);
    const token =
      active.session.stage === 'enrol'
        ? await rotateSessionToken(tx, active.session.id, 'signed-in')
        : undefined;
    if (token) {
      await audit(tx, active.user, active.user.username, meta, 'sign-in', true, 'after MFA enrolment');
    }
    return { recoveryCodes: codes, token };
  });
}

export async function recordSignOut(
  conn: SqlConnection,
  active: ActiveSession,
  meta: SignInMeta,
  reason: string
): Promise<void> {
  await audit(conn, active.user, active.user.username, meta, 'sign-out', true, reason);
}
