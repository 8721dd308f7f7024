import { describe, expect, it } from 'vitest';
import { asUser, signedInUser, type TestUser } from '../authHarness.js';
import { fhir, newPractice, testEngines, useEngine } from '../harness.js';

const ALLERGY = (patientId: string) => ({
  resourceType: 'AllergyIntolerance',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  verificationStatus: {
    coding: [
      { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' },
    ],
  },
  code: { text: 'Penicillin' },
  patient: { reference: `Patient/${patientId}` },
});

describe.each(testEngines())('amendment requests (ONC (d)(4)) [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'amend');
    const patient = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: { resourceType: 'Patient', name: [{ family: 'Okafor', given: ['Ada'] }] },
    });
    const allergy = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'AllergyIntolerance',
      body: ALLERGY(patient.body.id),
    });
    const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
    const frontDesk = await signedInUser(h.db, ctx, ['front-desk']);
    const provider = await signedInUser(h.db, ctx, ['provider']);
    return {
      ctx,
      patientId: patient.body.id as string,
      allergyId: allergy.body.id as string,
      ma,
      frontDesk,
      provider,
    };
  }

  /** Records an amendment request (POST /api/amendments) as `who`. */
  const requestAmendment = (who: TestUser, body: Record<string, unknown>) =>
    asUser(h.app, who, { method: 'POST', url: '/api/amendments', contentType: 'application/json', body });

  /** Decides amendment request `taskId` as `who`. */
  const decide = (who: TestUser, taskId: string, body: Record<string, unknown>) =>
    asUser(h.app, who, {
      method: 'POST',
      url: `/api/amendments/${taskId}/decision`,
      contentType: 'application/json',
      body,
    });

  it('a request is tied to the data and version it concerns; accepted, the amendment is appended and linked', async () => {
    const { ctx, patientId, allergyId, ma, frontDesk, provider } = await setUp();
    // Whoever records a request must be able to see the data it concerns: the front desk cannot see allergies.
    const blind = await requestAmendment(frontDesk, {
      patientId,
      focus: `AllergyIntolerance/${allergyId}`,
      requestedChange: 'wrong allergy',
    });
    expect(blind.status).toBe(403);
    const req = await requestAmendment(ma, {
      patientId,
      focus: `AllergyIntolerance/${allergyId}`,
      requestedChange: 'I am allergic to amoxicillin, not penicillin',
      requestedBy: 'Ada Okafor',
    });
    expect(req.status).toBe(201);
    expect(req.body.status).toBe('requested');
    expect(req.body.focus.reference).toBe(`AllergyIntolerance/${allergyId}/_history/1`);
    expect(req.body.for.reference).toBe(`Patient/${patientId}`);

    // A medical assistant may record a request but not decide it.
    const refused = await decide(ma, req.body.id, {
      decision: 'accepted',
      reason: 'checked',
      amendment: 'x',
    });
    expect(refused.status).toBe(403);

    const decided = await decide(provider, req.body.id, {
      decision: 'accepted',
      reason: 'pharmacy record confirms amoxicillin',
      amendment: 'Substance corrected to amoxicillin',
    });
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('completed');
    expect(decided.body.output[0].valueReference.reference).toBe(
      `AllergyIntolerance/${allergyId}/_history/2`
    );
    const allergy = await fhir(h.app, ctx, { method: 'GET', url: `AllergyIntolerance/${allergyId}` });
    expect(allergy.body.meta.versionId).toBe('2');
    expect(allergy.body.note.at(-1).text).toContain(`Amendment accepted (Task/${req.body.id})`);
    // The request shows on the chart: a Task of the patient with the amendment code.
    const tasks = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Task?patient=${patientId}&code=urn:medassist:task-type|amendment-request`,
    });
    expect(tasks.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([req.body.id]);
    // A decided request cannot be decided again.
    const again = await decide(provider, req.body.id, { decision: 'denied', reason: 'changed my mind' });
    expect(again.status).toBe(400);
  });

  it('denied: the request and the denial stay linked to the data', async () => {
    const { ctx, patientId, allergyId, ma, provider } = await setUp();
    const req = await requestAmendment(ma, {
      patientId,
      focus: `AllergyIntolerance/${allergyId}`,
      requestedChange: 'Remove this allergy',
    });
    const denied = await decide(provider, req.body.id, {
      decision: 'denied',
      reason: 'documented reaction in 2019',
    });
    expect(denied.status).toBe(200);
    expect(denied.body.status).toBe('rejected');
    expect(denied.body.statusReason.text).toBe('documented reaction in 2019');
    const allergy = await fhir(h.app, ctx, { method: 'GET', url: `AllergyIntolerance/${allergyId}` });
    expect(allergy.body.note.at(-1).text).toContain(`denied (Task/${req.body.id})`);
    expect(allergy.body.note.at(-1).text).toContain('Remove this allergy');
    expect(allergy.body.note.at(-1).text).toContain('documented reaction in 2019');
  });

  it('a denied request on the demographics (no notes to append to) stays linked through the Task', async () => {
    const { ctx, patientId, ma, provider } = await setUp();
    const req = await requestAmendment(ma, {
      patientId,
      focus: `Patient/${patientId}`,
      requestedChange: 'My birth year is wrong',
    });
    expect(req.status).toBe(201);
    const denied = await decide(provider, req.body.id, { decision: 'denied', reason: 'matches the ID card' });
    expect(denied.status).toBe(200);
    expect(denied.body.output[0].valueReference.reference).toBe(`Patient/${patientId}/_history/1`);
    const patient = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${patientId}` });
    expect(patient.body.meta.versionId).toBe('1');
    // Accepting with text alone is refused: a Patient takes the corrected resource.
    const req2 = await requestAmendment(ma, {
      patientId,
      focus: `Patient/${patientId}`,
      requestedChange: 'Spell my name Adaeze',
    });
    const textOnly = await decide(provider, req2.body.id, {
      decision: 'accepted',
      reason: 'ok',
      amendment: 'name corrected',
    });
    expect(textOnly.status).toBe(400);
    expect(textOnly.body.issue[0].expression).toEqual(['amendedResource']);
  });

  it('bad requests name the field and store nothing', async () => {
    const { ctx, patientId, allergyId, ma, provider } = await setUp();
    const other = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: { resourceType: 'Patient', name: [{ family: 'Other' }] },
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ patientId, focus: `AllergyIntolerance/${allergyId}` }, 'requestedChange'],
      [{ patientId, focus: 'nonsense', requestedChange: 'x' }, 'focus'],
      [{ patientId: other.body.id, focus: `AllergyIntolerance/${allergyId}`, requestedChange: 'x' }, 'focus'],
    ];
    for (const [body, field] of cases) {
      const res = await requestAmendment(ma, body);
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual([field]);
    }
    const req = await requestAmendment(ma, {
      patientId,
      focus: `AllergyIntolerance/${allergyId}`,
      requestedChange: 'x',
    });
    const noText = await decide(provider, req.body.id, { decision: 'accepted', reason: 'ok' });
    expect(noText.status).toBe(400);
    expect(noText.body.issue[0].expression).toEqual(['amendment']);
    const tasks = await fhir(h.app, ctx, { method: 'GET', url: `Task?patient=${patientId}` });
    expect(tasks.body.entry).toHaveLength(1);
    expect(tasks.body.entry[0].resource.status).toBe('requested');
    const allergy = await fhir(h.app, ctx, { method: 'GET', url: `AllergyIntolerance/${allergyId}` });
    expect(allergy.body.meta.versionId).toBe('1');
  });
});
