import { describe, expect, it } from 'vitest';
import type { AdminUser } from '../../web/src/admin/adminApi.js';
import { isLocked, mfaText, userChange, type EditableUser } from '../../web/src/admin/users.js';

const MA: AdminUser = {
  id: 'u-ma',
  username: 'ma',
  displayName: 'Maria Alvarez, MA',
  roles: ['medical-assistant'],
  permissions: [],
  status: 'active',
  mfaEnrolled: false,
  mfaRequired: false,
  lockedUntil: null,
};

const unchanged: EditableUser = {
  displayName: MA.displayName,
  roles: ['medical-assistant'],
  permissions: [],
  status: 'active',
  mfaRequired: false,
  password: '',
};

describe('userChange', () => {
  it('is empty when nothing changed (an empty password keeps the old one)', () => {
    expect(userChange(MA, unchanged)).toEqual({});
    expect(userChange(MA, { ...unchanged, displayName: ' Maria Alvarez, MA ' })).toEqual({});
  });

  it('holds only what changed', () => {
    expect(
      userChange(MA, {
        ...unchanged,
        roles: ['lead-ma'],
        permissions: ['emergency-access'],
        status: 'disabled',
      })
    ).toEqual({ roles: ['lead-ma'], permissions: ['emergency-access'], status: 'disabled' });
    expect(userChange(MA, { ...unchanged, password: 'new-passphrase-2026', mfaRequired: true })).toEqual({
      password: 'new-passphrase-2026',
      mfaRequired: true,
    });
  });

  it('ignores the order of roles', () => {
    const two = { ...MA, roles: ['provider', 'lead-ma'] };
    expect(userChange(two, { ...unchanged, roles: ['lead-ma', 'provider'] })).toEqual({});
  });
});

describe('isLocked and mfaText', () => {
  const now = Date.parse('2026-11-26T20:00:00Z');
  it('is locked only until the time given', () => {
    expect(isLocked({ lockedUntil: '2026-11-26T20:15:00Z' }, now)).toBe(true);
    expect(isLocked({ lockedUntil: '2026-11-26T19:59:00Z' }, now)).toBe(false);
    expect(isLocked({ lockedUntil: null }, now)).toBe(false);
  });

  it('says whether MFA is set up and required', () => {
    expect(mfaText(MA)).toBe('Off');
    expect(mfaText({ ...MA, mfaRequired: true })).toBe('Required, not set up yet');
    expect(mfaText({ ...MA, mfaRequired: true, mfaEnrolled: true })).toBe('Set up (required)');
  });
});
