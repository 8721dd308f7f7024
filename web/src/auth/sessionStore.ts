/**
 * What every request needs to know about the session, outside React: the CSRF token, the idle deadline, and
 * who to tell when the server says the session is gone. A tiny in-memory store (like fhir/serverStatus.ts);
 * nothing here is ever written to browser storage.
 *
 * Other tabs of the same browser share the cookie, so they share the session: a BroadcastChannel (a message
 * between tabs, not storage) carries "activity until X" and "signed out", so one tab does not time out
 * while the MA works in another, and signing out in one signs out all.
 */
import { idleDeadline } from './idle';
import type { Session } from './session';

/** Why the session ended: the idle or absolute limit ran out, or it was signed out (here, elsewhere, by an admin). */
export type SessionEnd = 'timed-out' | 'signed-out';

type Listener = () => void;
type EndListener = (reason: SessionEnd) => void;

interface Clock {
  csrfToken: string | undefined;
  idleTimeoutSeconds: number;
  absoluteExpiresAtMs: number | undefined;
  /** Local milliseconds; undefined while signed out. */
  deadlineMs: number | undefined;
}

let clock: Clock = {
  csrfToken: undefined,
  idleTimeoutSeconds: 0,
  absoluteExpiresAtMs: undefined,
  deadlineMs: undefined,
};
/** Bumped at every sign-in and sign-out: a late answer to a request of an older session changes nothing. */
let generation = 0;
const listeners = new Set<Listener>();
const endListeners = new Set<EndListener>();

type TabMessage = { type: 'activity'; deadlineMs: number } | { type: 'signed-out' } | { type: 'signed-in' };
const channel: BroadcastChannel | undefined =
  typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('medassist-session');
const signedInListeners = new Set<Listener>();

channel?.addEventListener('message', (event: MessageEvent<TabMessage>) => {
  const message = event.data;
  if (message.type === 'activity') {
    if (clock.deadlineMs !== undefined && message.deadlineMs > clock.deadlineMs)
      setDeadline(message.deadlineMs);
  } else if (message.type === 'signed-out') {
    if (clock.deadlineMs !== undefined) reportSessionEnded('signed-out', generation, false);
  } else {
    for (const listener of signedInListeners) listener();
  }
});

function notify(): void {
  for (const listener of listeners) listener();
}

function setDeadline(deadlineMs: number): void {
  if (deadlineMs === clock.deadlineMs) return;
  clock = { ...clock, deadlineMs };
  notify();
}

/**
 * A session to send requests with: its CSRF token now (sign-in stages `mfa` and `enrol` need it too);
 * the idle clock starts when `signedIn` (the server refuses everything else until then).
 */
export function adoptSession(session: Session, requestStartedMs: number, signedIn: boolean): void {
  generation += 1;
  const absolute = Date.parse(session.absoluteExpiresAt);
  clock = {
    csrfToken: session.csrfToken,
    idleTimeoutSeconds: session.idleTimeoutSeconds,
    absoluteExpiresAtMs: Number.isNaN(absolute) ? undefined : absolute,
    deadlineMs: signedIn
      ? idleDeadline(
          requestStartedMs,
          session.idleTimeoutSeconds,
          Number.isNaN(absolute) ? undefined : absolute
        )
      : undefined,
  };
  notify();
  if (signedIn) channel?.postMessage({ type: 'signed-in' } satisfies TabMessage);
}

/** Forgets the session (signed out or timed out); other tabs are told. */
export function forgetSession(tellOtherTabs: boolean): void {
  generation += 1;
  const wasSignedIn = clock.deadlineMs !== undefined;
  clock = {
    csrfToken: undefined,
    idleTimeoutSeconds: 0,
    absoluteExpiresAtMs: undefined,
    deadlineMs: undefined,
  };
  notify();
  if (tellOtherTabs && wasSignedIn) channel?.postMessage({ type: 'signed-out' } satisfies TabMessage);
}

/** The token for the `x-csrf-token` header, if a session is known. */
export function csrfToken(): string | undefined {
  return clock.csrfToken;
}

/** Which session a request belongs to, taken when it starts. */
export function sessionGeneration(): number {
  return generation;
}

/** A request that started at `startedMs` was answered: the server counted it as activity. */
export function noteActivity(startedMs: number, requestGeneration: number): void {
  if (requestGeneration !== generation || clock.deadlineMs === undefined) return;
  const deadline = idleDeadline(startedMs, clock.idleTimeoutSeconds, clock.absoluteExpiresAtMs);
  if (deadline <= clock.deadlineMs) return;
  setDeadline(deadline);
  channel?.postMessage({ type: 'activity', deadlineMs: deadline } satisfies TabMessage);
}

/** The idle deadline (local milliseconds), or undefined while not signed in. */
export function idleDeadlineMs(): number | undefined {
  return clock.deadlineMs;
}

/** Whether the deadline is the absolute (12-hour) limit, which "stay signed in" cannot move. */
export function atAbsoluteLimit(): boolean {
  return clock.absoluteExpiresAtMs !== undefined && clock.deadlineMs === clock.absoluteExpiresAtMs;
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The server refused a request of session `requestGeneration` with 401 (or the clock ran out): tells the
 * auth layer once. Refusals of an older session's requests are ignored.
 */
export function reportSessionEnded(
  reason: SessionEnd,
  requestGeneration: number,
  tellOtherTabs = true
): void {
  // Only a session still known ends: a request sent after the end (or by an older session) changes nothing.
  if (requestGeneration !== generation || clock.csrfToken === undefined) return;
  forgetSession(tellOtherTabs);
  for (const listener of endListeners) listener(reason);
}

export function onSessionEnded(listener: EndListener): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}

/** Another tab signed in: a tab showing the sign-in screen can pick the session up. */
export function onOtherTabSignedIn(listener: Listener): () => void {
  signedInListeners.add(listener);
  return () => signedInListeners.delete(listener);
}
