import { describe, expect, it } from 'vitest';
import { localToday } from '../../web/src/registration/registrationApi';

describe('the desk date', () => {
  it("is the desk's local calendar date, late in the evening too (not UTC's)", () => {
    // 23:30 local on 3 February is 3 February at the desk, whatever UTC's date is then.
    expect(localToday(new Date(2026, 1, 3, 23, 30))).toBe('2026-02-03');
    expect(localToday(new Date(2026, 11, 31, 0, 5))).toBe('2026-12-31');
  });
});
