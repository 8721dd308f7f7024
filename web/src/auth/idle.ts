/**
 * The idle time-out clock (ONC 170.315(d)(5) automatic access time-out), as pure arithmetic: the server ends a
 * session idle for `idleTimeoutSeconds`; the app counts the same time from the start of the last request it
 * made (every authenticated request counts as activity), warns a minute before, and signs out at zero.
 */

/** How long before the time-out the warning shows. */
export const WARNING_SECONDS = 60;

export type IdlePhase = 'active' | 'warning' | 'expired';

export interface IdleCountdown {
  phase: IdlePhase;
  /** Whole seconds left, rounded up (so the warning counts 60, 59, ... 1), never negative. */
  secondsLeft: number;
}

/**
 * When this browser's session ends if nothing else happens: `idleTimeoutSeconds` after the last activity,
 * but never after the absolute limit. The activity time is when the request *started*, which is no later
 * than when the server saw it: the app's clock runs out first, never after the server's.
 */
export function idleDeadline(
  lastActivityMs: number,
  idleTimeoutSeconds: number,
  absoluteExpiresAtMs?: number
): number {
  const idle = lastActivityMs + idleTimeoutSeconds * 1000;
  return absoluteExpiresAtMs !== undefined && Number.isFinite(absoluteExpiresAtMs)
    ? Math.min(idle, absoluteExpiresAtMs)
    : idle;
}

/** Where the countdown is at `nowMs`. */
export function idleCountdown(
  nowMs: number,
  deadlineMs: number,
  warningSeconds = WARNING_SECONDS
): IdleCountdown {
  const left = deadlineMs - nowMs;
  if (left <= 0) return { phase: 'expired', secondsLeft: 0 };
  const secondsLeft = Math.ceil(left / 1000);
  return { phase: secondsLeft <= warningSeconds ? 'warning' : 'active', secondsLeft };
}

/** Whether a screen reader should hear the countdown now: at the start, then at 30, 10 and 5 seconds. */
export function announceAt(secondsLeft: number, warningSeconds = WARNING_SECONDS): boolean {
  return secondsLeft === warningSeconds || secondsLeft === 30 || secondsLeft === 10 || secondsLeft === 5;
}
