import { describe, expect, it } from 'vitest';
import { asUser, signedInUser } from '../../authHarness.js';
import { fhir, newPractice, testEngines, useEngine, type TestContext } from '../../harness.js';
import { create, post, read } from './fixtures.js';

describe.each(testEngines())('merging duplicate charts [%s]', (engine) => {
  const h = useEngine(engine);

  /** Two charts of one person: the duplicate (source) carries a visit, an observation, an appointment, a coverage. */
  async function setUp() {
    const ctx = await newPractice(h.db, 'merge');
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const lead = await signedInUser(h.db, ctx, ['lead-ma']);
    const register = async (family: string, given: string) =>
      (
        await post(h.app, desk, '/api/registration/patients', {
          name: { family, given },
          birthDate: '1962-08-19',
          gender: 'male',
          confirmedNotDuplicate: true,
        })
      ).body.patient.id as string;
    const targetId = await register('Castellanos', 'Rafael');
    const sourceId = await register('Castellano', 'Rafael');
    const subject = { reference: `Patient/${sourceId}` };
    const data = {
      appointment: await create(h.app, ctx, {
        resourceType: 'Appointment',
        status: 'booked',
        start: '2026-12-01T15:00:00.000Z',
        end: '2026-12-01T15:20:00.000Z',
        participant: [{ actor: subject, status: 'accepted' }],
      }),
      encounter: await create(h.app, ctx, {
        resourceType: 'Encounter',
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject,
      }),
      observation: await create(h.app, ctx, {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { reference: `Patient/${sourceId}/_history/1` },
        valueQuantity: { value: 72, unit: '/min' },
      }),
      coverage: await create(h.app, ctx, {
        resourceType: 'Coverage',
        status: 'active',
        beneficiary: subject,
        subscriber: subject,
        payor: [{ display: 'Prairie Mutual Health' }],
      }),
    };
    return { ctx, desk, lead, sourceId, targetId, data };
  }

  const versionOf = async (ctx: TestContext, ref: string) =>
    Number((await read(h.app, ctx, ref)).meta.versionId);

  it('re-points every resource to the kept chart, links both charts, keeps the old MRN; undo puts it all back', async () => {
    const { ctx, lead, sourceId, targetId, data } = await setUp();
    const source = await read(h.app, ctx, `Patient/${sourceId}`);
    const res = await post(h.app, lead, '/api/registration/merge', {
      sourceId,
      targetId,
      reason: 'same person registered twice',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ sourceId, targetId, reason: 'same person registered twice' });
    expect(res.body.repointed.map((r: { reference: string }) => r.reference).sort()).toEqual(
      [
        `Appointment/${data.appointment}`,
        `Coverage/${data.coverage}`,
        `Encounter/${data.encounter}`,
        `Observation/${data.observation}`,
      ].sort()
    );
    for (const r of res.body.repointed) expect(r).toMatchObject({ before: 1, after: 2 });
    // 30 days to undo.
    expect(Date.parse(res.body.undoUntil) - Date.parse(res.body.mergedAt)).toBe(30 * 86_400_000);

    const appointment = await read(h.app, ctx, `Appointment/${data.appointment}`);
    expect(appointment.participant[0].actor.reference).toBe(`Patient/${targetId}`);
    const coverage = await read(h.app, ctx, `Coverage/${data.coverage}`);
    expect([coverage.beneficiary.reference, coverage.subscriber.reference]).toEqual([
      `Patient/${targetId}`,
      `Patient/${targetId}`,
    ]);
    // Searches follow: the kept chart has the observation, the merged one nothing.
    const obs = await fhir(h.app, ctx, { method: 'GET', url: `Observation?patient=${targetId}` });
    expect(obs.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([
      data.observation,
    ]);
    const none = await fhir(h.app, ctx, { method: 'GET', url: `Encounter?patient=${sourceId}` });
    expect(none.body.entry ?? []).toEqual([]);

    const merged = await read(h.app, ctx, `Patient/${sourceId}`);
    expect(merged.active).toBe(false);
    expect(merged.link).toEqual([{ other: { reference: `Patient/${targetId}` }, type: 'replaced-by' }]);
    const kept = await read(h.app, ctx, `Patient/${targetId}`);
    expect(kept.link).toEqual([{ other: { reference: `Patient/${sourceId}` }, type: 'replaces' }]);
    expect(kept.identifier.map((i: { value: string; use: string }) => [i.value, i.use])).toEqual([
      ['RB100007', 'usual'],
      [source.identifier[0].value, 'old'],
    ]);
    // The audit trail names the lead MA on every re-pointed version.
    const audit = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND user_name = $2 AND action = 'U'`,
      [ctx.practiceId, lead.user.username]
    );
    expect(audit.rows[0].n).toBeGreaterThan(0);

    // Both charts list the merge.
    for (const id of [sourceId, targetId]) {
      const list = await asUser(h.app, lead, {
        method: 'GET',
        url: `/api/registration/patients/${id}/merges`,
      });
      expect(list.body.merges.map((m: { id: string }) => m.id)).toEqual([res.body.id]);
    }

    const undo = await post(h.app, lead, `/api/registration/merge/${res.body.id}/undo`, {});
    expect(undo.status, undo.text).toBe(200);
    expect(undo.body.undoneAt).toBeDefined();
    expect((await read(h.app, ctx, `Appointment/${data.appointment}`)).participant[0].actor.reference).toBe(
      `Patient/${sourceId}`
    );
    expect((await read(h.app, ctx, `Encounter/${data.encounter}`)).subject.reference).toBe(
      `Patient/${sourceId}`
    );
    // The pre-merge reference comes back exactly as it was written (here a versioned one), as a new version.
    const observation = await read(h.app, ctx, `Observation/${data.observation}`);
    expect(observation.subject.reference).toBe(`Patient/${sourceId}/_history/1`);
    expect(observation.meta.versionId).toBe('3');
    const restored = await read(h.app, ctx, `Patient/${sourceId}`);
    expect(restored.active).toBe(true);
    expect(restored.link).toBeUndefined();
    const keptAfter = await read(h.app, ctx, `Patient/${targetId}`);
    expect(keptAfter.link).toBeUndefined();
    expect(keptAfter.identifier).toHaveLength(1);
    // Once undone, not again.
    const again = await post(h.app, lead, `/api/registration/merge/${res.body.id}/undo`, {});
    expect(again.status).toBe(409);
  });

  it('the front desk may not merge: 403 and nothing changes', async () => {
    const { ctx, desk, sourceId, targetId, data } = await setUp();
    const res = await post(h.app, desk, '/api/registration/merge', {
      sourceId,
      targetId,
      reason: 'duplicate',
    });
    expect(res.status).toBe(403);
    expect(await versionOf(ctx, `Encounter/${data.encounter}`)).toBe(1);
    expect((await read(h.app, ctx, `Patient/${sourceId}`)).active).toBe(true);
  });

  it('a practice administrator merges too, clinical data included (re-pointing is part of the merge)', async () => {
    const { ctx, sourceId, targetId, data } = await setUp();
    const admin = await signedInUser(h.db, ctx, ['practice-admin']);
    const res = await post(h.app, admin, '/api/registration/merge', {
      sourceId,
      targetId,
      reason: 'duplicate',
    });
    expect(res.status, res.text).toBe(201);
    expect((await read(h.app, ctx, `Observation/${data.observation}`)).subject.reference).toBe(
      `Patient/${targetId}`
    );
  });

  it.each([
    [
      'an unknown source',
      (s: string, t: string) => ({ sourceId: 'no-such-patient', targetId: t, reason: 'x' }),
      404,
      'sourceId',
    ],
    [
      'an unknown target',
      (s: string) => ({ sourceId: s, targetId: 'no-such-patient', reason: 'x' }),
      404,
      'targetId',
    ],
    ['a malformed id', (s: string) => ({ sourceId: s, targetId: 'bad id!', reason: 'x' }), 400, 'targetId'],
    ['the same chart twice', (s: string) => ({ sourceId: s, targetId: s, reason: 'x' }), 400, 'targetId'],
    ['no reason', (s: string, t: string) => ({ sourceId: s, targetId: t }), 400, 'reason'],
  ])('%s is refused naming the field, and nothing changes', async (_label, body, status, field) => {
    const { ctx, lead, sourceId, targetId, data } = await setUp();
    const res = await post(h.app, lead, '/api/registration/merge', body(sourceId, targetId));
    expect(res.status, res.text).toBe(status);
    expect(res.body.issue[0].expression).toEqual([field]);
    expect(await versionOf(ctx, `Encounter/${data.encounter}`)).toBe(1);
    expect(await versionOf(ctx, `Patient/${sourceId}`)).toBe(1);
    expect(await versionOf(ctx, `Patient/${targetId}`)).toBe(1);
  });

  it('a merged chart cannot be merged again; after 30 days the merge can no longer be undone (409)', async () => {
    const { ctx, lead, sourceId, targetId, data } = await setUp();
    const res = await post(h.app, lead, '/api/registration/merge', {
      sourceId,
      targetId,
      reason: 'duplicate',
    });
    expect(res.status).toBe(201);
    const twice = await post(h.app, lead, '/api/registration/merge', {
      sourceId,
      targetId,
      reason: 'duplicate',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.issue[0].expression).toEqual(['sourceId']);
    await h.db.query(
      `UPDATE patient_merge SET merged_at = merged_at - interval '30 days 1 minute' WHERE practice_id = $1 AND id = $2`,
      [ctx.practiceId, res.body.id]
    );
    const late = await post(h.app, lead, `/api/registration/merge/${res.body.id}/undo`, {});
    expect(late.status).toBe(409);
    expect(late.body.issue[0].expression).toEqual(['id']);
    expect((await read(h.app, ctx, `Encounter/${data.encounter}`)).subject.reference).toBe(
      `Patient/${targetId}`
    );
  });
});
