/**
 * What the sign-in screens say when the server refuses (docs/security/auth-api.md: 401 wrong username or
 * password, 423 locked with the time in `diagnostics`, 429 too many attempts). Decided by the HTTP status,
 * never by the message text. Pure: no I/O, no DOM.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/FhirError';
import { issueText } from '../fhir/outcome';

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/;

/** The first ISO instant in the outcome's diagnostics or text ("locked until 2026-11-26T20:15:00Z"). */
export function lockedUntil(outcome: OperationOutcome): Date | undefined {
  for (const issue of outcome.issue ?? []) {
    for (const text of [issue.diagnostics, issue.details?.text]) {
      const match = text ? ISO_INSTANT.exec(text) : null;
      const when = match ? new Date(match[0]) : undefined;
      if (when && !Number.isNaN(when.getTime())) return when;
    }
  }
  return undefined;
}

/** "3:45 PM" today, "Nov 27, 3:45 PM" on another day. */
export function formatUntil(when: Date, now: Date, timeZone?: string): string {
  const sameDay =
    when.toLocaleDateString('en-CA', { timeZone }) === now.toLocaleDateString('en-CA', { timeZone });
  return when.toLocaleString(
    'en-US',
    sameDay
      ? { hour: 'numeric', minute: '2-digit', timeZone }
      : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone }
  );
}

function common(error: unknown, now: Date, timeZone?: string): string | undefined {
  if (!(error instanceof FhirError)) return 'Something went wrong. Try again.';
  if (error.unreachable) return 'Cannot reach the medassist server. Check the network, then try again.';
  switch (error.status) {
    case 423: {
      const until = lockedUntil(error.outcome);
      return until
        ? `This account is locked until ${formatUntil(until, now, timeZone)} after too many wrong passwords. Try again then, or ask a practice administrator to unlock it.`
        : 'This account is locked after too many wrong passwords. Ask a practice administrator to unlock it.';
    }
    case 429:
      return 'Too many sign-in attempts from this computer. Wait a few minutes, then try again.';
    default:
      return undefined;
  }
}

function serverText(error: FhirError): string {
  const first = error.outcome.issue?.[0];
  return first ? issueText(first) : error.message;
}

/** The message for a refused username and password. */
export function signInErrorMessage(error: unknown, now = new Date(), timeZone?: string): string {
  const message = common(error, now, timeZone);
  if (message) return message;
  const fhirError = error as FhirError;
  if (fhirError.status === 401) return 'Wrong username or password.';
  return serverText(fhirError);
}

/** The message for a refused second-factor code (TOTP or recovery code). */
export function mfaErrorMessage(
  error: unknown,
  kind: 'code' | 'recovery-code',
  now = new Date(),
  timeZone?: string
): string {
  const message = common(error, now, timeZone);
  if (message) return message;
  const fhirError = error as FhirError;
  // A wrong code names its field (code / recoveryCode); a 401 naming nothing is the half-done sign-in
  // itself gone (timed out, ended).
  const namesField = (fhirError.outcome.issue ?? []).some((issue) => (issue.expression ?? []).length > 0);
  if (fhirError.status === 401 && !namesField) {
    return 'This sign-in has expired. Choose “Start over” and type your password again.';
  }
  if (fhirError.status === 401 || fhirError.status === 400) {
    return kind === 'code'
      ? 'That code is not right. Type the 6 digits your authenticator app shows now.'
      : 'That recovery code is not right, or it was used already.';
  }
  return serverText(fhirError);
}
