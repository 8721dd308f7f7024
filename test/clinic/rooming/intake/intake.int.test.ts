import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../src/auth/accessMatrix.js';
import {
  createSession,
  DEFAULT_SESSION_LIMITS,
  loadSession,
  userPrincipal,
} from '../../../../src/auth/sessions.js';
import { cosignQueue } from '../../../../src/clinic/rooming/intake/cosignQueue.js';
import { createUser } from '../../../../src/auth/users.js';
import { localDate, localMidnight } from '../../../../src/clinic/flow/visit.js';
import { nextDay } from '../../../../src/clinic/rooming/gaps/huddle.js';
import type { Database } from '../../../../src/store/db.js';
import { signedInUser, TEST_PASSWORD, type TestUser } from '../../../authHarness.js';
import {
  fhir,
  newPractice,
  testEngines,
  transaction,
  useEngine,
  type TestContext,
} from '../../../harness.js';
import {
  appointment,
  BIRTH_DATE,
  clinic,
  get,
  goodCheckIn,
  MA,
  PATIENT,
  post,
  PROVIDER,
  SITE,
} from '../../flow/fixtures.js';

/** A signed-in user linked to a Practitioner (authorOf names the Practitioner). */
async function staff(
  db: Database,
  ctx: TestContext,
  roles: Role[],
  practitionerId?: string
): Promise<TestUser> {
  const user = await createUser(db, ctx.practiceId, {
    username: `${roles[0]}-${randomUUID().slice(0, 8)}`,
    displayName: `Test ${roles[0]}`,
    roles,
    password: TEST_PASSWORD,
    practitionerId: practitionerId ?? null,
  });
  const { token, id } = await createSession(db, user, 'signed-in', { now: new Date() });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, new Date(), false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

const put = (resource: { resourceType: string; id: string } & Record<string, unknown>) => ({
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});

describe.each(testEngines())('rooming intake, education, care gaps, huddle [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'intake');
    await clinic(h.app, ctx);
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const ma = await staff(h.db, ctx, ['medical-assistant'], MA);
    const provider = await staff(h.db, ctx, ['provider'], PROVIDER);
    const checkIn = await post(h.app, desk, '/api/flow/check-in', goodCheckIn());
    expect(checkIn.status, checkIn.text).toBe(201);
    return { ctx, desk, ma, provider, encounterId: checkIn.body.encounter.id as string };
  }

  const intakeCount = async (ctx: TestContext) =>
    (
      await fhir(h.app, ctx, {
        method: 'GET',
        url: 'Observation?code=http://loinc.org|8661-1,http://loinc.org|34109-9&_summary=count',
      })
    ).body.total as number;

  it('chief complaint and MA note: shapes, provider co-signature with Provenance, queue, amendment re-queues', async () => {
    const { ctx, ma, provider, encounterId } = await setUp();
    const saved = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/intake`, {
      chiefComplaint: 'Cough for 3 days',
      note: 'Reports a dry cough, worse at night. No fever at home.',
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.chiefComplaint).toMatchObject({
      text: 'Cough for 3 days',
      status: 'preliminary',
      awaitingCosign: true,
      version: '1',
      enteredBy: { role: 'medical-assistant', practitionerId: MA },
    });
    expect(saved.body.note.status).toBe('preliminary');

    const ccId = saved.body.chiefComplaint.id as string;
    const noteId = saved.body.note.id as string;
    const cc = (await fhir(h.app, ctx, { method: 'GET', url: `Observation/${ccId}` })).body;
    expect(cc.code.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '8661-1' });
    expect(cc.valueString).toBe('Cough for 3 days');
    expect(cc.subject.reference).toBe(`Patient/${PATIENT}`);
    expect(cc.encounter.reference).toBe(`Encounter/${encounterId}`);
    expect(cc.performer[0].reference).toBe(`Practitioner/${MA}`);
    const note = (await fhir(h.app, ctx, { method: 'GET', url: `Observation/${noteId}` })).body;
    expect(note.code.coding[0].code).toBe('34109-9');

    // One open routine "cosign-needed" notice to the visit's provider, without the text of the entries.
    const openNotices = async () =>
      (
        await fhir(h.app, ctx, {
          method: 'GET',
          url: `Communication?encounter=Encounter/${encounterId}&status=in-progress`,
        })
      ).body.entry?.map((e: { resource: unknown }) => e.resource) ?? [];
    const notices = await openNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      priority: 'routine',
      category: [{ coding: [{ system: 'urn:medassist:notice', code: 'cosign-needed' }] }],
      recipient: [{ reference: `Practitioner/${PROVIDER}` }],
      payload: [{ contentString: 'Intake entries await your co-signature' }],
    });

    // Only providers sign, and only providers see the queue.
    expect((await post(h.app, ma, `/api/rooming/cosign/${ccId}/sign`, {})).status).toBe(403);
    expect((await get(h.app, ma, '/api/rooming/cosign')).status).toBe(403);

    const queue = await get(h.app, provider, '/api/rooming/cosign');
    expect(queue.status, queue.text).toBe(200);
    expect(queue.body.scope).toBe('mine');
    expect(queue.body.items.map((i: { id: string }) => i.id).sort()).toEqual([ccId, noteId].sort());
    expect(queue.body.items[0].patient).toEqual({
      id: PATIENT,
      name: 'Maria Delgado',
      birthDate: BIRTH_DATE,
    });
    expect(queue.body.items[0].provider).toEqual({ id: PROVIDER, name: 'Dr. Amara Nwosu' });

    // Another provider's "mine" is empty; "all" shows both.
    const other = await staff(h.db, ctx, ['provider'], 'prac-other');
    expect((await get(h.app, other, '/api/rooming/cosign')).body.items).toEqual([]);
    expect((await get(h.app, other, '/api/rooming/cosign?scope=all')).body.items).toHaveLength(2);

    const signed = await post(h.app, provider, `/api/rooming/cosign/${ccId}/sign`, { version: '1' });
    expect(signed.status, signed.text).toBe(200);
    // Signing writes version 2 (final, marker removed); the Provenance targets exactly that version.
    expect(signed.body.observation).toMatchObject({ status: 'final', meta: { versionId: '2' } });
    const provenance = (
      await fhir(h.app, ctx, { method: 'GET', url: `Provenance?target=Observation/${ccId}` })
    ).body.entry.map((e: { resource: unknown }) => e.resource);
    expect(provenance).toHaveLength(1);
    expect(provenance[0].target).toEqual([{ reference: `Observation/${ccId}/_history/2` }]);
    expect(provenance[0].agent[0].type.coding[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
      code: 'verifier',
    });
    expect(provenance[0].agent[0].who.reference).toBe(`Practitioner/${PROVIDER}`);
    expect(provenance[0].signature[0].type[0]).toMatchObject({
      system: 'urn:iso-astm:E1762-95:2013',
      code: '1.2.840.10065.1.12.1.5',
    });
    expect(typeof provenance[0].recorded).toBe('string');

    // Already signed (the version is the current one): 409 naming the entry.
    const twice = await post(h.app, provider, `/api/rooming/cosign/${ccId}/sign`, { version: '2' });
    expect(twice.status, twice.text).toBe(409);
    expect(twice.body.issue[0].expression).toEqual(['id']);
    const after = await get(h.app, provider, '/api/rooming/cosign');
    expect(after.body.items.map((i: { id: string }) => i.id)).toEqual([noteId]);
    const view = await get(h.app, ma, `/api/rooming/encounters/${encounterId}/intake`);
    expect(view.body.chiefComplaint.awaitingCosign).toBe(false);
    expect(view.body.chiefComplaint.signed.by).toBe(provider.user.username);

    // Editing the signed entry: an amended version (3), awaiting signature again.
    const edited = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/intake`, {
      chiefComplaint: 'Cough for 3 days, now with sore throat',
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.chiefComplaint).toMatchObject({
      status: 'amended',
      awaitingCosign: true,
      version: '3',
    });
    expect(edited.body.chiefComplaint.signed).toBeUndefined();
    expect((await get(h.app, provider, '/api/rooming/cosign')).body.items).toHaveLength(2);
    // A stale version is refused; the current one signs, and the entry stays "amended".
    expect((await post(h.app, provider, `/api/rooming/cosign/${ccId}/sign`, { version: '2' })).status).toBe(
      409
    );
    const resigned = await post(h.app, provider, `/api/rooming/cosign/${ccId}/sign`, { version: '3' });
    expect(resigned.status, resigned.text).toBe(200);
    expect(resigned.body.observation).toMatchObject({ status: 'amended', meta: { versionId: '4' } });
    expect(resigned.body.provenance.target[0].reference).toBe(`Observation/${ccId}/_history/4`);
    // Still one chief complaint for the visit: edits are versions, not new records.
    expect(await intakeCount(ctx)).toBe(2);
    // The note still waits, so the one notice stays open; signing the note closes it.
    expect(await openNotices()).toHaveLength(1);
    expect((await post(h.app, provider, `/api/rooming/cosign/${noteId}/sign`, { version: '1' })).status).toBe(
      200
    );
    expect(await openNotices()).toHaveLength(0);
    expect((await get(h.app, provider, '/api/rooming/cosign')).body.items).toEqual([]);
  });

  it('two first saves of a visit at once make one chief complaint with two versions', async () => {
    const { ctx, ma, encounterId } = await setUp();
    const url = `/api/rooming/encounters/${encounterId}/intake`;
    const answers = await Promise.all([
      post(h.app, ma, url, { chiefComplaint: 'Headache' }),
      post(h.app, ma, url, { chiefComplaint: 'Headache and nausea' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await intakeCount(ctx)).toBe(1);
    const view = await get(h.app, ma, url);
    expect(view.body.chiefComplaint.version).toBe('2');
  });

  it('co-signing needs the version the provider read: without it 400 naming version, nothing signed', async () => {
    const { ctx, ma, provider, encounterId } = await setUp();
    const saved = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/intake`, {
      chiefComplaint: 'Ankle pain after a fall',
    });
    const ccId = saved.body.chiefComplaint.id as string;
    // The MA corrects the text after the provider opened the queue (version 1 -> 2).
    await post(h.app, ma, `/api/rooming/encounters/${encounterId}/intake`, {
      chiefComplaint: 'Ankle pain after a fall, cannot bear weight',
    });
    for (const body of [{}, { version: '' }, { version: 2 }, { version: 'latest' }]) {
      const res = await post(h.app, provider, `/api/rooming/cosign/${ccId}/sign`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression).toEqual(['version']);
    }
    // The version read before the correction is refused; nothing was signed.
    const stale = await post(h.app, provider, `/api/rooming/cosign/${ccId}/sign`, { version: '1' });
    expect(stale.status, stale.text).toBe(409);
    expect(stale.body.issue[0].expression).toEqual(['version']);
    const cc = (await fhir(h.app, ctx, { method: 'GET', url: `Observation/${ccId}` })).body;
    expect(cc).toMatchObject({ status: 'preliminary', meta: { versionId: '2' } });
    const provenance = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Provenance?target=Observation/${ccId}&_summary=count`,
    });
    expect(provenance.body.total).toBe(0);
    // An MA is refused before the body is looked at.
    expect((await post(h.app, ma, `/api/rooming/cosign/${ccId}/sign`, { version: '2' })).status).toBe(403);
    const signed = await post(h.app, provider, `/api/rooming/cosign/${ccId}/sign`, { version: '2' });
    expect(signed.status, signed.text).toBe(200);
    expect(signed.body.provenance.target).toEqual([{ reference: `Observation/${ccId}/_history/3` }]);
  });

  it('saving intake answers the whole intake, and that showing is audited as a read', async () => {
    const { ctx, ma, encounterId } = await setUp();
    const readsOf = async () =>
      (
        await h.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND action = 'R' AND subtype = 'rooming' AND category = 'clinical notes' AND user_id = $2 AND $3 = ANY(patient_ids)",
          [ctx.practiceId, ma.user.id, PATIENT]
        )
      ).rows[0].n;
    const url = `/api/rooming/encounters/${encounterId}/intake`;
    expect((await post(h.app, ma, url, { note: 'Brought her glucose log' })).status).toBe(200);
    // The second save writes the chief complaint and answers with the note written before: shown, so read.
    const second = await post(h.app, ma, url, { chiefComplaint: 'Follow-up of diabetes' });
    expect(second.status, second.text).toBe(200);
    expect(second.body.note.text).toBe('Brought her glucose log');
    expect(await readsOf()).toBe(2);
  });

  it('"mine" is filtered before the limit: older entries of other providers do not push mine out', async () => {
    const { ctx, ma, provider, encounterId } = await setUp();
    const awaiting = (id: string, encounter: string) =>
      put({
        resourceType: 'Observation',
        id,
        status: 'preliminary',
        extension: [
          { url: 'https://medassist.dev/fhir/StructureDefinition/awaiting-cosign', valueBoolean: true },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: '8661-1' }] },
        subject: { reference: `Patient/${PATIENT}` },
        encounter: { reference: `Encounter/${encounter}` },
        valueString: 'Sore throat',
      });
    const visit = (id: string, practitioner: string, appointment?: string) =>
      put({
        resourceType: 'Encounter',
        id,
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${PATIENT}` },
        participant: [{ individual: { reference: `Practitioner/${practitioner}` } }],
        ...(appointment ? { appointment: [{ reference: `Appointment/${appointment}` }] } : {}),
      });
    // Three older entries that are not Dr. Nwosu's: two visits of another provider, and one whose Encounter
    // names Dr. Nwosu but whose Appointment (which wins) is with the other provider.
    const seeded = await transaction(h.app, ctx, [
      visit('enc-other-1', 'prac-other'),
      visit('enc-other-2', 'prac-other'),
      put({
        resourceType: 'Appointment',
        id: 'appt-other',
        status: 'fulfilled',
        start: '2026-11-20T15:00:00Z',
        end: '2026-11-20T15:20:00Z',
        participant: [
          { actor: { reference: `Patient/${PATIENT}` }, status: 'accepted' },
          { actor: { reference: 'Practitioner/prac-other' }, status: 'accepted' },
        ],
      }),
      visit('enc-other-3', PROVIDER, 'appt-other'),
    ]);
    expect(seeded.status, seeded.text).toBe(200);
    for (const [id, enc] of [
      ['obs-other-1', 'enc-other-1'],
      ['obs-other-2', 'enc-other-2'],
      ['obs-other-3', 'enc-other-3'],
    ]) {
      const one = await transaction(h.app, ctx, [awaiting(id, enc)]);
      expect(one.status, one.text).toBe(200);
    }
    // Dr. Nwosu's own entry is the newest.
    const saved = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/intake`, {
      chiefComplaint: 'Rash on both arms',
    });
    expect(saved.status, saved.text).toBe(200);
    const active = await loadSession(h.db, provider.token, DEFAULT_SESSION_LIMITS, new Date(), false);
    const providerCtx = {
      practiceId: ctx.practiceId,
      baseUrl: 'http://test/fhir/R4',
      principal: userPrincipal(active),
    };
    const mine = await cosignQueue(h.db, providerCtx, 'mine', 2);
    expect(mine.items.map((i) => i.id)).toEqual([saved.body.chiefComplaint.id]);
    // "all" with the same limit: the two oldest.
    const everyone = await cosignQueue(h.db, providerCtx, 'all', 2);
    expect(everyone.items.map((i) => i.id)).toEqual(['obs-other-1', 'obs-other-2']);
    // The other provider's "mine": their three, Dr. Nwosu's not.
    const other = await staff(h.db, ctx, ['provider'], 'prac-other');
    const theirs = await get(h.app, other, '/api/rooming/cosign');
    expect(theirs.body.items.map((i: { id: string }) => i.id)).toEqual([
      'obs-other-1',
      'obs-other-2',
      'obs-other-3',
    ]);
    // A provider linked to no Practitioner has no "mine".
    const unlinked = await staff(h.db, ctx, ['provider']);
    const none = await get(h.app, unlinked, '/api/rooming/cosign?scope=mine');
    expect(none.status, none.text).toBe(200);
    expect(none.body.items).toEqual([]);
  });

  it('bad intake input is a 400 naming the field, and writes nothing; the front desk gets 403 everywhere', async () => {
    const { ctx, desk, ma, encounterId } = await setUp();
    const url = `/api/rooming/encounters/${encounterId}/intake`;
    const empty = await post(h.app, ma, url, {});
    expect(empty.status).toBe(400);
    expect(empty.body.issue[0].expression).toEqual(['chiefComplaint']);
    const wrong = await post(h.app, ma, url, { chiefComplaint: 'Headache', note: 42 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issue[0].expression).toEqual(['note']);
    const long = await post(h.app, ma, url, { chiefComplaint: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect(await intakeCount(ctx)).toBe(0);
    expect((await post(h.app, ma, '/api/rooming/encounters/no-such/intake', { note: 'x' })).status).toBe(404);

    for (const [method, path] of [
      ['POST', url],
      ['GET', url],
      ['GET', '/api/rooming/cosign'],
      ['GET', '/api/rooming/handouts'],
      ['GET', '/api/rooming/handouts/asthma/pdf'],
      ['POST', `/api/rooming/encounters/${encounterId}/education`],
      ['GET', `/api/rooming/patients/${PATIENT}/education`],
      ['GET', `/api/rooming/patients/${PATIENT}/care-gaps`],
      ['GET', `/api/rooming/huddle?location=${SITE}`],
      ['GET', `/api/rooming/huddle/pdf?location=${SITE}`],
    ] as const) {
      const res =
        method === 'POST'
          ? await post(h.app, desk, path, { chiefComplaint: 'x', handoutId: 'asthma', language: 'en' })
          : await get(h.app, desk, path);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await intakeCount(ctx)).toBe(0);
  });

  it('education: handouts EN/ES, PDFs, what was given recorded with its author, suggestions and MedlinePlus links', async () => {
    const { ctx, ma, encounterId } = await setUp();
    const loaded = await transaction(h.app, ctx, [
      put({
        resourceType: 'Condition',
        id: 'cond-dm',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        code: {
          coding: [
            { system: 'http://snomed.info/sct', code: '44054006' },
            { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' },
          ],
          text: 'Type 2 diabetes',
        },
        subject: { reference: `Patient/${PATIENT}` },
      }),
    ]);
    expect(loaded.status, loaded.text).toBe(200);

    const library = await get(h.app, ma, '/api/rooming/handouts?language=es');
    expect(library.status).toBe(200);
    expect(library.body.handouts.length).toBeGreaterThanOrEqual(8);
    expect(library.body.handouts.find((x: { id: string }) => x.id === 'asthma').title).toBe(
      'Asma: respire mejor'
    );
    expect((await get(h.app, ma, '/api/rooming/handouts?language=fr')).status).toBe(400);

    for (const language of ['en', 'es']) {
      const pdf = await get(
        h.app,
        ma,
        `/api/rooming/handouts/type-2-diabetes/pdf?language=${language}&location=${SITE}`
      );
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.text.startsWith('%PDF')).toBe(true);
    }
    expect((await get(h.app, ma, '/api/rooming/handouts/nope/pdf')).status).toBe(404);

    const bad = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/education`, {
      handoutId: 'nope',
      language: 'es',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['handoutId']);
    const badLanguage = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/education`, {
      handoutId: 'asthma',
      language: 'fr',
    });
    expect(badLanguage.body.issue[0].expression).toEqual(['language']);

    const given = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/education`, {
      handoutId: 'type-2-diabetes',
      language: 'es',
    });
    expect(given.status, given.text).toBe(201);
    const procedure = (await fhir(h.app, ctx, { method: 'GET', url: `Procedure/${given.body.id}` })).body;
    expect(procedure.status).toBe('completed');
    expect(procedure.code.coding[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '311401005' });
    expect(procedure.performer[0].actor.reference).toBe(`Practitioner/${MA}`);
    expect(procedure.recorder.reference).toBe(`Practitioner/${MA}`);
    expect(procedure.encounter.reference).toBe(`Encounter/${encounterId}`);

    const education = await get(h.app, ma, `/api/rooming/patients/${PATIENT}/education`);
    expect(education.status, education.text).toBe(200);
    // Maria Delgado's preferred language is Spanish (fixtures).
    expect(education.body.preferredLanguage).toBe('es');
    expect(education.body.given).toHaveLength(1);
    expect(education.body.given[0]).toMatchObject({
      handoutId: 'type-2-diabetes',
      title: 'Diabetes tipo 2: tome el control',
      language: 'es',
      encounterId,
    });
    expect(education.body.suggested).toEqual(['type-2-diabetes']);
    expect(education.body.library[0].id).toBe('type-2-diabetes');
    expect(education.body.problems[0].medlinePlus.es).toBe(
      'https://connect.medlineplus.gov/application?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=E11.9&informationRecipient.languageCode.c=es'
    );
  });

  it('care gaps for a patient and the huddle sheet for a date with visits (JSON and PDF)', async () => {
    const { ctx, ma, provider } = await setUp();
    // 2026-05-20 14:00Z is 10:00 AM in New York (EDT, UTC-4).
    const loaded = await transaction(h.app, ctx, [
      appointment('appt-huddle', new Date('2026-05-20T14:00:00Z')),
      // Tomorrow at 10:00 in the site's zone (24 hours from now is the same day at a DST change).
      appointment(
        'appt-tomorrow',
        new Date(
          localMidnight(nextDay(localDate(new Date(), 'America/New_York')), 'America/New_York').getTime() +
            10 * 3600_000
        )
      ),
      put({
        resourceType: 'Condition',
        id: 'cond-dm',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' }] },
        subject: { reference: `Patient/${PATIENT}` },
      }),
      put({
        resourceType: 'Observation',
        id: 'obs-bp',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
        subject: { reference: `Patient/${PATIENT}` },
        effectiveDateTime: '2026-01-10T15:00:00Z',
        component: [
          {
            code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
            valueQuantity: {
              value: 128,
              unit: 'mm[Hg]',
              system: 'http://unitsofmeasure.org',
              code: 'mm[Hg]',
            },
          },
          {
            code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
            valueQuantity: { value: 82, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
          },
        ],
      }),
      put({
        resourceType: 'AllergyIntolerance',
        id: 'nkda',
        clinicalStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
          ],
        },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '409137002' }] },
        patient: { reference: `Patient/${PATIENT}` },
      }),
    ]);
    expect(loaded.status, loaded.text).toBe(200);

    // Maria Delgado, born 1980-04-12, is 46 on 2026-05-20 (out of flu season). BP 2026-01-10 is within 12
    // months; type 2 diabetes with no HbA1c; no colorectal screening at 46; no PHQ-2/PHQ-9.
    const gaps = await get(h.app, ma, `/api/rooming/patients/${PATIENT}/care-gaps?date=2026-05-20`);
    expect(gaps.status, gaps.text).toBe(200);
    expect(gaps.body.gaps.map((g: { id: string }) => g.id)).toEqual([
      'hba1c',
      'colorectal-screening',
      'depression-screening',
    ]);
    expect(gaps.body.gaps[1].why).toBe('Age 46; no colorectal screening on record');
    expect((await get(h.app, ma, `/api/rooming/patients/${PATIENT}/care-gaps?date=2026-02-30`)).status).toBe(
      400
    );

    const huddle = await get(h.app, provider, `/api/rooming/huddle?location=${SITE}&date=2026-05-20`);
    expect(huddle.status, huddle.text).toBe(200);
    expect(huddle.body.date).toBe('2026-05-20');
    expect(huddle.body.rows).toHaveLength(1);
    expect(huddle.body.rows[0]).toMatchObject({
      appointmentId: 'appt-huddle',
      time: '10:00 AM',
      patient: { id: PATIENT, name: 'Maria Delgado', birthDate: BIRTH_DATE },
      visitType: { code: 'follow-up' },
      allergies: { count: 0, nkda: true },
    });
    expect(huddle.body.rows[0].gaps.map((g: { id: string }) => g.id)).toEqual([
      'hba1c',
      'colorectal-screening',
      'depression-screening',
    ]);

    // Without a date: tomorrow in the site's zone.
    const tomorrow = await get(h.app, ma, `/api/rooming/huddle?location=${SITE}`);
    expect(tomorrow.body.date).toBe(nextDay(localDate(new Date(), 'America/New_York')));
    expect(tomorrow.body.rows.map((r: { appointmentId: string }) => r.appointmentId)).toContain(
      'appt-tomorrow'
    );

    const pdf = await get(h.app, ma, `/api/rooming/huddle/pdf?location=${SITE}&date=2026-05-20`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF')).toBe(true);
    expect((await get(h.app, ma, '/api/rooming/huddle')).status).toBe(400);

    // Audited: the care gaps read (R), the two huddle reads as searches (E), the print (R, subtype print).
    const audit = await h.db.query<{ action: string; subtype: string }>(
      "SELECT action, subtype FROM audit_event WHERE practice_id = $1 AND category = 'care gaps' AND $2 = ANY(patient_ids) ORDER BY seq",
      [ctx.practiceId, PATIENT]
    );
    expect(audit.rows.map((r) => `${r.action}/${r.subtype}`)).toEqual([
      'R/rooming',
      'E/rooming',
      'E/rooming',
      'R/print',
    ]);
  });
});
