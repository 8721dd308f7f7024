/**
 * The signed-in user's session as the server describes it (docs/security/auth-api.md, "Browser sessions"),
 * and what the screens ask of it: roles, permissions, their names in the clinic's words. Pure: no I/O.
 * The session cookie itself is HttpOnly: this code never sees it.
 */

/** The six roles of the access matrix (src/auth/accessMatrix.ts ROLES), in the order screens list them. */
export const ROLES = [
  'front-desk',
  'medical-assistant',
  'lead-ma',
  'provider',
  'biller',
  'practice-admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Permissions granted on top of roles (src/auth/accessMatrix.ts PERMISSIONS). */
export const PERMISSIONS = ['emergency-access', 'privacy-officer'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_LABELS: Record<Role, string> = {
  'front-desk': 'Front desk',
  'medical-assistant': 'Medical assistant',
  'lead-ma': 'Lead MA',
  provider: 'Provider',
  biller: 'Biller',
  'practice-admin': 'Practice admin',
};

const PERMISSION_LABELS: Record<Permission, string> = {
  'emergency-access': 'Emergency access to restricted charts',
  'privacy-officer': 'Privacy officer (reads the audit trail)',
};

/** Where sign-in has got to: password accepted and a TOTP code needed, or MFA to set up first. */
export type SignInStage = 'signed-in' | 'mfa' | 'enrol';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  practitionerId?: string;
  mfaEnrolled: boolean;
}

export interface Session {
  user: SessionUser;
  practice: { id: string; name: string };
  csrfToken: string;
  idleTimeoutSeconds: number;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

/** The answer of sign-in, MFA verification, and GET /auth/session. */
export interface SessionAnswer {
  stage: SignInStage;
  session: Session;
}

/** A role's name on screen; an unknown role (a newer server) shows as its code. */
export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}

/** A permission's name on screen. */
export function permissionLabel(permission: string): string {
  return (PERMISSION_LABELS as Record<string, string>)[permission] ?? permission;
}

function hasRole(session: Session | undefined, role: Role): boolean {
  return session?.user.roles.includes(role) ?? false;
}

function anyRole(session: Session | undefined, roles: readonly Role[]): boolean {
  return roles.some((role) => hasRole(session, role));
}

function hasPermission(session: Session | undefined, permission: Permission): boolean {
  return session?.user.permissions.includes(permission) ?? false;
}

/** What a screen may show this user. The server decides again on every request; this only hides dead ends. */
export function abilities(session: Session | undefined) {
  const admin = hasRole(session, 'practice-admin');
  const privacyOfficer = hasPermission(session, 'privacy-officer');
  return {
    manageUsers: admin,
    auditSettings: admin,
    /** The audit log: practice-admin, and the privacy officer ("audit also privacy-officer"). */
    auditLog: admin || privacyOfficer,
    /** A chart's access history (GET /admin/patients/:id/access-history). */
    accessHistory: admin || privacyOfficer,
    emergencyAccess: hasPermission(session, 'emergency-access'),
    /** Accepting or denying an amendment request (providers, practice-admin, the privacy officer). */
    decideAmendments: hasRole(session, 'provider') || admin || privacyOfficer,
    /** The front desk's screens (issue 5); the server's access matrix decides each request again. */
    schedule: anyRole(session, [
      'front-desk',
      'medical-assistant',
      'lead-ma',
      'provider',
      'practice-admin',
      'biller',
    ]),
    bookAppointments: anyRole(session, [
      'front-desk',
      'medical-assistant',
      'lead-ma',
      'provider',
      'practice-admin',
    ]),
    /** Booking beyond availability or on top of another visit, with a reason. */
    overbook: anyRole(session, ['lead-ma', 'provider', 'practice-admin']),
    flowBoard: anyRole(session, ['front-desk', 'medical-assistant', 'lead-ma', 'provider', 'practice-admin']),
    checkIn: anyRole(session, ['front-desk', 'medical-assistant', 'lead-ma', 'practice-admin']),
    registerPatients: anyRole(session, [
      'front-desk',
      'medical-assistant',
      'lead-ma',
      'provider',
      'practice-admin',
    ]),
    mergePatients: anyRole(session, ['lead-ma', 'practice-admin']),
    recallList: anyRole(session, ['front-desk', 'medical-assistant', 'lead-ma', 'practice-admin']),
    waitTimeReport: anyRole(session, ['front-desk', 'lead-ma', 'provider', 'practice-admin']),
    /** Rooming and the chart (issue 6): clinical data is read and written by MAs, lead MAs and providers. */
    rooming: anyRole(session, ['medical-assistant', 'lead-ma', 'provider']),
    clinicalChart: anyRole(session, ['medical-assistant', 'lead-ma', 'provider']),
    /** Co-signing MA-entered intake (providers). */
    cosign: hasRole(session, 'provider'),
    huddle: anyRole(session, ['medical-assistant', 'lead-ma', 'provider']),
  };
}
