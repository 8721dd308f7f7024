/** Users on the administration screens: locked or not, MFA in words, the edit dialog's PATCH body. Pure. */
import type { AdminUser, UserChange } from './adminApi';

/** Only what changed goes in the PATCH; an empty new password keeps the old one. */
export function userChange(before: AdminUser, after: EditableUser): UserChange {
  const change: UserChange = {};
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (after.displayName.trim() !== before.displayName) change.displayName = after.displayName.trim();
  if (!same(after.roles, before.roles)) change.roles = after.roles;
  if (!same(after.permissions, before.permissions)) change.permissions = after.permissions;
  if (after.status !== before.status) change.status = after.status;
  if (after.mfaRequired !== before.mfaRequired) change.mfaRequired = after.mfaRequired;
  if (after.password) change.password = after.password;
  return change;
}

export interface EditableUser {
  displayName: string;
  roles: string[];
  permissions: string[];
  status: 'active' | 'disabled';
  mfaRequired: boolean;
  password: string;
}

/** Whether an account is locked now (after too many wrong passwords). */
export function isLocked(user: Pick<AdminUser, 'lockedUntil'>, nowMs = Date.now()): boolean {
  if (!user.lockedUntil) return false;
  const until = Date.parse(user.lockedUntil);
  return !Number.isNaN(until) && until > nowMs;
}

/** The MFA column: set up or not, required or not. */
export function mfaText(user: AdminUser): string {
  if (user.mfaEnrolled) return user.mfaRequired ? 'Set up (required)' : 'Set up';
  return user.mfaRequired ? 'Required, not set up yet' : 'Off';
}
