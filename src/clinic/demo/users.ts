/**
 * The demo clinic's sign-in accounts: one per role, all with the same published password. Demo only: a real
 * practice creates its users with `medassist user create` or in Administration, each with their own password.
 */
import type { Permission, Role } from '../../auth/accessMatrix.js';
import { PROVIDERS, STAFF, staffName } from './practice.js';

/** The password of every demo user. It is in the README: never use these accounts with real patients. */
export const DEMO_PASSWORD = 'Riverbend-demo-2026';

export interface DemoUser {
  /** The username in the `demo` practice; other practices prefix it with `<practice>-`. */
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly permissions: readonly Permission[];
  /** The demo Practitioner this user is (practice.ts STAFF), if any. */
  readonly practitionerId?: string;
}

function staff(id: string): { practitionerId: string; display: string } {
  const found = STAFF.find((s) => s.id === id);
  if (!found) {
    throw new Error(`demo users: no demo staff member ${id}`);
  }
  return { practitionerId: found.id, display: staffName(found) };
}

const MA = staff('demo-prac-06');
const LEAD_MA = staff('demo-prac-05');
const PROVIDER = staff(PROVIDERS[0].id);
const BILLER = staff('demo-prac-10');

/**
 * One user per role. The lead MA and the provider may open a restricted chart in an emergency; the admin is
 * also the privacy officer and, as practice-admin, must enrol a second factor (TOTP) at the first sign-in.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'frontdesk', displayName: 'Dana Front, front desk', roles: ['front-desk'], permissions: [] },
  {
    username: 'ma',
    displayName: `${MA.display}, MA`,
    roles: ['medical-assistant'],
    permissions: [],
    practitionerId: MA.practitionerId,
  },
  {
    username: 'leadma',
    displayName: `${LEAD_MA.display}, lead MA`,
    roles: ['lead-ma'],
    permissions: ['emergency-access'],
    practitionerId: LEAD_MA.practitionerId,
  },
  {
    username: 'provider',
    displayName: PROVIDER.display,
    roles: ['provider'],
    permissions: ['emergency-access'],
    practitionerId: PROVIDER.practitionerId,
  },
  {
    username: 'biller',
    displayName: `${BILLER.display}, billing`,
    roles: ['biller'],
    permissions: [],
    practitionerId: BILLER.practitionerId,
  },
  {
    username: 'admin',
    displayName: 'Ada Admin, practice administrator',
    roles: ['practice-admin'],
    permissions: ['privacy-officer'],
  },
];

/** The username of a demo user in a practice: as is in `demo`, `<practice>-<name>` elsewhere (usernames are global). */
export function demoUsername(practiceId: string, user: DemoUser): string {
  return practiceId === 'demo' ? user.username : `${practiceId}-${user.username}`;
}
