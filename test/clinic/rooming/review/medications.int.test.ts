import { describe, expect, it } from 'vitest';
import { countOf, transaction, testEngines, useEngine, type TestContext } from '../../../harness.js';
import {
  all,
  auditCount,
  ENCOUNTER,
  frontDesk,
  get,
  HIDDEN_ENCOUNTER,
  MA,
  PATIENT,
  post,
  read,
  REVIEWED_URL,
  reviewClinic,
  RXNORM,
} from './fixtures.js';
import type { FastifyInstance } from 'fastify';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored resources are inspected freely
type Loose = Record<string, any>;

const RECONCILE = `/api/rooming/encounters/${ENCOUNTER}/medications`;
const LIST = `/api/rooming/patients/${PATIENT}/medications`;
const SOURCE_URL = 'https://medassist.dev/fhir/StructureDefinition/medication-information-source';

const med = (code: string, display: string) => ({
  coding: [{ system: RXNORM, code, display }],
  text: display,
});

/**
 * Maria's medicines before the visit: two active statements (lisinopril, atorvastatin), an active
 * prescription with no statement yet (amoxicillin), and a completed course (naproxen).
 */
async function medicines(app: FastifyInstance, ctx: TestContext): Promise<void> {
  const put = (resource: Record<string, unknown> & { resourceType: string; id: string }) => ({
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
  });
  const subject = { reference: `Patient/${PATIENT}` };
  const answer = await transaction(app, ctx, [
    put({
      resourceType: 'MedicationStatement',
      id: 'ms-lisinopril',
      status: 'active',
      medicationCodeableConcept: med('314076', 'lisinopril 10 MG Oral Tablet'),
      subject,
      dosage: [{ text: 'Take 1 tablet by mouth once daily' }],
    }),
    put({
      resourceType: 'MedicationStatement',
      id: 'ms-atorvastatin',
      status: 'active',
      medicationCodeableConcept: med('617310', 'atorvastatin 20 MG Oral Tablet'),
      subject,
      effectivePeriod: { start: '2024-01-10' },
      dosage: [{ text: 'Take 1 tablet by mouth at bedtime' }],
    }),
    put({
      resourceType: 'MedicationStatement',
      id: 'ms-naproxen',
      status: 'completed',
      medicationCodeableConcept: med('849574', 'Naproxen sodium 220 MG Oral Tablet'),
      subject,
    }),
    put({
      resourceType: 'MedicationRequest',
      id: 'rx-amoxicillin',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: med('308192', 'Amoxicillin 500 MG Oral Tablet'),
      subject,
      dosageInstruction: [{ text: 'Take 1 tablet by mouth 3 times daily for 10 days' }],
    }),
  ]);
  expect(answer.status, answer.text).toBe(200);
}

