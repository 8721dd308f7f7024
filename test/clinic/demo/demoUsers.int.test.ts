/**
 * The demo clinic's users (README "Demo sign-in"): one per role, all with the demo password, created by the
 * demo loader after the data, once (loading twice keeps them), attributed in the audit trail to the loader;
 * and the one restricted chart, which users do not see unless they break the glass.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../src/api/auth/authenticate.js';
import { loadDemoClinic } from '../../../src/cli/demo.js';
import { RESTRICTED_DEMO_PATIENT } from '../../../src/clinic/demo/index.js';
import type { Database } from '../../../src/store/db.js';
import { ensurePractice } from '../../../src/store/practice.js';
import { testEngines, useEngine } from '../../harness.js';

/** Written out from the brief, not from src/clinic/demo/users.ts. */
const PASSWORD = 'Riverbend-demo-2026';
const EXPECTED = [
  {
    name: 'admin',
    roles: ['practice-admin'],
    permissions: ['privacy-officer'],
    practitioner: null,
    stage: 'enrol',
  },
  { name: 'biller', roles: ['biller'], permissions: [], practitioner: 'demo-prac-10', stage: 'signed-in' },
  { name: 'frontdesk', roles: ['front-desk'], permissions: [], practitioner: null, stage: 'signed-in' },
  {
    name: 'leadma',
    roles: ['lead-ma'],
    permissions: ['emergency-access'],
    practitioner: 'demo-prac-05',
    stage: 'signed-in',
  },
  {
    name: 'ma',
    roles: ['medical-assistant'],
    permissions: [],
    practitioner: 'demo-prac-06',
    stage: 'signed-in',
  },
  {
    name: 'provider',
    roles: ['provider'],
    permissions: ['emergency-access'],
    practitioner: 'demo-prac-01',
    stage: 'signed-in',
  },
] as const;
/** Enough patients to include the restricted one (patient 32). */
const PATIENTS = 32;
const TODAY = new Date('2026-03-10T15:30:00Z');

interface UserRow {
  username: string;
  display_name: string;
  roles: string[];
  permissions: string[];
  practitioner_id: string | null;
  mfa_required: boolean;
}

async function usersOf(db: Database, practiceId: string): Promise<UserRow[]> {
  const result = await db.query<UserRow>(
    'SELECT username, display_name, roles, permissions, practitioner_id, mfa_required FROM app_user WHERE practice_id = $1 ORDER BY username',
    [practiceId]
  );
  return result.rows;
}

async function signIn(app: FastifyInstance, username: string, password = PASSWORD) {
  const res = await app.inject({
    method: 'POST',
    url: '/auth/sign-in',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
  });
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  return { status: res.statusCode, body: res.json<{ stage?: string }>(), token: cookie?.value ?? '' };
}

async function readAs(app: FastifyInstance, token: string, path: string) {
  const res = await app.inject({
    method: 'GET',
    url: `/fhir/R4/${path}`,
    headers: { cookie: `${SESSION_COOKIE}=${token}` },
  });
  return { status: res.statusCode, body: res.json<{ issue?: { code: string }[]; total?: number }>() };
}

/** Loads the demo into a practice twice, as `medassist demo` run twice would. */
async function loadTwice(db: Database, practiceId: string): Promise<void> {
  await ensurePractice(db, practiceId, `Demo users test ${practiceId}`);
  const log = (): void => undefined;
  await loadDemoClinic(db, practiceId, { patients: PATIENTS, today: TODAY, log });
  await loadDemoClinic(db, practiceId, { patients: PATIENTS, today: TODAY, log });
}

