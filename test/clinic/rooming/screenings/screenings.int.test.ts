import { describe, expect, it } from 'vitest';
import { countOf, fhir, newPractice, testEngines, useEngine } from '../../../harness.js';
import { get, MA, PATIENT, post, PROVIDER } from '../../flow/fixtures.js';
import { checkedInVisit } from './fixtures.js';

// Frequency answers: LA6568-5 Not at all (0), LA6569-3 Several days (1), LA6570-1 More than half (2),
// LA6571-9 Nearly every day (3).
const F = ['LA6568-5', 'LA6569-3', 'LA6570-1', 'LA6571-9'];
const PHQ9 = [
  '44250-9',
  '44255-8',
  '44259-0',
  '44254-1',
  '44251-7',
  '44258-2',
  '44252-5',
  '44253-3',
  '44260-8',
];
const NOTICE = 'urn:medassist:notice';

/** A notice's words name no screening instrument (docs/rooming/screenings.md), no score and no answer. */
function expectNoScreeningDetail(text: string, score: number): void {
  for (const word of ['PHQ', 'GAD', 'depress', 'anxi', 'suicid', 'self-harm', 'item', 'positive', 'score']) {
    expect(text.toLowerCase(), word).not.toContain(word.toLowerCase());
  }
  expect(text).not.toMatch(new RegExp(`\\b${score}\\b`));
}

