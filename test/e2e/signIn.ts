/**
 * Signing in through the web app's sign-in screen, for the end-to-end tests: the demo users (one password for
 * all), the screen's fields, and the practice admin's second factor (MFA enrolment the first time, TOTP codes
 * after) computed with `otpauth` as an authenticator app would.
 *
 * The e2e server lives for the whole run, shared by every test file, so the admin's MFA secret, set at the
 * first enrolment, is kept in a small file named after the server's port for the files after it.
 *
 * Tests whose subject is not sign-in itself reuse one session per user and file (`useSessionOf`): faster (an
 * admin sign-in may wait up to 30 s for a fresh TOTP step), and well inside the server's limit on failed
 * sign-ins per address (every test runs from 127.0.0.1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD, ORIGIN, SESSION_COOKIE, apiSignIn, expectAccessible, searchBox } from './helpers.js';

export const DEMO_USERS = {
  frontDesk: 'frontdesk',
  ma: 'ma',
  leadMa: 'leadma',
  provider: 'provider',
  biller: 'biller',
  admin: 'admin',
} as const;

// ---------- the sign-in screen's contract ----------

export function usernameField(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Username' });
}

export function passwordField(page: Page): Locator {
  // The label reads "Password *" (required); the show-password button's name also holds "password".
  return page.getByLabel(/^Password/);
}

export function signInButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Sign in', exact: true });
}

/** The second-factor code field (MFA verification). */
export function mfaCodeField(page: Page): Locator {
  return page.getByRole('textbox', { name: '6-digit code', exact: true });
}

/** The first-code field of MFA enrolment. */
export function enrolCodeField(page: Page): Locator {
  return page.getByRole('textbox', { name: '6-digit code from the app' });
}

/** The user menu in the top bar (its name starts with the user's display name). */
export function userMenu(page: Page): Locator {
  return page.getByRole('button', { name: /account menu/ });
}

/** Opens `path` (default `/`), which shows the sign-in screen while signed out, and waits for it. */
export async function openSignIn(page: Page, pathname = '/'): Promise<void> {
  await page.goto(pathname);
  await usernameField(page).waitFor({ state: 'visible', timeout: 15_000 });
}

/** Types a username and password and presses "Sign in". */
export async function submitPassword(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await usernameField(page).fill(username);
  await passwordField(page).fill(password);
  await signInButton(page).click();
}

/** Signs in a user without MFA from the sign-in screen at `path` and waits for the app (its search box). */
export async function signIn(page: Page, username: string, pathname = '/'): Promise<void> {
  await openSignIn(page, pathname);
  await submitPassword(page, username);
  await searchBox(page).waitFor({ state: 'visible', timeout: 15_000 });
}

/** Signs out with the user menu and waits for the sign-in screen. */
export async function signOut(page: Page): Promise<void> {
  await userMenu(page).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await usernameField(page).waitFor({ state: 'visible', timeout: 10_000 });
}

// ---------- TOTP (RFC 6238: SHA-1, 6 digits, 30 s), as an authenticator app ----------

const PERIOD_MS = 30_000;

export function totpCode(secret: string, at = Date.now()): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({
    timestamp: at,
  });
}

interface AdminMfa {
  secret: string;
  /** The last 30-second step a code was used in: the server takes each code once. */
  lastStep: number;
}

const stateFile = (): string =>
  path.join(os.tmpdir(), `medassist-e2e-admin-mfa-${new URL(ORIGIN).port}.json`);

function readMfa(): AdminMfa | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as AdminMfa;
  } catch {
    return undefined;
  }
}

function writeMfa(mfa: AdminMfa): void {
  fs.writeFileSync(stateFile(), JSON.stringify(mfa));
}

/** A code from a step no earlier code used (waits for the next step when needed). */
async function freshCode(mfa: AdminMfa): Promise<{ code: string; step: number }> {
  let now = Date.now();
  if (Math.floor(now / PERIOD_MS) <= mfa.lastStep) {
    const next = (mfa.lastStep + 1) * PERIOD_MS;
    await new Promise((resolve) => setTimeout(resolve, next - now + 200));
    now = Date.now();
  }
  return { code: totpCode(mfa.secret, now), step: Math.floor(now / PERIOD_MS) };
}

