import type { OperationOutcome } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { lockedUntil, mfaErrorMessage, signInErrorMessage } from '../../web/src/auth/signInErrors.js';
import { FhirError } from '../../web/src/fhir/FhirError.js';

function outcome(
  code: OperationOutcome['issue'][number]['code'],
  diagnostics?: string,
  text?: string
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics, details: text ? { text } : undefined }],
  };
}

const NOW = new Date('2026-11-26T20:00:00Z');

describe('signInErrorMessage', () => {
  it('says "wrong username or password" for a 401, whatever the server wrote', () => {
    expect(
      signInErrorMessage(new FhirError(401, outcome('login', undefined, 'Invalid credentials')), NOW)
    ).toBe('Wrong username or password.');
  });

  it('says until when a locked account is locked (423, time in diagnostics)', () => {
    const error = new FhirError(423, outcome('lock-error', 'locked until 2026-11-26T20:15:00.000Z'));
    expect(signInErrorMessage(error, NOW, 'UTC')).toBe(
      'This account is locked until 8:15 PM after too many wrong passwords. Try again then, or ask a practice administrator to unlock it.'
    );
    const tomorrow = new FhirError(423, outcome('lock-error', '2026-11-27T09:00:00Z'));
    expect(signInErrorMessage(tomorrow, NOW, 'UTC')).toContain('until Nov 27, 9:00 AM');
  });

  it('still says locked when no time is given', () => {
    expect(signInErrorMessage(new FhirError(423, outcome('lock-error')), NOW)).toMatch(
      /^This account is locked after/
    );
  });

  it('says to wait after too many attempts (429)', () => {
    expect(signInErrorMessage(new FhirError(429, outcome('throttled')), NOW)).toMatch(
      /Too many sign-in attempts/
    );
  });

  it('says when the server cannot be reached', () => {
    expect(signInErrorMessage(new FhirError(0, outcome('transient')), NOW)).toMatch(/Cannot reach/);
  });

  it('passes other refusals on in the server words', () => {
    expect(
      signInErrorMessage(new FhirError(403, outcome('forbidden', undefined, 'This account is disabled')), NOW)
    ).toBe('This account is disabled');
  });
});

describe('mfaErrorMessage', () => {
  it('tells a wrong TOTP code from a wrong recovery code (401 naming the field)', () => {
    const wrong = (field: string) =>
      new FhirError(401, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'login', diagnostics: 'the code is wrong', expression: [field] }],
      });
    expect(mfaErrorMessage(wrong('code'), 'code', NOW)).toMatch(/^That code is not right/);
    expect(mfaErrorMessage(wrong('recoveryCode'), 'recovery-code', NOW)).toMatch(
      /^That recovery code is not right/
    );
  });

  it('says the sign-in expired when the 401 names no field (the half-done session is gone)', () => {
    expect(mfaErrorMessage(new FhirError(401, outcome('expired')), 'code', NOW)).toMatch(
      /^This sign-in has expired/
    );
  });
});

describe('lockedUntil', () => {
  it('reads the first ISO instant in diagnostics or text', () => {
    expect(lockedUntil(outcome('lock-error', 'until 2026-11-26T20:15:00Z'))?.toISOString()).toBe(
      '2026-11-26T20:15:00.000Z'
    );
    expect(
      lockedUntil(outcome('lock-error', undefined, 'Locked until 2026-11-26T21:00:00+01:00'))?.toISOString()
    ).toBe('2026-11-26T20:00:00.000Z');
    expect(lockedUntil(outcome('lock-error', 'try later'))).toBeUndefined();
  });
});
