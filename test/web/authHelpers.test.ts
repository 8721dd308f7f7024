import { describe, expect, it } from 'vitest';
import { groupSecret, svgDataUrl } from '../../web/src/auth/enrolment.js';
import { abilities, roleLabel, type Session } from '../../web/src/auth/session.js';
import { describeBrowser } from '../../web/src/auth/userAgent.js';
import { FhirError } from '../../web/src/fhir/FhirError.js';
import { emergencyReasonProblem, isRestrictedChart } from '../../web/src/patient/emergencyAccess.js';

function session(roles: string[], permissions: string[] = []): Session {
  return {
    user: { id: 'u', username: 'u', displayName: 'U', roles, permissions, mfaEnrolled: false },
    practice: { id: 'demo', name: 'Demo' },
    csrfToken: 't',
    idleTimeoutSeconds: 900,
    idleExpiresAt: '2026-11-26T20:15:00.000Z',
    absoluteExpiresAt: '2026-11-27T08:00:00.000Z',
  };
}

describe('abilities', () => {
  it('gives administration to the practice admin only; the audit log also to the privacy officer', () => {
    expect(abilities(session(['practice-admin']))).toMatchObject({
      manageUsers: true,
      auditLog: true,
      auditSettings: true,
      accessHistory: true,
    });
    expect(abilities(session(['provider'], ['privacy-officer']))).toMatchObject({
      manageUsers: false,
      auditLog: true,
      auditSettings: false,
      accessHistory: true,
    });
    expect(abilities(session(['medical-assistant']))).toMatchObject({
      manageUsers: false,
      auditLog: false,
      accessHistory: false,
      emergencyAccess: false,
    });
    expect(abilities(session(['lead-ma'], ['emergency-access'])).emergencyAccess).toBe(true);
    expect(abilities(undefined).manageUsers).toBe(false);
  });

  it('names roles in words, unknown ones by their code', () => {
    expect(roleLabel('lead-ma')).toBe('Lead MA');
    expect(roleLabel('nurse')).toBe('nurse');
  });
});

describe('emergency access', () => {
  it('needs a reason of at least 10 characters, spaces around not counted', () => {
    expect(emergencyReasonProblem('')).toBe('A reason is required.');
    expect(emergencyReasonProblem('  chest   ')).toMatch(/at least 10 characters \(5 so far\)/);
    expect(emergencyReasonProblem('Chest pain')).toBeUndefined();
  });

  it('is offered on a 403 "suppressed" only', () => {
    const outcome = (code: 'suppressed' | 'forbidden' | 'not-found') => ({
      resourceType: 'OperationOutcome' as const,
      issue: [{ severity: 'error' as const, code }],
    });
    expect(isRestrictedChart(new FhirError(403, outcome('suppressed')))).toBe(true);
    expect(isRestrictedChart(new FhirError(403, outcome('forbidden')))).toBe(false);
    expect(isRestrictedChart(new FhirError(404, outcome('not-found')))).toBe(false);
    expect(isRestrictedChart(new Error('x'))).toBe(false);
  });
});

describe('MFA enrolment display', () => {
  it('groups the secret by four', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXPJBSW')).toBe('JBSW Y3DP EHPK 3PXP JBSW');
    expect(groupSecret('ABCDE')).toBe('ABCD E');
  });

  it('makes the SVG an image address (never markup in the page)', () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>');
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,%3Csvg')).toBe(true);
    expect(url).not.toContain('<');
  });
});

describe('describeBrowser', () => {
  it('says browser and system', () => {
    expect(
      describeBrowser(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
      )
    ).toBe('Chrome on Windows');
    expect(
      describeBrowser(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36'
      )
    ).toBe('Chrome on Linux');
    expect(describeBrowser(undefined)).toBe('Unknown browser');
  });
});