describe.each(testEngines())('rooming medication reconciliation [%s]', (engine) => {
  const h = useEngine(engine);

  it('the list: current statements and unreconciled prescriptions, past ones apart', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-list');
    await medicines(h.app, ctx);
    const res = await get(h.app, ma, LIST);
    expect(res.status, res.text).toBe(200);
    expect(res.body.current.map((m: { ref: string }) => m.ref)).toEqual([
      'MedicationRequest/rx-amoxicillin',
      'MedicationStatement/ms-atorvastatin',
      'MedicationStatement/ms-lisinopril',
    ]);
    expect(res.body.current[0]).toMatchObject({ kind: 'prescription', rxnorm: '308192' });
    expect(res.body.past.map((m: { ref: string }) => m.ref)).toEqual(['MedicationStatement/ms-naproxen']);
    expect(await auditCount(h.db, ctx, 'medication list', PATIENT)).toBe(1);
  });

  it('one bad item: 400 naming it, nothing written; an item left unanswered: 422', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-bad');
    await medicines(h.app, ctx);
    const bad = await post(h.app, ma, RECONCILE, {
      items: [
        { ref: 'MedicationStatement/ms-lisinopril', status: 'taking', source: 'patient' },
        { ref: 'MedicationStatement/ms-atorvastatin', status: 'taking', source: 'patient' },
        { ref: 'MedicationRequest/rx-amoxicillin', status: 'maybe', source: 'patient' },
      ],
    });
    expect(bad.status, bad.text).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['items[2].status']);

    const changedWithoutDose = await post(h.app, ma, RECONCILE, {
      items: [{ ref: 'MedicationStatement/ms-lisinopril', status: 'changed', source: 'patient' }],
    });
    expect(changedWithoutDose.body.issue[0].expression).toEqual(['items[0].dosage']);

    const notOnList = await post(h.app, ma, RECONCILE, {
      items: [{ ref: 'MedicationStatement/ms-naproxen', status: 'taking', source: 'patient' }],
    });
    expect(notOnList.status).toBe(400);
    expect(notOnList.body.issue[0].expression).toEqual(['items[0].ref']);

    const unknownDrug = await post(h.app, ma, RECONCILE, {
      items: [{ drug: { rxnorm: '999999' }, status: 'taking', source: 'patient' }],
      complete: false,
    });
    expect(unknownDrug.body.issue[0].expression).toEqual(['items[0].drug.rxnorm']);

    // Two answered, the prescription not: the reconciliation is not complete (a business rule: 422).
    const partial = await post(h.app, ma, RECONCILE, {
      items: [
        { ref: 'MedicationStatement/ms-lisinopril', status: 'taking', source: 'patient' },
        { ref: 'MedicationStatement/ms-atorvastatin', status: 'taking', source: 'patient' },
      ],
    });
    expect(partial.status, partial.text).toBe(422);
    expect(partial.body.issue[0].expression).toEqual(['items']);

    // Nothing of any of these was written.
    expect((await read(h.app, ctx, 'MedicationStatement/ms-lisinopril')).meta.versionId).toBe('1');
    expect((await read(h.app, ctx, 'MedicationStatement/ms-atorvastatin')).meta.versionId).toBe('1');
    expect(await countOf(h.app, ctx, 'MedicationStatement')).toBe(3);
    expect(await countOf(h.app, ctx, 'Provenance')).toBe(0);
    const enc = await read(h.app, ctx, `Encounter/${ENCOUNTER}`);
    expect((enc.extension ?? []).filter((e: { url: string }) => e.url === REVIEWED_URL)).toEqual([]);
  });

  it('taking / not taking / changed / added: statuses mapped, sources, one Provenance, the stamp', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-ok');
    await medicines(h.app, ctx);
    const res = await post(h.app, ma, RECONCILE, {
      items: [
        { ref: 'MedicationStatement/ms-lisinopril', status: 'taking', source: 'patient' },
        {
          ref: 'MedicationStatement/ms-atorvastatin',
          status: 'changed',
          source: 'caregiver',
          dosage: 'Half a tablet at bedtime',
          note: 'Cut the dose for muscle aches',
        },
        { ref: 'MedicationRequest/rx-amoxicillin', status: 'not-taking', source: 'pharmacy-list' },
        { drug: { rxnorm: '311372' }, status: 'taking', source: 'outside-records', dosage: '1 tablet daily' },
      ],
    });
    expect(res.status, res.text).toBe(200);

    // taking -> active, a new version asserted today for this visit, from the patient.
    const lisinopril = await read(h.app, ctx, 'MedicationStatement/ms-lisinopril');
    expect(lisinopril.status).toBe('active');
    expect(lisinopril.meta.versionId).toBe('2');
    expect(lisinopril.informationSource).toEqual({ reference: `Patient/${PATIENT}` });
    expect(lisinopril.context.reference).toBe(`Encounter/${ENCOUNTER}`);
    expect(lisinopril.extension).toEqual([{ url: SOURCE_URL, valueCode: 'patient' }]);
    expect(lisinopril.dosage[0].text).toBe('Take 1 tablet by mouth once daily');

    // changed -> the old statement stopped (period ended), a new active one with the new dosage and the note.
    const atorvastatin = await read(h.app, ctx, 'MedicationStatement/ms-atorvastatin');
    expect(atorvastatin.status).toBe('stopped');
    expect(atorvastatin.effectivePeriod.end).toBeDefined();
    const statements = await all(h.app, ctx, 'MedicationStatement');
    const replacement = statements.find(
      (s) =>
        (s.derivedFrom as { reference: string }[] | undefined)?.[0]?.reference ===
        'MedicationStatement/ms-atorvastatin'
    ) as Loose;
    expect(replacement.status).toBe('active');
    expect(replacement.dosage).toEqual([{ text: 'Half a tablet at bedtime' }]);
    expect(replacement.note[0].text).toBe('Cut the dose for muscle aches');
    expect(replacement.note[0].authorReference.reference).toBe(`Practitioner/${MA}`);
    expect(replacement.medicationCodeableConcept.coding[0].code).toBe('617310');
    expect(replacement.informationSource).toEqual({ display: 'Caregiver' });

    // The prescription -> a statement based on it, not-taken, from the pharmacy list.
    const amoxicillin = statements.find(
      (s) =>
        (s.basedOn as { reference: string }[] | undefined)?.[0]?.reference ===
        'MedicationRequest/rx-amoxicillin'
    ) as Loose;
    expect(amoxicillin.status).toBe('not-taken');
    expect(amoxicillin.informationSource).toEqual({ display: 'Pharmacy list' });
    expect(amoxicillin.dosage[0].text).toBe('Take 1 tablet by mouth 3 times daily for 10 days');

    // Added: loratadine 10 MG (RxNorm 311372 in reference/catalogs/drugs.json).
    const loratadine = statements.find(
      (s) => (s.medicationCodeableConcept as { coding?: { code: string }[] }).coding?.[0]?.code === '311372'
    ) as Loose;
    expect(loratadine.status).toBe('active');
    expect(loratadine.medicationCodeableConcept.coding[0].system).toBe(RXNORM);
    expect(loratadine.informationSource).toEqual({ display: 'Outside records' });

    // 3 seeded + replacement + amoxicillin + loratadine = 6 statements.
    expect(statements).toHaveLength(6);
    // One Provenance naming the MA, over the 5 versions written (2 updates, 3 creates).
    const provenances = await all(h.app, ctx, 'Provenance');
    expect(provenances).toHaveLength(1);
    const provenance = provenances[0] as Loose;
    expect(provenance.agent[0].who.reference).toBe(`Practitioner/${MA}`);
    expect(provenance.target).toHaveLength(5);
    expect(provenance.target).toContainEqual({ reference: 'MedicationStatement/ms-lisinopril/_history/2' });
    expect(res.body.provenance).toBe(`Provenance/${provenance.id}`);

    // The review stamp, and the list as it now stands: the prescription is reconciled (not on the list).
    expect(res.body.reviewed).toMatchObject({ what: 'medications', by: { reference: `Practitioner/${MA}` } });
    const enc = await read(h.app, ctx, `Encounter/${ENCOUNTER}`);
    const stamp = enc.extension.find((e: { url: string }) => e.url === REVIEWED_URL);
    expect(stamp.extension[0]).toEqual({ url: 'what', valueCode: 'medications' });
    expect(res.body.list.current.map((m: { text: string }) => m.text)).toEqual([
      'atorvastatin 20 MG Oral Tablet',
      'lisinopril 10 MG Oral Tablet',
      'Loratadine 10 MG Oral Tablet',
    ]);
    expect(res.body.list.past.map((m: { status: string }) => m.status).sort()).toEqual([
      'completed',
      'not-taken',
      'stopped',
    ]);
    const listed = await get(h.app, ma, `${LIST}?encounter=${ENCOUNTER}`);
    expect(listed.body.reviewed.at).toBe(res.body.reviewed.at);
  });

  it('"reviewed" never stamps medications: only a complete reconciliation does (409 naming what)', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-stamp');
    await medicines(h.app, ctx);
    const res = await post(h.app, ma, `/api/rooming/encounters/${ENCOUNTER}/reviewed`, {
      what: 'medications',
    });
    expect(res.status, res.text).toBe(409);
    expect(res.body.issue[0].expression).toEqual(['what']);
    const enc = await read(h.app, ctx, `Encounter/${ENCOUNTER}`);
    expect((enc.extension ?? []).filter((e: { url: string }) => e.url === REVIEWED_URL)).toEqual([]);
    expect((await read(h.app, ctx, 'MedicationStatement/ms-lisinopril')).meta.versionId).toBe('1');
  });

  it('a patient who takes nothing: said explicitly (SNOMED 787481004), ended when a medication is taken', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-none');
    // Nothing on file, nothing added: completing needs the explicit answer.
    const silent = await post(h.app, ma, RECONCILE, { items: [] });
    expect(silent.status, silent.text).toBe(422);
    expect(silent.body.issue[0].expression).toEqual(['noMedications']);
    // Only with a complete reconciliation, and never with a medication taken.
    const progress = await post(h.app, ma, RECONCILE, { items: [], complete: false, noMedications: true });
    expect(progress.status).toBe(400);
    expect(progress.body.issue[0].expression).toEqual(['noMedications']);
    const contradicts = await post(h.app, ma, RECONCILE, {
      items: [{ drug: { text: 'Fish oil' }, status: 'taking', source: 'patient' }],
      noMedications: true,
    });
    expect(contradicts.status).toBe(400);
    expect(contradicts.body.issue[0].expression).toEqual(['noMedications']);
    const typo = await post(h.app, ma, RECONCILE, { items: [], noMedications: 'yes' });
    expect(typo.body.issue[0].expression).toEqual(['noMedications']);
    expect(await countOf(h.app, ctx, 'MedicationStatement')).toBe(0);

    const none = await post(h.app, ma, RECONCILE, { items: [], noMedications: true });
    expect(none.status, none.text).toBe(200);
    expect(none.body.reviewed).toMatchObject({
      what: 'medications',
      by: { reference: `Practitioner/${MA}` },
    });
    expect(none.body.list).toMatchObject({ current: [], noMedications: true });
    const [statement] = (await all(h.app, ctx, 'MedicationStatement')) as Loose[];
    expect(statement.status).toBe('active');
    expect(statement.medicationCodeableConcept.coding).toEqual([
      { system: 'http://snomed.info/sct', code: '787481004', display: 'No known medications' },
    ]);
    expect(statement.subject.reference).toBe(`Patient/${PATIENT}`);
    expect(statement.context.reference).toBe(`Encounter/${ENCOUNTER}`);
    expect(statement.informationSource).toEqual({ reference: `Patient/${PATIENT}` });
    const provenances = (await all(h.app, ctx, 'Provenance')) as Loose[];
    expect(provenances).toHaveLength(1);
    expect(provenances[0].agent[0].who.reference).toBe(`Practitioner/${MA}`);
    expect(provenances[0].target).toEqual([{ reference: `MedicationStatement/${statement.id}/_history/1` }]);

    // Said again at the next reconciliation: still one entry.
    const again = await post(h.app, ma, RECONCILE, { items: [], noMedications: true });
    expect(again.status, again.text).toBe(200);
    expect(await countOf(h.app, ctx, 'MedicationStatement')).toBe(1);

    // The patient starts a medication: the "no known medications" entry no longer holds.
    const started = await post(h.app, ma, RECONCILE, {
      items: [{ drug: { rxnorm: '311372' }, status: 'taking', source: 'patient', dosage: '1 tablet daily' }],
    });
    expect(started.status, started.text).toBe(200);
    expect(started.body.list.noMedications).toBe(false);
    expect(started.body.list.current.map((m: { text: string }) => m.text)).toEqual([
      'Loratadine 10 MG Oral Tablet',
    ]);
    // It is neither a current nor a past medication on the list.
    expect(started.body.list.past).toEqual([]);
    const ended = await read(h.app, ctx, `MedicationStatement/${statement.id}`);
    expect(ended.status).toBe('completed');
    expect(ended.meta.versionId).toBe('2');
  });

  it('every medication answered "not taking" needs the explicit "no medications" too', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-stop');
    await medicines(h.app, ctx);
    const items = [
      { ref: 'MedicationStatement/ms-lisinopril', status: 'not-taking', source: 'patient' },
      { ref: 'MedicationStatement/ms-atorvastatin', status: 'not-taking', source: 'patient' },
      { ref: 'MedicationRequest/rx-amoxicillin', status: 'not-taking', source: 'patient' },
    ];
    const res = await post(h.app, ma, RECONCILE, { items });
    expect(res.status, res.text).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['noMedications']);
    expect((await read(h.app, ctx, 'MedicationStatement/ms-lisinopril')).meta.versionId).toBe('1');
    const ok = await post(h.app, ma, RECONCILE, { items, noMedications: true });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.list).toMatchObject({ current: [], noMedications: true });
    expect(ok.body.reviewed.what).toBe('medications');
  });

  it('a reconciliation answers the whole list, and that showing is audited as a read', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-aud');
    await medicines(h.app, ctx);
    const res = await post(h.app, ma, RECONCILE, {
      items: [{ ref: 'MedicationStatement/ms-lisinopril', status: 'taking', source: 'patient' }],
      complete: false,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.list.current.length).toBe(3);
    expect(await auditCount(h.db, ctx, 'medication list', PATIENT)).toBe(1);
  });

  it('front desk 403; restricted visit 404; the drug catalog', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'med-acl');
    const desk = await frontDesk(h.db, ctx);
    expect((await get(h.app, desk, LIST)).status).toBe(403);
    expect((await post(h.app, desk, RECONCILE, { items: [] })).status).toBe(403);
    expect(
      (await post(h.app, ma, `/api/rooming/encounters/${HIDDEN_ENCOUNTER}/medications`, { items: [] })).status
    ).toBe(404);
    const drugs = await get(h.app, ma, '/api/rooming/catalog/drugs?q=amox%20500');
    expect(drugs.status, drugs.text).toBe(200);
    // "amox" and "500" both start words only of Amoxicillin 500 MG Oral Tablet (the 250/125 tablet has no "500").
    expect(drugs.body.drugs.map((d: { code: string }) => d.code)).toEqual(['308192']);
  });
});