describe.each(testEngines())('screenings [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'screen');
    const visit = await checkedInVisit(h.app, h.db, ctx);
    return { ctx, ...visit };
  }

  const url = (encounterId: string, screening = '') =>
    `/api/rooming/encounters/${encounterId}/screenings${screening ? `/${screening}` : ''}`;

  async function searchAll(ctx: Awaited<ReturnType<typeof setUp>>['ctx'], query: string) {
    const res = await fhir(h.app, ctx, { method: 'GET', url: query });
    expect(res.status, res.text).toBe(200);
    return (res.body.entry ?? []).map((e: { resource: unknown }) => e.resource);
  }

  it('what is due for a 46-year-old with no history: PHQ-2, GAD-7, tobacco, social needs', async () => {
    const { encounterId, ma } = await setUp();
    const res = await get(h.app, ma, url(encounterId));
    expect(res.status, res.text).toBe(200);
    // Born 1980-04-12: 46 today (2026) -> depression (>= 12), anxiety (18-64), tobacco (>= 12), social needs; no fall risk (< 65).
    expect(res.body.due.map((d: { id: string }) => d.id)).toEqual([
      'phq-2',
      'gad-7',
      'tobacco',
      'social-needs',
    ]);
    expect(res.body.due.every((d: { done: boolean }) => !d.done)).toBe(true);
    expect(res.body.results).toEqual([]);
  });

  it('a positive PHQ-2: response, score Observation derivedFrom it, one routine notice, the PHQ-9 follows', async () => {
    const { ctx, encounterId, ma } = await setUp();
    // Several days (1) + Nearly every day (3) = 4 >= 3: positive.
    const res = await post(h.app, ma, url(encounterId, 'phq-2'), {
      answers: { '44250-9': F[1], '44255-8': F[3] },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      score: 4,
      band: 'positive',
      positive: true,
      urgent: false,
      next: 'phq-9',
    });

    const [response] = await searchAll(ctx, 'QuestionnaireResponse');
    expect(response).toMatchObject({
      status: 'completed',
      questionnaire: 'https://medassist.dev/fhir/Questionnaire/phq-2',
      subject: { reference: `Patient/${PATIENT}` },
      encounter: { reference: `Encounter/${encounterId}` },
      author: { reference: `Practitioner/${MA}`, display: ma.user.username },
    });
    expect(Number.isNaN(Date.parse(response.authored))).toBe(false);
    expect(response.item).toEqual([
      {
        linkId: '44250-9',
        text: 'Little interest or pleasure in doing things',
        answer: [{ valueCoding: { system: 'http://loinc.org', code: 'LA6569-3', display: 'Several days' } }],
      },
      {
        linkId: '44255-8',
        text: 'Feeling down, depressed, or hopeless',
        answer: [
          { valueCoding: { system: 'http://loinc.org', code: 'LA6571-9', display: 'Nearly every day' } },
        ],
      },
    ]);

    const [observation] = await searchAll(ctx, 'Observation?code=http://loinc.org|55757-9');
    expect(observation).toMatchObject({
      status: 'final',
      category: [
        {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }],
        },
      ],
      subject: { reference: `Patient/${PATIENT}` },
      encounter: { reference: `Encounter/${encounterId}` },
      performer: [{ reference: `Practitioner/${MA}` }],
      valueInteger: 4,
      derivedFrom: [{ reference: `QuestionnaireResponse/${response.id}` }],
    });
    expect(observation.interpretation[0].coding[0].code).toBe('POS');

    const notices = await searchAll(ctx, 'Communication');
    expect(notices).toHaveLength(1);
    const notice = notices[0];
    expect(notice).toMatchObject({
      status: 'in-progress',
      priority: 'routine',
      category: [{ coding: [{ system: NOTICE, code: 'positive-screening' }] }],
      recipient: [{ reference: `Practitioner/${PROVIDER}` }],
      sender: { reference: `Practitioner/${MA}` },
    });
    expect(notice.about.map((r: { reference: string }) => r.reference).sort()).toEqual(
      [`Observation/${observation.id}`, `QuestionnaireResponse/${response.id}`].sort()
    );
    // The words name no instrument, answer or score (the front desk reads messages); `about` says which.
    const text = notice.payload[0].contentString as string;
    expect(text).toBe('A screening needs your review');
    expectNoScreeningDetail(text, 4);

    // The store audited the creates, naming the MA and the patient: the response, the Observation, the notice.
    const audit = await h.db.query<{ event: { entity: { what?: { reference?: string } }[] } }>(
      `SELECT event FROM audit_event WHERE practice_id = $1 AND action = 'C' AND user_id = $2 AND $3 = ANY(patient_ids)`,
      [ctx.practiceId, ma.user.id, PATIENT]
    );
    const audited = audit.rows.flatMap((r) => r.event.entity.map((e) => e.what?.reference));
    for (const ref of [
      `QuestionnaireResponse/${response.id}`,
      `Observation/${observation.id}`,
      `Communication/${notice.id}`,
    ]) {
      expect(audited, ref).toContain(`${ref}/_history/1`);
    }

    const after = await get(h.app, ma, url(encounterId));
    expect(after.body.due.slice(0, 2)).toEqual([
      { id: 'phq-2', title: 'PHQ-2', done: true, reason: 'completed this visit' },
      { id: 'phq-9', title: 'PHQ-9', done: false, reason: 'the PHQ-2 this visit was positive' },
    ]);
    expect(after.body.results).toMatchObject([
      { id: 'phq-2', score: 4, max: 6, band: 'positive', positive: true },
    ]);
  });

  it('a negative PHQ-2 sends nothing and asks for no PHQ-9', async () => {
    const { ctx, encounterId, ma } = await setUp();
    // 1 + 1 = 2 < 3.
    const res = await post(h.app, ma, url(encounterId, 'phq-2'), {
      answers: { '44250-9': F[1], '44255-8': F[1] },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ score: 2, band: 'negative', positive: false });
    expect(res.body.next).toBeUndefined();
    expect(await countOf(h.app, ctx, 'Communication')).toBe(0);
    const after = await get(h.app, ma, url(encounterId));
    expect(after.body.due.map((d: { id: string }) => d.id)).not.toContain('phq-9');
  });

  it('PHQ-9 item 9 above 0: one urgent notice', async () => {
    const { ctx, encounterId, ma } = await setUp();
    // Items 1-8: Several days (8 x 1 = 8); item 9: Several days (1). Total 9, mild, but item 9 > 0.
    const answers = Object.fromEntries(PHQ9.map((id) => [id, F[1]]));
    const res = await post(h.app, ma, url(encounterId, 'phq-9'), { answers });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ score: 9, band: 'mild', positive: true, urgent: true });
    const notices = await searchAll(ctx, 'Communication');
    expect(notices).toHaveLength(1);
    expect(notices[0].priority).toBe('urgent');
    // "PHQ-9 needs your attention now" would tell whoever reads messages that item 9 was answered.
    const text = notices[0].payload[0].contentString as string;
    expect(text).toBe('A screening needs your attention now: please see the patient before they leave');
    expectNoScreeningDetail(text, 9);
    expect(notices[0].about.map((r: { reference: string }) => r.reference.split('/')[0]).sort()).toEqual([
      'Observation',
      'QuestionnaireResponse',
    ]);
  });

  it('a missing or invalid answer: 400 naming the linkId, nothing written', async () => {
    const { ctx, encounterId, ma } = await setUp();
    const missing = await post(h.app, ma, url(encounterId, 'phq-2'), { answers: { '44250-9': F[3] } });
    expect(missing.status).toBe(400);
    expect(missing.body.issue[0].expression).toEqual(['answers.44255-8']);
    const wrong = await post(h.app, ma, url(encounterId, 'gad-7'), {
      answers: {
        '69725-0': F[0],
        '68509-9': F[0],
        '69733-4': 'LA33-6',
        '69734-2': F[0],
        '69735-9': F[0],
        '69689-8': F[0],
        '69736-7': F[0],
      },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issue[0].expression).toEqual(['answers.69733-4']);
    const unknown = await post(h.app, ma, url(encounterId, 'phq-12'), { answers: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issue[0].expression).toEqual(['screening']);
    for (const type of ['QuestionnaireResponse', 'Observation', 'Communication']) {
      expect(await countOf(h.app, ctx, type), type).toBe(0);
    }
  });

  it('tobacco status: an Observation 72166-2 with the SNOMED answer, shown as the latest status', async () => {
    const { ctx, encounterId, ma } = await setUp();
    const res = await post(h.app, ma, url(encounterId, 'tobacco'), { answers: { '72166-2': '8517006' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ band: 'Former smoker', positive: false });
    const [observation] = await searchAll(ctx, 'Observation?code=http://loinc.org|72166-2');
    expect(observation.valueCodeableConcept.coding[0]).toEqual({
      system: 'http://snomed.info/sct',
      code: '8517006',
      display: 'Ex-smoker',
    });
    expect(observation.category.map((c: { coding: { code: string }[] }) => c.coding[0].code)).toEqual([
      'social-history',
      'survey',
    ]);
    expect(observation.valueInteger).toBeUndefined();
    const after = await get(h.app, ma, url(encounterId));
    expect(after.body.latest.tobacco).toMatchObject({ id: 'tobacco', code: '8517006' });
    expect(after.body.due.find((d: { id: string }) => d.id === 'tobacco').done).toBe(true);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(0);
  });

  it('social needs: a list answer for housing problems, two positive domains, the safety total as a component', async () => {
    const { ctx, encounterId, ma } = await setUp();
    const never = 'LA6270-8';
    const res = await post(h.app, ma, url(encounterId, 'social-needs'), {
      answers: {
        '71802-3': 'LA31993-1',
        '96778-6': ['LA28580-1', 'LA31996-4'],
        '88122-7': 'LA6729-3',
        '88123-5': 'LA28398-8',
        '93030-5': 'LA32-8',
        '96779-4': 'LA32-8',
        '95618-5': never,
        '95617-7': never,
        '95616-9': never,
        '95615-1': never,
      },
    });
    expect(res.status, res.text).toBe(201);
    // Mold and pests -> living situation positive; food "sometimes true" -> food positive: 2 of 5 domains.
    // Safety: Never (1) x 4 = 4 < 11.
    expect(res.body).toMatchObject({
      score: 2,
      max: 5,
      band: 'needs: living situation, food',
      positive: true,
    });
    const [response] = await searchAll(ctx, 'QuestionnaireResponse');
    const housing = response.item.find((i: { linkId: string }) => i.linkId === '96778-6');
    expect(housing.answer.map((a: { valueCoding: { code: string } }) => a.valueCoding.code)).toEqual([
      'LA28580-1',
      'LA31996-4',
    ]);
    const [observation] = await searchAll(ctx, 'Observation?code=http://loinc.org|96777-8');
    expect(observation.valueInteger).toBe(2);
    expect(observation.component).toEqual([
      {
        code: { coding: [{ system: 'http://loinc.org', code: '95614-4', display: 'Total safety score' }] },
        valueInteger: 4,
      },
    ]);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(1);
  });

  it('pregnancy status for a female patient: Observation 82810-3', async () => {
    const { ctx, encounterId, ma } = await setUp();
    const res = await post(h.app, ma, url(encounterId, 'pregnancy'), { answers: { '82810-3': '60001007' } });
    expect(res.status, res.text).toBe(201);
    const [observation] = await searchAll(ctx, 'Observation?code=http://loinc.org|82810-3');
    expect(observation.valueCodeableConcept.coding[0].code).toBe('60001007');
  });

  it('reading what is due is audited as a read of screenings naming the patient', async () => {
    const { ctx, encounterId, ma } = await setUp();
    const count = async () =>
      (
        await h.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND subtype = 'rooming' AND category = 'screenings' AND $2 = ANY(patient_ids)",
          [ctx.practiceId, PATIENT]
        )
      ).rows[0].n;
    expect(await count()).toBe(0);
    expect((await get(h.app, ma, url(encounterId))).status).toBe(200);
    expect(await count()).toBe(1);
  });

  it('pregnancy status for a male patient: 400 naming screening, nothing written', async () => {
    const { ctx, encounterId, ma } = await setUp();
    const current = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${PATIENT}` });
    const male = await fhir(h.app, ctx, {
      method: 'PUT',
      url: `Patient/${PATIENT}`,
      body: { ...current.body, gender: 'male' },
    });
    expect(male.status, male.text).toBe(200);
    const res = await post(h.app, ma, url(encounterId, 'pregnancy'), { answers: { '82810-3': '60001007' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['screening']);
    expect(await countOf(h.app, ctx, 'QuestionnaireResponse')).toBe(0);
    expect(await countOf(h.app, ctx, 'Observation')).toBe(0);
  });

  it('the Questionnaire is served; an unknown one is 404', async () => {
    const { ma } = await setUp();
    const res = await get(h.app, ma, '/api/rooming/questionnaires/gad-7');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      resourceType: 'Questionnaire',
      url: 'https://medassist.dev/fhir/Questionnaire/gad-7',
      status: 'active',
      code: [{ system: 'http://loinc.org', code: '69737-5' }],
    });
    expect((await get(h.app, ma, '/api/rooming/questionnaires/nope')).status).toBe(404);
  });

  it('the front desk gets 403 and writes nothing; an unknown encounter is 404', async () => {
    const { ctx, encounterId, desk, ma } = await setUp();
    expect((await get(h.app, desk, url(encounterId))).status).toBe(403);
    const res = await post(h.app, desk, url(encounterId, 'phq-2'), {
      answers: { '44250-9': F[3], '44255-8': F[3] },
    });
    expect(res.status).toBe(403);
    expect(await countOf(h.app, ctx, 'QuestionnaireResponse')).toBe(0);
    expect((await get(h.app, ma, url('no-such-encounter'))).status).toBe(404);
  });
});
