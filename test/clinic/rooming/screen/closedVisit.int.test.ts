import { describe, expect, it } from 'vitest';
import { fhir, testEngines, useEngine, type TestContext } from '../../../harness.js';
import { get, post } from '../../flow/fixtures.js';
import { roomedVisit } from './helpers.js';

/**
 * Nothing is documented under a visit that did not happen (cancelled) or is not this patient's
 * (entered-in-error): every rooming write answers 422 naming `encounter` and writes nothing; reading the
 * screen still works; a finished visit stays open to late entries (src/clinic/rooming/visit.ts).
 */
describe.each(testEngines())('rooming writes on a closed visit [%s]', (engine) => {
  const h = useEngine(engine);

  const setUp = () => roomedVisit(h.app, h.db);

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

  it('a patient who left without being seen after rooming: what was measured is still charted', async () => {
    const { ctx, ma, encounterId } = await setUp();
    const left = await post(h.app, ma, '/api/flow/appointments/appt-1/left-without-being-seen', {
      reason: 'could not wait',
    });
    expect(left.status, left.text).toBe(200);
    expect((await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` })).body.status).toBe(
      'cancelled'
    );
    const vitals = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/vitals`, { heartRate: 72 });
    expect(vitals.status, vitals.text).toBe(201);
    expect(await count(ctx, `Observation?encounter=Encounter/${encounterId}`)).toBe(1);
  });

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
