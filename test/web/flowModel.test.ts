import { describe, expect, it } from 'vitest';
import {
  canLeaveWithoutBeingSeen,
  formatMinutes,
  minutesSince,
  nextStep,
  waitLevel,
  wallName,
} from '../../web/src/flow/flowModel.js';
import { reconnectDelay } from '../../web/src/flow/useFlowStream.js';

describe('the next step a row offers', () => {
  it('follows the visit from check-in to check-out', () => {
    // The journey of issue 5: scheduled -> check in -> room -> ready for provider -> with provider ->
    // ready for check-out -> check out.
    expect(nextStep('scheduled')).toEqual({ kind: 'check-in', label: 'Check in' });
    expect(nextStep('arrived')?.kind).toBe('room');
    expect(nextStep('waiting')?.kind).toBe('room');
    expect(nextStep('roomed')).toMatchObject({ kind: 'status', to: 'ready-for-provider' });
    expect(nextStep('ready-for-provider')).toMatchObject({ kind: 'status', to: 'with-provider' });
    expect(nextStep('with-provider')).toEqual({ kind: 'ready-for-checkout', label: 'Ready for check-out' });
    expect(nextStep('ready-for-checkout')).toEqual({ kind: 'check-out', label: 'Check out' });
  });

  it('offers nothing once the visit is over', () => {
    for (const status of ['checked-out', 'no-show', 'left-without-being-seen', 'nonsense']) {
      expect(nextStep(status), status).toBeUndefined();
    }
  });

  it('offers "left without being seen" only between arrival and the provider', () => {
    expect(canLeaveWithoutBeingSeen('scheduled')).toBe(false);
    expect(canLeaveWithoutBeingSeen('waiting')).toBe(true);
    expect(canLeaveWithoutBeingSeen('ready-for-provider')).toBe(true);
    expect(canLeaveWithoutBeingSeen('with-provider')).toBe(false);
    expect(canLeaveWithoutBeingSeen('checked-out')).toBe(false);
  });
});

describe('time in status', () => {
  const since = '2026-11-27T15:00:00.000Z';
  const at = (iso: string) => Date.parse(iso);

  it('counts whole minutes', () => {
    expect(minutesSince(since, at('2026-11-27T15:00:59.999Z'))).toBe(0);
    expect(minutesSince(since, at('2026-11-27T15:01:00.000Z'))).toBe(1);
    expect(minutesSince(since, at('2026-11-27T16:05:30.000Z'))).toBe(65);
  });

  it('is 0 for no time, an unreadable time or one in the future (a skewed clock)', () => {
    expect(minutesSince(undefined, at(since))).toBe(0);
    expect(minutesSince('soon', at(since))).toBe(0);
    expect(minutesSince(since, at('2026-11-27T14:58:00.000Z'))).toBe(0);
  });

  it('reads as minutes, then hours and minutes', () => {
    expect(formatMinutes(0)).toBe('0 min');
    expect(formatMinutes(59)).toBe('59 min');
    expect(formatMinutes(60)).toBe('1 h 00 min');
    expect(formatMinutes(125)).toBe('2 h 05 min');
  });
});

describe('amber and red rows', () => {
  const thresholds = { waiting: { amber: 15, red: 30 } };

  it('turns amber at the amber minute and red at the red minute', () => {
    expect(waitLevel('waiting', 14, thresholds)).toBe('ok');
    expect(waitLevel('waiting', 15, thresholds)).toBe('amber');
    expect(waitLevel('waiting', 29, thresholds)).toBe('amber');
    expect(waitLevel('waiting', 30, thresholds)).toBe('red');
  });

  it('never flags a status without thresholds, or a finished visit', () => {
    expect(waitLevel('roomed', 500, thresholds)).toBe('ok');
    expect(waitLevel('checked-out', 500, { 'checked-out': { amber: 1, red: 2 } })).toBe('ok');
  });
});

describe('names on the wall display', () => {
  it('shows the first name and the initial of the last', () => {
    expect(wallName('María Hernández')).toBe('María H.');
    expect(wallName('Ana Sofía García-López')).toBe('Ana G.');
    expect(wallName('Hernández, María José')).toBe('María H.');
    expect(wallName('Ölaf ørsted')).toBe('Ölaf Ø.');
  });

  it('never shows more than it has', () => {
    expect(wallName('Cher')).toBe('Cher');
    expect(wallName('')).toBe('Patient');
    expect(wallName(undefined)).toBe('Patient');
    expect(wallName('   ')).toBe('Patient');
  });
});

describe('reconnecting the stream', () => {
  it('waits 1 s, then doubles, up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
