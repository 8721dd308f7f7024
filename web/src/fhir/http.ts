/**
 * The one way the web app talks to the server (FHIR, sign-in, administration): same-origin fetch with the
 * session cookie, the CSRF header on every request that changes something, and one reading of the answer.
 *
 * - A non-2xx answer becomes a FhirError holding the status and the server's OperationOutcome.
 * - No answer at all marks the server unreachable (serverStatus.ts).
 * - Any answer to a signed-in request counts as activity, as it does on the server: the idle clock restarts.
 * - A 401 means the session is gone (code "expired": timed out; "login": signed out); the auth layer is
 *   told, and shows the sign-in screen. Sign-in's own requests opt out: their 401 is a wrong password.
 */
import type { OperationOutcome, Resource } from '@medplum/fhirtypes';
import { csrfToken, noteActivity, reportSessionEnded, sessionGeneration } from '../auth/sessionStore';
import { FhirError } from './FhirError';
import { setServerReachable } from './serverStatus';

/** Methods that change something: the server wants `x-csrf-token` on them (docs/security/auth-api.md). */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SendOptions {
  /**
   * False for requests whose 401 is an answer rather than a lost session: sign-in (wrong password), the
   * second factor (wrong code), and the first GET /auth/session (not signed in yet). Default true.
   */
  sessionRequired?: boolean;
}

function outcomeOf(code: OperationOutcome['issue'][number]['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

function isOutcome(body: unknown): body is OperationOutcome {
  return typeof body === 'object' && body !== null && (body as Resource).resourceType === 'OperationOutcome';
}

function unreachable(): FhirError {
  return new FhirError(0, outcomeOf('transient', 'Cannot reach the medassist server'));
}

/** Sends a request and returns the 2xx Response; throws FhirError otherwise (see the module comment). */
export async function send(url: string, init: RequestInit, options: SendOptions = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  const token = csrfToken();
  // A caller may name the token itself (sign-out retried after the session was forgotten here).
  if (UNSAFE_METHODS.has(method) && token && !headers.has('x-csrf-token')) headers.set('x-csrf-token', token);
  const generation = sessionGeneration();
  const startedMs = Date.now();

  let response: Response;
  try {
    response = await fetch(url, { ...init, method, headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (error) {
    // A cancelled request (a newer search replaced it) is not an outage.
    if (init.signal?.aborted) throw error;
    setServerReachable(false);
    throw unreachable();
  }
  if (response.ok) {
    setServerReachable(true);
    noteActivity(startedMs, generation);
    return response;
  }

  const body: unknown = await response.json().catch(() => undefined);
  // medassist answers every error with an OperationOutcome; a 5xx without one came from a proxy (or
  // the dev server) in front of a medassist that is down.
  if (response.status >= 500 && !isOutcome(body)) {
    setServerReachable(false);
    throw unreachable();
  }
  setServerReachable(true);
  const outcome = isOutcome(body) ? body : outcomeOf('exception', `The server answered ${response.status}`);
  if (response.status === 401) {
    if (options.sessionRequired !== false) {
      const expired = outcome.issue?.some((issue) => issue.code === 'expired') ?? false;
      reportSessionEnded(expired ? 'timed-out' : 'signed-out', generation);
    }
  } else {
    // Refused or invalid, but authenticated: the server counted it as activity.
    noteActivity(startedMs, generation);
  }
  throw new FhirError(response.status, outcome);
}

/** Sends a request and reads its JSON answer (undefined for an empty one, such as a 204). */
export async function sendJson<T>(url: string, init: RequestInit, options?: SendOptions): Promise<T> {
  const response = await send(url, init, options);
  const text = await response.text();
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new FhirError(
      response.status,
      outcomeOf('exception', 'The server answered with something that is not JSON')
    );
  }
}

/** A JSON request body with its content type. */
export function jsonBody(body: unknown): Pick<RequestInit, 'body' | 'headers'> {
  return {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
  };
}
