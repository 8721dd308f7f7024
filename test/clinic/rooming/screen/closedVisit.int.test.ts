import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../src/auth/accessMatrix.js';
import { createSession, DEFAULT_SESSION_LIMITS, loadSession } from '../../../../src/auth/sessions.js';
import { createUser } from '../../../../src/auth/users.js';
import type { Database } from '../../../../src/store/db.js';
import { signedInUser, TEST_PASSWORD, type TestUser } from '../../../authHarness.js';
import { fhir, newPractice, testEngines, useEngine, type TestContext } from '../../../harness.js';
import { clinic, get, goodCheckIn, MA, post } from '../../flow/fixtures.js';

/** A signed-in user linked to a Practitioner (authorOf names the Practitioner). */
async function staff(
  db: Database,
  ctx: TestContext,
  roles: Role[],
  practitionerId: string
): Promise<TestUser> {
  const user = await createUser(db, ctx.practiceId, {
    username: `${roles[0]}-${randomUUID().slice(0, 8)}`,
    displayName: `Test ${roles[0]}`,
    roles,
    password: TEST_PASSWORD,
    practitionerId,
  });
  const { token, id } = await createSession(db, user, 'signed-in', { now: new Date() });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, new Date(), false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

/**
 * Nothing is documented under a visit that did not happen (cancelled) or is not this patient's
 * (entered-in-error): every rooming write answers 422 naming `encounter` and writes nothing; reading the
 * screen still works; a finished visit stays open to late entries (src/clinic/rooming/visit.ts).
 */
describe.each(testEngines())('rooming writes on a closed visit [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'closed-visit');
    await clinic(h.app, ctx);
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const ma = await staff(h.db, ctx, ['medical-assistant'], MA);
    const checkIn = await post(h.app, desk, '/api/flow/check-in', goodCheckIn());
    expect(checkIn.status, checkIn.text).toBe(201);
    return { ctx, ma, encounterId: checkIn.body.encounter.id as string };
  }

  async function setStatus(ctx: TestContext, encounterId: string, status: string): Promise<void> {
    const current = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` });
    const res = await fhir(h.app, ctx, {
      method: 'PUT',
      url: `Encounter/${encounterId}`,
      body: { ...current.body, status },
    });
    expect(res.status, res.text).toBe(200);
  }

  const count = async (ctx: TestContext, query: string) =>
    (await fhir(h.app, ctx, { method: 'GET', url: `${query}&_summary=count` })).body.total as number;

  for (const status of ['cancelled', 'entered-in-error']) {
    it(`${status === 'cancelled' ? 'a' : 'an'} ${status} visit: vitals, intake, the checklist tick and ready are 422 naming encounter; nothing written`, async () => {
      const { ctx, ma, encounterId } = await setUp();
      await setStatus(ctx, encounterId, status);
      const writes: [string, unknown][] = [
        [`/api/rooming/encounters/${encounterId}/vitals`, { heartRate: 72 }],
        [`/api/rooming/encounters/${encounterId}/intake`, { chiefComplaint: 'Sore throat' }],
        [`/api/rooming/encounters/${encounterId}/checked`, { item: 'pharmacy', checked: true }],
        [`/api/rooming/encounters/${encounterId}/ready`, { incomplete: 'testing' }],
      ];
      for (const [url, body] of writes) {
        const res = await post(h.app, ma, url, body);
        expect(res.status, `${url}: ${res.text}`).toBe(422);
        expect(res.body.resourceType).toBe('OperationOutcome');
        expect(res.body.issue[0].expression).toEqual(['encounter']);
        expect(res.body.issue[0].details.text).toContain(`the visit is ${status}`);
      }
      expect(await count(ctx, `Observation?encounter=Encounter/${encounterId}`)).toBe(0);
      expect(await count(ctx, `Communication?encounter=Encounter/${encounterId}`)).toBe(0);
      const encounter = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` });
      expect(encounter.body.status).toBe(status);
      expect(JSON.stringify(encounter.body.extension ?? [])).not.toContain('pharmacy');

      // Reading the screen is still possible (what was documented before stays visible).
      const screen = await get(h.app, ma, `/api/rooming/encounters/${encounterId}`);
      expect(screen.status, screen.text).toBe(200);
    });
  }

  it('a finished visit stays open to a late entry', async () => {
    const { ctx, ma, encounterId } = await setUp();
    await setStatus(ctx, encounterId, 'finished');
    const res = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/intake`, {
      chiefComplaint: 'Sore throat',
    });
    expect(res.status, res.text).toBe(200);
    expect(await count(ctx, `Observation?encounter=Encounter/${encounterId}`)).toBe(1);
  });
});
