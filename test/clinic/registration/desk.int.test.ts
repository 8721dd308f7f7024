import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../authHarness.js';
import { newPractice, testEngines, useEngine } from '../../harness.js';
import { count, create, directory, PDF_AS_PNG, PNG, PNG_1X1, post, read } from './fixtures.js';

const JPEG = {
  contentType: 'image/jpeg',
  data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]).toString('base64'),
};

describe.each(testEngines())('insurance and consents at the desk [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'desk');
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const { payerId } = await directory(h.app, ctx);
    const patientId = await create(h.app, ctx, {
      resourceType: 'Patient',
      name: [{ family: 'Haverford', given: ['Imogen'] }],
      birthDate: '1987-11-02',
    });
    return { ctx, desk, payerId, patientId };
  }

  const written = async (ctx: Awaited<ReturnType<typeof setUp>>['ctx']) => ({
    coverage: await count(h.app, ctx, 'Coverage'),
    documents: await count(h.app, ctx, 'DocumentReference'),
    people: await count(h.app, ctx, 'RelatedPerson'),
    organizations: await count(h.app, ctx, 'Organization'),
    consents: await count(h.app, ctx, 'Consent'),
  });

  it('captures a Coverage with subscriber, group, plan and co-pay, and the card front and back as insurance-card documents', async () => {
    const { ctx, desk, payerId, patientId } = await setUp();
    const res = await post(h.app, desk, '/api/registration/coverage', {
      patientId,
      payer: { id: payerId },
      memberId: 'PMH-44120987',
      group: 'G-7781',
      plan: 'Prairie Gold PPO',
      relationship: 'spouse',
      subscriber: { family: 'Haverford', given: 'Julian', birthDate: '1984-06-30' },
      copay: 35,
      start: '2026-01-01',
      cardFront: PNG,
      cardBack: { contentType: 'image/png', data: `data:image/png;base64,${PNG_1X1}` },
    });
    expect(res.status, res.text).toBe(201);
    const coverage = await read(h.app, ctx, `Coverage/${res.body.coverage.id}`);
    expect(coverage).toMatchObject({
      status: 'active',
      subscriberId: 'PMH-44120987',
      beneficiary: { reference: `Patient/${patientId}` },
      relationship: { coding: [{ code: 'spouse' }] },
      period: { start: '2026-01-01' },
      payor: [{ reference: `Organization/${payerId}`, display: 'Prairie Mutual Health' }],
      class: [
        { type: { coding: [{ code: 'group' }] }, value: 'G-7781' },
        { type: { coding: [{ code: 'plan' }] }, value: 'Prairie Gold PPO' },
      ],
      costToBeneficiary: [
        { type: { coding: [{ code: 'copay' }] }, valueMoney: { value: 35, currency: 'USD' } },
      ],
    });
    const subscriber = await read(h.app, ctx, coverage.subscriber.reference);
    expect(subscriber).toMatchObject({
      resourceType: 'RelatedPerson',
      birthDate: '1984-06-30',
      patient: { reference: `Patient/${patientId}` },
    });
    expect(res.body.documents).toHaveLength(2);
    for (const [i, side] of ['front', 'back'].entries()) {
      const doc = await read(h.app, ctx, `DocumentReference/${res.body.documents[i].id}`);
      expect(doc.category[0].coding[0]).toMatchObject({
        system: 'urn:medassist:document-category',
        code: 'insurance-card',
      });
      expect(doc.subject.reference).toBe(`Patient/${patientId}`);
      expect(doc.context.related[0].reference).toBe(`Coverage/${coverage.id}`);
      expect(doc.content[0].attachment).toMatchObject({
        contentType: 'image/png',
        data: PNG_1X1,
        size: 70,
        title: `Insurance card (${side})`,
      });
    }
  });

  it.each([
    ['an unknown payer', { payer: { id: 'no-such-payer' } }, 400, 'payer.id'],
    ['no member id', { memberId: '' }, 400, 'memberId'],
    ['a dependent without the subscriber', { relationship: 'child' }, 400, 'subscriber'],
    ['a PDF declared as a PNG', { cardFront: PDF_AS_PNG }, 400, 'cardFront.data'],
    [
      'a file that is not an image type',
      { cardBack: { contentType: 'application/pdf', data: PNG_1X1 } },
      400,
      'cardBack.contentType',
    ],
    [
      'a card image over 1 MB',
      { cardFront: { contentType: 'image/png', data: Buffer.alloc(1024 * 1024 + 1).toString('base64') } },
      400,
      'cardFront.data',
    ],
    ['a negative co-pay', { copay: -5 }, 400, 'copay'],
  ])('%s is refused naming the field, and nothing is written', async (_label, change, status, field) => {
    const { ctx, desk, payerId, patientId } = await setUp();
    const before = await written(ctx);
    const res = await post(h.app, desk, '/api/registration/coverage', {
      patientId,
      payer: { id: payerId },
      memberId: 'PMH-1',
      cardFront: PNG,
      ...change,
    });
    expect(res.status, res.text).toBe(status);
    expect(res.body.issue[0].expression).toEqual([field]);
    expect(await written(ctx)).toEqual(before);
  });

  it('a new payer needs directory access: 403 for the front desk (nothing written), created for the lead MA', async () => {
    const { ctx, desk, patientId } = await setUp();
    const before = await written(ctx);
    const body = { patientId, payer: { name: 'Lone Star Benefit Trust' }, memberId: 'LS-9', cardFront: PNG };
    const refused = await post(h.app, desk, '/api/registration/coverage', body);
    expect(refused.status).toBe(403);
    expect(await written(ctx)).toEqual(before);
    const lead = await signedInUser(h.db, ctx, ['lead-ma']);
    const made = await post(h.app, lead, '/api/registration/coverage', body);
    expect(made.status, made.text).toBe(201);
    expect(made.body.payer.name).toBe('Lone Star Benefit Trust');
    expect(await count(h.app, ctx, 'Organization')).toBe(before.organizations + 1);
  });

  it('records a consent signed by a representative: type code, date, expiry, the signature as a consent document', async () => {
    const { ctx, desk, patientId } = await setUp();
    const res = await post(h.app, desk, '/api/registration/consents', {
      patientId,
      type: 'financial-policy',
      date: '2026-11-20',
      expires: '2027-11-20',
      signedBy: { kind: 'representative', name: 'Julian Haverford', relationship: 'spouse' },
      signature: PNG,
    });
    expect(res.status, res.text).toBe(201);
    const consent = await read(h.app, ctx, `Consent/${res.body.consent.id}`);
    expect(consent).toMatchObject({
      status: 'active',
      patient: { reference: `Patient/${patientId}` },
      dateTime: '2026-11-20',
      provision: { period: { start: '2026-11-20', end: '2027-11-20' } },
      sourceReference: { reference: `DocumentReference/${res.body.signature.id}` },
      performer: [{ display: 'Julian Haverford (spouse)' }],
    });
    expect(consent.category[0].coding[0]).toEqual({
      system: 'urn:medassist:consent-type',
      code: 'financial-policy',
      display: 'Financial policy',
    });
    expect((await read(h.app, ctx, consent.performer[0].reference)).resourceType).toBe('RelatedPerson');
    const doc = await read(h.app, ctx, `DocumentReference/${res.body.signature.id}`);
    expect(doc.category[0].coding[0].code).toBe('consent');
    expect(doc.content[0].attachment.contentType).toBe('image/png');
    // Check-in finds it by its type code.
    const found = await read(
      h.app,
      ctx,
      `Consent?patient=${patientId}&category=urn:medassist:consent-type|financial-policy`
    );
    expect(found.total ?? found.entry.length).toBe(1);
  });

  it.each([
    ['no signature', { signature: undefined }, 'signature'],
    ['a JPEG signature (the pad makes PNGs)', { signature: JPEG }, 'signature.contentType'],
    ['an unknown consent type', { type: 'hipaa' }, 'type'],
    ['an impossible date', { date: '2026-02-30' }, 'date'],
    ['an expiry before signing', { date: '2026-11-20', expires: '2026-01-01' }, 'expires'],
    [
      'a representative without a name',
      { signedBy: { kind: 'representative', relationship: 'mother' } },
      'signedBy.name',
    ],
  ])('a consent with %s is 400 naming the field, and nothing is written', async (_label, change, field) => {
    const { ctx, desk, patientId } = await setUp();
    const before = await written(ctx);
    const res = await post(h.app, desk, '/api/registration/consents', {
      patientId,
      type: 'consent-to-treat',
      signature: PNG,
      ...change,
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body.issue[0].expression).toEqual([field]);
    expect(await written(ctx)).toEqual(before);
  });
});
