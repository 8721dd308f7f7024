import { describe, expect, it } from 'vitest';
import { countOf, testEngines, transaction, useEngine } from '../../../harness.js';
import {
  all,
  auditCount,
  ENCOUNTER,
  frontDesk,
  get,
  HIDDEN_ENCOUNTER,
  linkedUser,
  HIDDEN_PATIENT,
  MA,
  PATIENT,
  post,
  read,
  REVIEWED_URL,
  reviewClinic,
  RXNORM,
  SNOMED,
} from './fixtures.js';

const ALLERGIES = `/api/rooming/encounters/${ENCOUNTER}/allergies`;
const LIST = `/api/rooming/patients/${PATIENT}/allergies`;

/** Amoxicillin (RxNorm ingredient 723, reference/catalogs/allergens.json) with hives (SNOMED 126485001), severe. */
const AMOXICILLIN = {
  action: 'add',
  substance: { system: RXNORM, code: '723' },
  criticality: 'high',
  verificationStatus: 'confirmed',
  reaction: [{ manifestation: { code: '126485001' }, severity: 'severe' }],
};
/** Peanut: a food (SNOMED substance 762952008), not a drug. */
const PEANUT = { action: 'add', substance: { system: SNOMED, code: '762952008' } };

describe.each(testEngines())('rooming allergies [%s]', (engine) => {
  const h = useEngine(engine);

  it('adds a catalog drug allergy: RxNorm code, category, reaction, recorder = the MA, the visit', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-add');
    const res = await post(h.app, ma, ALLERGIES, AMOXICILLIN);
    expect(res.status, res.text).toBe(201);
    const stored = await read(h.app, ctx, `AllergyIntolerance/${res.body.allergy.id}`);
    expect(stored.code.coding).toEqual([{ system: RXNORM, code: '723', display: 'Amoxicillin' }]);
    // The catalog entry gives the category and type.
    expect(stored.category).toEqual(['medication']);
    expect(stored.type).toBe('allergy');
    expect(stored.criticality).toBe('high');
    expect(stored.patient.reference).toBe(`Patient/${PATIENT}`);
    expect(stored.encounter.reference).toBe(`Encounter/${ENCOUNTER}`);
    expect(stored.recorder.reference).toBe(`Practitioner/${MA}`);
    expect(stored.recordedDate).toBeDefined();
    expect(stored.clinicalStatus.coding[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
      code: 'active',
    });
    expect(stored.verificationStatus.coding[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
      code: 'confirmed',
    });
    expect(stored.reaction).toEqual([
      {
        manifestation: [
          {
            coding: [{ system: SNOMED, code: '126485001', display: 'Urticaria (hives)' }],
            text: 'Urticaria (hives)',
          },
        ],
        severity: 'severe',
      },
    ]);

    const list = await get(h.app, ma, LIST);
    expect(list.status, list.text).toBe(200);
    expect(list.body.allergies.map((a: { text: string }) => a.text)).toEqual(['Amoxicillin']);
    expect(list.body).toMatchObject({ nkda: false, empty: false });
    // Shown twice: with the add's answer and by the GET.
    expect(await auditCount(h.db, ctx, 'allergy list', PATIENT)).toBe(2);

    // The same substance again is a duplicate.
    const again = await post(h.app, ma, ALLERGIES, AMOXICILLIN);
    expect(again.status, again.text).toBe(409);
    expect(await countOf(h.app, ctx, 'AllergyIntolerance')).toBe(1);
  });

  it('free text needs a category; bad input names the field and writes nothing', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-bad');
    const cases: [unknown, string][] = [
      [{ action: 'add', substance: { text: 'Strawberries' } }, 'category'],
      [{ action: 'add', substance: { system: RXNORM, code: '999999' } }, 'substance.code'],
      [{ ...AMOXICILLIN, criticality: 'very' }, 'criticality'],
      [
        { ...AMOXICILLIN, reaction: [{ manifestation: { code: '126485001' }, severity: 'awful' }] },
        'reaction[0].severity',
      ],
      [{ action: 'remove' }, 'action'],
      [{ action: 'update' }, 'id'],
    ];
    for (const [body, field] of cases) {
      const res = await post(h.app, ma, ALLERGIES, body);
      expect(res.status, res.text).toBe(400);
      expect(res.body.issue[0].expression).toEqual([field]);
    }
    expect(await countOf(h.app, ctx, 'AllergyIntolerance')).toBe(0);

    const typed = await post(h.app, ma, ALLERGIES, {
      action: 'add',
      substance: { text: 'Strawberries' },
      category: 'food',
      reaction: [{ manifestation: { text: 'Itchy mouth' }, severity: 'mild' }],
    });
    expect(typed.status, typed.text).toBe(201);
    const stored = await read(h.app, ctx, `AllergyIntolerance/${typed.body.allergy.id}`);
    expect(stored.code).toEqual({ text: 'Strawberries' });
    expect(stored.category).toEqual(['food']);
    expect(stored.reaction[0].manifestation).toEqual([{ text: 'Itchy mouth' }]);
  });

  it('NKDA is an explicit entry; a drug allergy refutes it in the same transaction; NKDA then 409', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-nkda');
    const nkda = await post(h.app, ma, ALLERGIES, { action: 'nkda' });
    expect(nkda.status, nkda.text).toBe(201);
    const nkdaId = nkda.body.allergy.id;
    const stored = await read(h.app, ctx, `AllergyIntolerance/${nkdaId}`);
    expect(stored.code.coding[0]).toMatchObject({ system: SNOMED, code: '409137002' });
    expect(stored.recorder.reference).toBe(`Practitioner/${MA}`);
    expect(nkda.body.list.nkda).toBe(true);

    // Recording it twice keeps one entry.
    const twice = await post(h.app, ma, ALLERGIES, { action: 'nkda' });
    expect(twice.body.allergy.id).toBe(nkdaId);
    expect(await countOf(h.app, ctx, 'AllergyIntolerance')).toBe(1);

    // A food allergy does not touch "no known DRUG allergies".
    const peanut = await post(h.app, ma, ALLERGIES, PEANUT);
    expect(peanut.status, peanut.text).toBe(201);
    expect(peanut.body.changed).toEqual([]);
    expect(peanut.body.list.nkda).toBe(true);

    const drug = await post(h.app, ma, ALLERGIES, AMOXICILLIN);
    expect(drug.status, drug.text).toBe(201);
    expect(drug.body.changed.map((a: { id: string }) => a.id)).toEqual([nkdaId]);
    const refuted = await read(h.app, ctx, `AllergyIntolerance/${nkdaId}`);
    expect(refuted.clinicalStatus.coding[0].code).toBe('inactive');
    expect(refuted.verificationStatus.coding[0].code).toBe('refuted');
    expect(refuted.meta.versionId).toBe('2');
    expect(drug.body.list.nkda).toBe(false);
    // The refuted entry leaves the list: Amoxicillin and Peanut remain, active, by name.
    expect(drug.body.list.allergies.map((a: { text: string }) => a.text)).toEqual(['Amoxicillin', 'Peanut']);

    const refused = await post(h.app, ma, ALLERGIES, { action: 'nkda' });
    expect(refused.status, refused.text).toBe(409);
    expect(await countOf(h.app, ctx, 'AllergyIntolerance')).toBe(3);

    // Once the drug allergy is entered in error, NKDA may be recorded again.
    const removed = await post(h.app, ma, ALLERGIES, {
      action: 'entered-in-error',
      id: drug.body.allergy.id,
      version: drug.body.allergy.versionId,
      note: 'wrong patient',
    });
    expect(removed.status, removed.text).toBe(200);
    const gone = await read(h.app, ctx, `AllergyIntolerance/${drug.body.allergy.id}`);
    expect(gone.verificationStatus.coding[0].code).toBe('entered-in-error');
    // R4 ait-2: no clinicalStatus on an entry in error.
    expect(gone.clinicalStatus).toBeUndefined();
    expect(removed.body.list.allergies.map((a: { text: string }) => a.text)).toEqual(['Peanut']);
    const again = await post(h.app, ma, ALLERGIES, { action: 'nkda' });
    expect(again.status, again.text).toBe(201);
    expect(again.body.allergy.id).not.toBe(nkdaId);
  });

  it('NKDA and a drug allergy sent at the same moment cannot both stand', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-race');
    const [nkda, drug] = await Promise.all([
      post(h.app, ma, ALLERGIES, { action: 'nkda' }),
      post(h.app, ma, ALLERGIES, AMOXICILLIN),
    ]);
    expect(drug.status, drug.text).toBe(201);
    // Either NKDA came first (then the drug allergy refuted it) or second (then it was refused): never both active.
    expect([201, 409]).toContain(nkda.status);
    const list = await get(h.app, ma, LIST);
    expect(list.body.nkda).toBe(false);
    expect(list.body.allergies.map((a: { text: string }) => a.text)).toEqual(['Amoxicillin']);
    const stored = await all(h.app, ctx, 'AllergyIntolerance');
    expect(stored).toHaveLength(nkda.status === 201 ? 2 : 1);
  });

  it('updates an entry (reaction, criticality, status): a new version; inactive ones list after active ones', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-upd');
    const peanut = await post(h.app, ma, ALLERGIES, PEANUT);
    const drug = await post(h.app, ma, ALLERGIES, AMOXICILLIN);
    const res = await post(h.app, ma, ALLERGIES, {
      action: 'update',
      id: drug.body.allergy.id,
      version: drug.body.allergy.versionId,
      clinicalStatus: 'inactive',
      criticality: 'low',
    });
    expect(res.status, res.text).toBe(200);
    const stored = await read(h.app, ctx, `AllergyIntolerance/${drug.body.allergy.id}`);
    expect(stored.meta.versionId).toBe('2');
    expect(stored.criticality).toBe('low');
    expect(stored.clinicalStatus.coding[0].code).toBe('inactive');
    // Untouched fields stay.
    expect(stored.reaction[0].severity).toBe('severe');
    // Active Peanut first, then inactive Amoxicillin (alphabetical order would put Amoxicillin first).
    expect(res.body.list.allergies.map((a: { id: string }) => a.id)).toEqual([
      peanut.body.allergy.id,
      drug.body.allergy.id,
    ]);
    const unknown = await post(h.app, ma, ALLERGIES, {
      action: 'update',
      id: 'nope',
      version: '1',
      criticality: 'low',
    });
    expect(unknown.status).toBe(404);
  });

  it('an entry recorded elsewhere (no category, no visit) can be corrected; an empty reaction list clears it', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-old');
    const seeded = await transaction(h.app, ctx, [
      {
        resource: {
          resourceType: 'AllergyIntolerance',
          id: 'alg-old',
          clinicalStatus: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
            ],
          },
          verificationStatus: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
                code: 'confirmed',
              },
            ],
          },
          code: { text: 'Sulfa drugs' },
          patient: { reference: `Patient/${PATIENT}` },
          reaction: [{ manifestation: [{ text: 'Rash' }] }],
        },
        request: { method: 'PUT', url: 'AllergyIntolerance/alg-old' },
      },
    ]);
    expect(seeded.status, seeded.text).toBe(200);
    const res = await post(h.app, ma, ALLERGIES, {
      action: 'update',
      id: 'alg-old',
      version: '1',
      criticality: 'high',
      reaction: [],
    });
    expect(res.status, res.text).toBe(200);
    const stored = await read(h.app, ctx, 'AllergyIntolerance/alg-old');
    expect(stored.criticality).toBe('high');
    expect(stored.reaction).toBeUndefined();
    expect(stored.category).toBeUndefined();
    // The correction is this visit's and this MA's.
    expect(stored.encounter.reference).toBe(`Encounter/${ENCOUNTER}`);
    expect(stored.recorder.reference).toBe(`Practitioner/${MA}`);
  });

  it('allergies reviewed: refused (409) while nothing active is recorded; then a stamp naming the MA, the newest wins', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-rev');
    const REVIEWED = `/api/rooming/encounters/${ENCOUNTER}/reviewed`;
    const stampsOf = async () =>
      ((await read(h.app, ctx, `Encounter/${ENCOUNTER}`)).extension ?? []).filter(
        (e: { url: string }) => e.url === REVIEWED_URL
      );
    // Nothing recorded: "reviewed" would read as "no known allergies" to the provider.
    const empty = await post(h.app, ma, REVIEWED, { what: 'allergies' });
    expect(empty.status, empty.text).toBe(409);
    expect(empty.body.resourceType).toBe('OperationOutcome');
    expect(empty.body.issue[0].expression).toEqual(['what']);
    expect(empty.body.issue[0].details.text).toMatch(/record NKDA or an allergy first/);
    expect(await stampsOf()).toEqual([]);

    // Only an inactive allergy on the list: still nothing a provider can rely on.
    const peanut = await post(h.app, ma, ALLERGIES, PEANUT);
    const inactive = await post(h.app, ma, ALLERGIES, {
      action: 'update',
      id: peanut.body.allergy.id,
      version: peanut.body.allergy.versionId,
      clinicalStatus: 'inactive',
    });
    expect(inactive.status, inactive.text).toBe(200);
    expect((await post(h.app, ma, REVIEWED, { what: 'allergies' })).status).toBe(409);
    expect(await stampsOf()).toEqual([]);

    const nkda = await post(h.app, ma, ALLERGIES, { action: 'nkda' });
    expect(nkda.status, nkda.text).toBe(201);
    const first = await post(h.app, ma, REVIEWED, { what: 'allergies' });
    expect(first.status, first.text).toBe(200);
    expect(first.body.stamp.by.reference).toBe(`Practitioner/${MA}`);
    await new Promise((r) => setTimeout(r, 5));
    const second = await post(h.app, ma, REVIEWED, { what: 'allergies' });
    expect(Date.parse(second.body.stamp.at)).toBeGreaterThan(Date.parse(first.body.stamp.at));
    const stamps = await stampsOf();
    expect(stamps).toHaveLength(2);
    expect(stamps[0].extension).toEqual([
      { url: 'what', valueCode: 'allergies' },
      { url: 'at', valueDateTime: first.body.stamp.at },
      { url: 'by', valueReference: { reference: `Practitioner/${MA}`, display: ma.user.username } },
    ]);
    const list = await get(h.app, ma, `${LIST}?encounter=${ENCOUNTER}`);
    expect(list.body.reviewed.at).toBe(second.body.stamp.at);
    expect(list.body.nkda).toBe(true);

    const bad = await post(h.app, ma, REVIEWED, { what: 'vitals' });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['what']);
  });

  it('a change names the version read: a second MA working from an older one gets 409 and changes nothing', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-ver');
    const second = await linkedUser(h.db, ctx, ['medical-assistant'], 'prac-second-ma');
    const drug = await post(h.app, ma, ALLERGIES, AMOXICILLIN);
    const id = drug.body.allergy.id as string;
    // Both MAs read the list at version 1.
    const read1 = await get(h.app, second, LIST);
    const seen = read1.body.allergies.find((a: { id: string }) => a.id === id);
    expect(seen.versionId).toBe('1');

    // Without a version: 400 naming it, for an update and for entered in error.
    for (const action of ['update', 'entered-in-error']) {
      const res = await post(h.app, second, ALLERGIES, { action, id, criticality: 'low' });
      expect(res.status, res.text).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['version']);
    }

    // The first MA adds a second reaction (version 2).
    const first = await post(h.app, ma, ALLERGIES, {
      action: 'update',
      id,
      version: '1',
      reaction: [
        { manifestation: { code: '126485001' }, severity: 'severe' },
        { manifestation: { text: 'Lip swelling' }, severity: 'moderate' },
      ],
    });
    expect(first.status, first.text).toBe(200);
    // The second MA, still at version 1, replaces the reactions: refused, naming version.
    const stale = await post(h.app, second, ALLERGIES, {
      action: 'update',
      id,
      version: seen.versionId,
      reaction: [{ manifestation: { text: 'Rash' } }],
    });
    expect(stale.status, stale.text).toBe(409);
    expect(stale.body.issue[0].expression).toEqual(['version']);
    const staleRemove = await post(h.app, second, ALLERGIES, {
      action: 'entered-in-error',
      id,
      version: seen.versionId,
    });
    expect(staleRemove.status, staleRemove.text).toBe(409);
    expect(staleRemove.body.issue[0].expression).toEqual(['version']);

    const stored = await read(h.app, ctx, `AllergyIntolerance/${id}`);
    expect(stored.meta.versionId).toBe('2');
    expect(stored.verificationStatus.coding[0].code).toBe('confirmed');
    expect(
      stored.reaction.map((r: { manifestation: { text: string }[] }) => r.manifestation[0].text)
    ).toEqual(['Urticaria (hives)', 'Lip swelling']);
    expect(stored.recorder.reference).toBe(`Practitioner/${MA}`);
  });

  it('a write answers the whole list, and that showing is audited as a read', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-aud');
    expect(await auditCount(h.db, ctx, 'allergy list', PATIENT)).toBe(0);
    const added = await post(h.app, ma, ALLERGIES, PEANUT);
    expect(added.status, added.text).toBe(201);
    expect(added.body.list.allergies).toHaveLength(1);
    expect(await auditCount(h.db, ctx, 'allergy list', PATIENT)).toBe(1);
    // A refused write shows nothing: no read record.
    expect((await post(h.app, ma, ALLERGIES, PEANUT)).status).toBe(409);
    expect(await auditCount(h.db, ctx, 'allergy list', PATIENT)).toBe(1);
  });

  it('front desk 403; a restricted chart answers 404 and nothing is written', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'alg-acl');
    const desk = await frontDesk(h.db, ctx);
    expect((await get(h.app, desk, LIST)).status).toBe(403);
    expect((await post(h.app, desk, ALLERGIES, { action: 'nkda' })).status).toBe(403);
    expect((await get(h.app, desk, '/api/rooming/catalog/allergens?q=pen')).status).toBe(403);
    expect((await get(h.app, ma, `/api/rooming/patients/${HIDDEN_PATIENT}/allergies`)).status).toBe(404);
    const hidden = await post(h.app, ma, `/api/rooming/encounters/${HIDDEN_ENCOUNTER}/allergies`, {
      action: 'nkda',
    });
    expect(hidden.status, hidden.text).toBe(404);
    expect(await all(h.app, ctx, 'AllergyIntolerance')).toEqual([]);
  });

  it('the allergen catalog answers by word prefix', async () => {
    const { ma } = await reviewClinic(h.app, h.db, 'alg-cat');
    const res = await get(h.app, ma, '/api/rooming/catalog/allergens?q=pen');
    expect(res.status, res.text).toBe(200);
    // Penicillin as RxNorm 70618 and as SNOMED 764146007; nothing else has a word starting with "pen".
    expect(res.body.allergens.map((a: { code: string }) => a.code).sort()).toEqual(['70618', '764146007']);
    expect(res.body.reactions.some((r: { code: string }) => r.code === '39579001')).toBe(true);
  });
});
