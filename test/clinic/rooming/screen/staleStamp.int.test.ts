import { describe, expect, it } from 'vitest';
import { testEngines, useEngine } from '../../../harness.js';
import { get, post } from '../../flow/fixtures.js';
import { roomedVisit } from './helpers.js';

/**
 * "Allergies reviewed" says the list was reviewed and holds something a provider can rely on (an allergy or
 * NKDA). A stamp made before the list lost its last entry no longer ticks the item.
 */
describe.each(testEngines())('allergies reviewed stays true of the list [%s]', (engine) => {
  const h = useEngine(engine);

  it('NKDA, reviewed (done); the NKDA entered in error (not done, and says why)', async () => {
    const { ma, encounterId } = await roomedVisit(h.app, h.db);
    const item = async () =>
      (await get(h.app, ma, `/api/rooming/encounters/${encounterId}`)).body.checklist.find(
        (i: { id: string }) => i.id === 'allergies'
      );

    const nkda = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/allergies`, {
      action: 'nkda',
    });
    expect(nkda.status, nkda.text).toBe(201);
    const stamp = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/reviewed`, {
      what: 'allergies',
    });
    expect(stamp.status, stamp.text).toBe(200);
    expect(await item()).toMatchObject({ done: true });

    const voided = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/allergies`, {
      action: 'entered-in-error',
      id: nkda.body.allergy.id,
      version: nkda.body.allergy.versionId,
      note: 'wrong patient',
    });
    expect(voided.status, voided.text).toBe(200);
    expect(voided.body.list.empty).toBe(true);
    expect(await item()).toMatchObject({
      done: false,
      detail: 'Nothing on the allergy list: record NKDA or an allergy',
    });
  });
});