/** Reads the MFA secret the enrolment step shows as text (in groups of four). */
export async function enrolmentSecret(page: Page): Promise<string> {
  const text = await page.getByTestId('mfa-secret').innerText();
  return text.replace(/\s/g, '');
}

/**
 * Enrols MFA on the enrolment step now on screen: reads the secret, confirms a code, and returns the
 * recovery codes shown once (the caller presses "I have saved them").
 */
export async function completeEnrolment(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await enrolCodeField(page).waitFor({ state: 'visible', timeout: 15_000 });
  // What an authenticator app needs: the QR code, and the key as text for typing in by hand.
  await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor({ state: 'visible' });
  const secret = await enrolmentSecret(page);
  expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
  const { code, step } = await freshCode({ secret, lastStep: -1 });
  await enrolCodeField(page).fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor({ state: 'visible', timeout: 10_000 });
  writeMfa({ secret, lastStep: step });
  const recoveryCodes = (await list.getByRole('listitem').allInnerTexts()).map((t) => t.trim());
  expect(recoveryCodes).toHaveLength(10);
  await expectAccessible(page, 'the recovery codes');
  return { secret, recoveryCodes };
}

/**
 * Signs in as the practice admin, whose MFA is required: enrols on the first sign-in of the run, and types a
 * fresh TOTP code after that. Waits for the app.
 */
export async function signInAsAdmin(page: Page, pathname = '/'): Promise<void> {
  await openSignIn(page, pathname);
  await submitPassword(page, DEMO_USERS.admin);
  await enrolCodeField(page).or(mfaCodeField(page)).waitFor({ state: 'visible', timeout: 15_000 });
  if (await enrolCodeField(page).isVisible()) {
    await completeEnrolment(page);
    await page.getByRole('button', { name: 'I have saved them' }).click();
  } else {
    const mfa = readMfa();
    if (!mfa)
      throw new Error('the admin has MFA set up, but no test of this run enrolled it (no secret known)');
    const { code, step } = await freshCode(mfa);
    await mfaCodeField(page).fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    writeMfa({ ...mfa, lastStep: step });
  }
  await searchBox(page).waitFor({ state: 'visible', timeout: 15_000 });
}

// ---------- sessions reused across the tests of a file ----------

const sessions = new Map<string, Promise<string>>();

async function adminSession(context: BrowserContext): Promise<string> {
  // Through the screens: the first admin sign-in of the run is the MFA enrolment, and it should be seen.
  const page = await context.newPage();
  try {
    await signInAsAdmin(page);
    const cookie = (await context.cookies(ORIGIN)).find((c) => c.name === SESSION_COOKIE);
    if (!cookie) throw new Error('no session cookie after the admin signed in');
    return cookie.value;
  } finally {
    await page.close();
  }
}

/**
 * Gives `context` a signed-in session of `username`, the same for every test of the file that asks (one
 * sign-in per user and file). Tests that sign out, time out or end sessions must sign in on their own.
 */
export async function useSessionOf(context: BrowserContext, username: string): Promise<void> {
  let session = sessions.get(username);
  if (!session) {
    session = username === DEMO_USERS.admin ? adminSession(context) : apiSignIn(username);
    sessions.set(username, session);
    session.catch(() => sessions.delete(username));
  }
  await context.addCookies([sessionCookie(await session)]);
}

/**
 * The session cookie as the server sets it, for `context.addCookies`. (Chromium takes a `__Host-` cookie
 * given a domain and path, not a `url` on http: 127.0.0.1 counts as a secure origin.)
 */
export function sessionCookie(value: string) {
  return {
    name: SESSION_COOKIE,
    value,
    domain: new URL(ORIGIN).hostname,
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'Strict' as const,
  };
}

/** Opens `path` with the shared session of `username` and waits for the app. */
export async function openAs(page: Page, username: string, pathname = '/'): Promise<void> {
  await useSessionOf(page.context(), username);
  await page.goto(pathname);
  await searchBox(page).waitFor({ state: 'visible', timeout: 15_000 });
}
