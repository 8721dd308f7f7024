import { describe, expect, it } from 'vitest';
import { announceAt, idleCountdown, idleDeadline, WARNING_SECONDS } from '../../web/src/auth/idle.js';

const T0 = Date.UTC(2026, 10, 26, 20, 0, 0);

describe('idleDeadline', () => {
  it('is the idle time-out after the last activity', () => {
    expect(idleDeadline(T0, 900)).toBe(T0 + 900_000);
  });

  it('never passes the absolute limit', () => {
    expect(idleDeadline(T0, 900, T0 + 60_000)).toBe(T0 + 60_000);
    expect(idleDeadline(T0, 900, T0 + 3_600_000)).toBe(T0 + 900_000);
    expect(idleDeadline(T0, 900, Number.NaN)).toBe(T0 + 900_000);
  });
});

describe('idleCountdown', () => {
  const deadline = T0 + 900_000;

  it('is quiet until a minute before the deadline', () => {
    expect(idleCountdown(T0, deadline)).toEqual({ phase: 'active', secondsLeft: 900 });
    expect(idleCountdown(deadline - 60_001, deadline)).toEqual({ phase: 'active', secondsLeft: 61 });
  });

  it('warns for the last 60 seconds, counting whole seconds up', () => {
    expect(idleCountdown(deadline - 60_000, deadline)).toEqual({ phase: 'warning', secondsLeft: 60 });
    expect(idleCountdown(deadline - 59_500, deadline)).toEqual({ phase: 'warning', secondsLeft: 60 });
    expect(idleCountdown(deadline - 1, deadline)).toEqual({ phase: 'warning', secondsLeft: 1 });
  });

  it('has expired at the deadline and after it', () => {
    expect(idleCountdown(deadline, deadline)).toEqual({ phase: 'expired', secondsLeft: 0 });
    expect(idleCountdown(deadline + 5_000, deadline)).toEqual({ phase: 'expired', secondsLeft: 0 });
  });

  it('warns at once when less than a minute is left from the start', () => {
    expect(idleCountdown(T0, T0 + 30_000).phase).toBe('warning');
  });
});

describe('announceAt', () => {
  it('speaks at the start of the warning and a few times after, not every second', () => {
    const spoken = Array.from({ length: WARNING_SECONDS }, (_, i) => WARNING_SECONDS - i).filter((s) =>
      announceAt(s)
    );
    expect(spoken).toEqual([60, 30, 10, 5]);
  });
});