describe.each(testEngines())('demo users (%s)', (engine) => {
  const handle = useEngine(engine);

  it('one user per role, prefixed outside the demo practice, made once though loaded twice, all able to sign in', async () => {
    const practiceId = `dmu-${randomUUID().slice(0, 8)}`;
    await loadTwice(handle.db, practiceId);

    const users = await usersOf(handle.db, practiceId);
    expect(users.map((u) => u.username)).toEqual(EXPECTED.map((e) => `${practiceId}-${e.name}`));
    for (const [i, expected] of EXPECTED.entries()) {
      expect(users[i]).toMatchObject({
        roles: expected.roles,
        permissions: expected.permissions,
        practitioner_id: expected.practitioner,
      });
    }
    expect(users.find((u) => u.username.endsWith('-frontdesk'))?.display_name).toBe('Dana Front, front desk');
    // Each linked Practitioner is a real demo Practitioner of the practice, and the MA is a medical assistant.
    for (const id of users.map((u) => u.practitioner_id).filter((id) => id !== null)) {
      const found = await handle.db.query<{ content: { name?: { family?: string }[] } }>(
        "SELECT content FROM resource WHERE practice_id = $1 AND resource_type = 'Practitioner' AND id = $2",
        [practiceId, id]
      );
      expect(found.rows, id ?? '').toHaveLength(1);
    }

    // Each creation audited once, by the demo loader, which also wrote the data.
    const audit = await handle.db.query<{ subtype: string; user_name: string | null; n: string | number }>(
      'SELECT subtype, user_name, count(*) AS n FROM audit_event WHERE practice_id = $1 GROUP BY subtype, user_name',
      [practiceId]
    );
    const created = audit.rows.filter((r) => r.subtype === 'user-create');
    expect(created).toEqual([
      { subtype: 'user-create', user_name: 'medassist demo loader', n: expect.anything() },
    ]);
    expect(Number(created[0].n)).toBe(EXPECTED.length);
    expect(audit.rows.every((r) => r.user_name === 'medassist demo loader')).toBe(true);

    for (const expected of EXPECTED) {
      const result = await signIn(handle.app, `${practiceId}-${expected.name}`);
      expect(result.status, expected.name).toBe(200);
      // The practice admin must enrol a second factor first (practice-admin always needs MFA, ONC (d)(13)).
      expect(result.body.stage, expected.name).toBe(expected.stage);
    }
    expect((await signIn(handle.app, `${practiceId}-ma`, 'Riverbend-demo-2025')).status).toBe(401);
  }, 600_000);

  it('hides the restricted chart from users, offers break-glass to those allowed it, and shows other charts', async () => {
    const practiceId = `dmr-${randomUUID().slice(0, 8)}`;
    await ensurePractice(handle.db, practiceId, `Demo restricted test ${practiceId}`);
    await loadDemoClinic(handle.db, practiceId, { patients: PATIENTS, today: TODAY, log: () => undefined });
    const ma = await signIn(handle.app, `${practiceId}-ma`);
    const frontDesk = await signIn(handle.app, `${practiceId}-frontdesk`);
    const leadMa = await signIn(handle.app, `${practiceId}-leadma`);

    expect((await readAs(handle.app, ma.token, 'Patient/demo-pat-0004')).status).toBe(200);
    // Not found for those without emergency access: its existence is not told.
    expect((await readAs(handle.app, ma.token, `Patient/${RESTRICTED_DEMO_PATIENT}`)).status).toBe(404);
    expect((await readAs(handle.app, frontDesk.token, `Patient/${RESTRICTED_DEMO_PATIENT}`)).status).toBe(
      404
    );
    const asLead = await readAs(handle.app, leadMa.token, `Patient/${RESTRICTED_DEMO_PATIENT}`);
    expect(asLead.status).toBe(403);
    expect(asLead.body.issue?.[0].code).toBe('suppressed');
    // Nor in a search: the MA counts 31 patients of 32.
    const count = await readAs(handle.app, ma.token, 'Patient?_summary=count');
    expect(count.body.total).toBe(PATIENTS - 1);
  }, 600_000);
});

describe('demo users in the demo practice (pglite)', () => {
  const handle = useEngine('pglite');

  it('keep their plain usernames', async () => {
    await ensurePractice(handle.db, 'demo', 'Riverbend Family Medicine (demo)');
    await loadDemoClinic(handle.db, 'demo', { patients: 1, today: TODAY, log: () => undefined });
    const users = await usersOf(handle.db, 'demo');
    expect(users.map((u) => u.username)).toEqual(EXPECTED.map((e) => e.name));
    expect((await signIn(handle.app, 'ma')).body.stage).toBe('signed-in');
  }, 600_000);
});
