/**
 * The server's sign-in and session endpoints (docs/security/auth-api.md, "Browser sessions"), typed.
 * Every call goes through fhir/http.ts: the CSRF header, errors as FhirError, 401 handling.
 */
import { FhirError } from '../fhir/FhirError';
import { jsonBody, sendJson } from '../fhir/http';
import type { Session, SessionAnswer } from './session';

/** Sign-in's own 401s (wrong password, wrong code) are answers, not a lost session. */
const ANSWERS_401 = { sessionRequired: false } as const;

export function signIn(username: string, password: string): Promise<SessionAnswer> {
  return sendJson('/auth/sign-in', { method: 'POST', ...jsonBody({ username, password }) }, ANSWERS_401);
}

/** The second factor: a 6-digit TOTP code, or one of the recovery codes. */
export function verifyMfa(proof: { code: string } | { recoveryCode: string }): Promise<SessionAnswer> {
  return sendJson('/auth/mfa/verify', { method: 'POST', ...jsonBody(proof) }, ANSWERS_401);
}

export interface Enrolment {
  /** Base32 TOTP secret, for typing into an authenticator app by hand. */
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as a QR code, an SVG document. */
  qrSvg: string;
}

export function startEnrolment(): Promise<Enrolment> {
  return sendJson('/auth/mfa/enrol', { method: 'POST', ...jsonBody({}) }, ANSWERS_401);
}

export interface EnrolmentConfirmed extends SessionAnswer {
  recoveryCodes: string[];
}

export function confirmEnrolment(code: string): Promise<EnrolmentConfirmed> {
  return sendJson('/auth/mfa/enrol/confirm', { method: 'POST', ...jsonBody({ code }) }, ANSWERS_401);
}

/** The current session, or a 401 FhirError when there is none (not reported as a lost session). */
export function fetchSession(): Promise<SessionAnswer> {
  return sendJson('/auth/session', { method: 'GET', headers: { accept: 'application/json' } }, ANSWERS_401);
}

/**
 * Ends the session on the server. `csrf` is the session's token, taken before the app forgot the session.
 * A 401 means it had already ended (timed out, ended elsewhere): that is success too.
 */
export async function signOut(csrf: string | undefined): Promise<void> {
  const body = jsonBody({});
  try {
    await sendJson(
      '/auth/sign-out',
      {
        method: 'POST',
        body: body.body,
        headers: { ...body.headers, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      },
      ANSWERS_401
    );
  } catch (error) {
    if (error instanceof FhirError && error.status === 401) return;
    throw error;
  }
}

const SIGN_OUT_RETRIES_MS = [1000, 3000, 8000];

/**
 * Sign-out that does not give up at the first network failure: a session left open on the server would
 * open again at the next page load. Resolves false when the server could not be told.
 */
export async function signOutWithRetries(csrf: string | undefined): Promise<boolean> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await signOut(csrf);
      return true;
    } catch (error) {
      const retry = error instanceof FhirError && (error.unreachable || error.status >= 500);
      const delay = SIGN_OUT_RETRIES_MS[attempt];
      if (!retry || delay === undefined) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function keepAlive(): Promise<{ session: Session }> {
  return sendJson('/auth/keep-alive', { method: 'POST', ...jsonBody({}) });
}

export interface ActiveSession {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  address?: string;
  userAgent?: string;
  current: boolean;
}

export async function listSessions(signal?: AbortSignal): Promise<ActiveSession[]> {
  const answer = await sendJson<{ sessions: ActiveSession[] }>('/auth/sessions', {
    method: 'GET',
    headers: { accept: 'application/json' },
    signal,
  });
  return answer.sessions;
}

export async function endSession(id: string): Promise<void> {
  await sendJson(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export interface EmergencyGrant {
  patientId: string;
  expiresAt: string;
}

/** Break-glass access to one restricted chart (ONC 170.315(d)(6)); the reason is recorded and reported. */
export function requestEmergencyAccess(patientId: string, reason: string): Promise<EmergencyGrant> {
  return sendJson('/auth/emergency-access', { method: 'POST', ...jsonBody({ patientId, reason }) });
}
