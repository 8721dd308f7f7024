import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { dictionary } from '@zxcvbn-ts/language-common';
import { badRequest } from '../fhir/outcome.js';

const pbkdf2Async = promisify(pbkdf2);

/**
 * PBKDF2-HMAC-SHA-256 with 600,000 iterations (ONC 170.315(d)(12) asks for a FIPS-approved function;
 * OWASP's password storage cheat sheet names this count for PBKDF2-SHA-256). The count travels in the
 * stored hash, so it can be raised later and old hashes still verify.
 */
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await pbkdf2Async(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return `pbkdf2-sha256$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time check of a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 4 || parts[0] !== 'pbkdf2-sha256' || !/^\d{1,8}$/.test(parts[1])) {
    return false;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return false;
  }
  const expected = Buffer.from(parts[3], 'base64');
  const actual = await pbkdf2Async(
    password.normalize('NFKC'),
    Buffer.from(parts[2], 'base64'),
    Number(parts[1]),
    expected.length,
    'sha256'
  );
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A stored hash made once, so an unknown username costs as much time as a wrong password. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('medassist-decoy-password');
  return decoyHash;
}

/** Common breached passwords (the 49,000 most common from @zxcvbn-ts/language-common), lower case. */
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p: string) => p.toLowerCase()));
  return common;
}

/**
 * The password rules (OWASP ASVS 2.1): at least 12 characters, at most 256, not a common breached password
 * (also with digits or punctuation stripped from its ends), not the username, not one repeated character.
 * Throws a 400 naming `field` with the reason.
 */
export function checkPasswordPolicy(password: unknown, username: string, field = 'password'): string {
  if (typeof password !== 'string') {
    throw badRequest('a password is required', field);
  }
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw badRequest(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`, field);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw badRequest(`the password may have at most ${MAX_PASSWORD_LENGTH} characters`, field);
  }
  const lower = password.toLowerCase();
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (commonPasswords().has(lower) || (core.length >= 4 && commonPasswords().has(core))) {
    throw badRequest('this password is on a list of common breached passwords; choose another', field);
  }
  if (username && lower.includes(username.toLowerCase())) {
    throw badRequest('the password may not contain the username', field);
  }
  if (/^(.)\1+$/.test(password)) {
    throw badRequest('the password may not be one character repeated', field);
  }
  return password;
}
