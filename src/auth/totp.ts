import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s), what authenticator apps speak. A code
 * is accepted one step either side of now (clock drift) and only once: the last accepted step is stored.
 */
const PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label: string, issuer: string): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

export function otpauthUri(secret: string, username: string, issuer: string): string {
  return totp(secret, username, issuer).toString();
}

/**
 * The time step of a valid code, or null. `lastStep` is the step last accepted for this user: a code from
 * that step or an earlier one is refused (replay).
 */
export function verifyTotp(
  secret: string,
  code: string,
  lastStep: number | null,
  now = Date.now()
): number | null {
  if (!/^\d{6}$/.test(code)) {
    return null;
  }
  const delta = totp(secret, 'x', 'medassist').validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) {
    return null;
  }
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) {
    return null;
  }
  return step;
}

/** The code an authenticator app shows now (tests and the demo use it). */
export function totpCode(secret: string, now = Date.now()): string {
  return totp(secret, 'x', 'medassist').generate({ timestamp: now });
}

/** Ten one-time recovery codes, xxxx-xxxx-xxxx, and their SHA-256 hashes (only the hashes are stored). */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const hex = randomBytes(6).toString('hex');
    return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.trim().toLowerCase()).digest('hex');
}
