import type { Encounter, Extension } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../authHarness.js';
import { fhir, testEngines, useEngine, type TestContext } from '../../../harness.js';
import { dueScreenings } from '../../../../src/clinic/rooming/screenings/due.js';
import { roomingVisitOf } from '../../../../src/clinic/rooming/visit.js';
import { appointment, get, patient, post, PROVIDER, SITE } from '../../flow/fixtures.js';
import { auditCount, linkedUser, load, nkdaEntry, observation, roomedVisit } from './helpers.js';

const REVIEWED_URL = 'https://medassist.dev/fhir/StructureDefinition/rooming-reviewed';
const NOTICE = 'urn:medassist:notice';

function reviewed(what: string, at: Date): Extension {
  return {
    url: REVIEWED_URL,
    extension: [
      { url: 'what', valueCode: what },
      { url: 'at', valueDateTime: at.toISOString() },
      { url: 'by', valueReference: { reference: 'Practitioner/prac-ortega', display: 'Luis Ortega' } },
    ],
  };
}

describe.each(testEngines())('rooming screen: checklist, ready for provider, notices [%s]', (engine) => {
  const h = useEngine(engine);

  const screen = (who: Parameters<typeof get>[1], encounterId: string) =>
    get(h.app, who, `/api/rooming/encounters/${encounterId}`);

  /** The vital signs, pain and chief complaint of a complete rooming (values do not matter to the checklist). */
  const vitalsPainAndComplaint = (encounterId: string) =>
    ['85354-9', '8867-4', '8310-5', '29463-7', '72514-3', '8661-1'].map((code) =>
      observation(encounterId, code, {})
    );

  /** Review stamps of today, on a list that holds NKDA ("reviewed" needs a list that says something). */
  async function stampReviews(ctx: TestContext, encounterId: string, what: string[]): Promise<void> {
    const at = new Date();
    await load(h.app, ctx, [nkdaEntry()]);
    await editEncounter(ctx, encounterId, (e) => ({
      ...e,
      extension: [...(e.extension ?? []), ...what.map((w) => reviewed(w, at))],
    }));
  }

  async function editEncounter(ctx: TestContext, id: string, change: (e: Encounter) => Encounter) {
    const current = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${id}` });
    const res = await fhir(h.app, ctx, { method: 'PUT', url: `Encounter/${id}`, body: change(current.body) });
    expect(res.status, res.text).toBe(200);
  }

  /** The screenings item is on the list only when screenings are due (part E's rules): ask them directly. */
  async function screeningsDue(ctx: TestContext, encounterId: string): Promise<boolean> {
    const now = new Date();
    const visit = await roomingVisitOf(h.db, ctx, encounterId, now);
    return (await dueScreenings(h.db, ctx, visit, now)).length > 0;
  }

  it('the visit view and the follow-up checklist of a woman of 46: no fall risk; pregnancy status once her sex is on record', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db);
    const res = await screen(ma, encounterId);
    expect(res.status, res.text).toBe(200);
    expect(res.body.visit).toMatchObject({
      encounterId,
      appointmentId: 'appt-1',
      patient: { id: 'pat-delgado', name: 'Maria Delgado', birthDate: '1980-04-12' },
      visitType: { code: 'follow-up', display: 'Follow-up visit' },
      flowStatus: 'roomed',
      provider: { id: PROVIDER, name: 'Dr. Amara Nwosu' },
      room: { id: 'room-1', name: 'Exam 1' },
      siteId: SITE,
    });
    // Born 1980-04-12: 46 from 2026-04-12 to 2027-04-11 (the session runs in late 2026; 47 after).
    expect(res.body.visit.patient.age).toMatch(/^4[67] y$/);
    // follow-up = vitals, pain, allergies, medications, screenings, fall-risk, pregnancy, chief-complaint,
    // pharmacy; fall risk drops under 65; she has no gender on record in the fixture, so pregnancy status is
    // asked (only a patient recorded as male is spared it).
    const ids = (res.body.checklist as { id: string }[]).map((i) => i.id);
    const due = await screeningsDue(ctx, encounterId);
    expect(ids).toEqual([
      'vitals',
      'pain',
      'allergies',
      'medications',
      ...(due ? ['screenings'] : []),
      'pregnancy',
      'chief-complaint',
      'pharmacy',
    ]);
    expect(res.body.checklist[0]).toEqual({
      id: 'vitals',
      label: 'Vital signs',
      done: false,
      detail: 'BP, HR, temp, weight missing',
      tickable: false,
    });
    expect(res.body.notices).toEqual([]);
    // The screen shown is audited: one read record naming the patient.
    expect(await auditCount(h.db, ctx, 'rooming checklist', 'pat-delgado')).toBe(1);

    // Recorded as male: pregnancy status drops; as female (12-50) it applies again.
    const pat = await fhir(h.app, ctx, { method: 'GET', url: 'Patient/pat-delgado' });
    for (const [gender, applies] of [
      ['male', false],
      ['female', true],
    ] as const) {
      const current = await fhir(h.app, ctx, { method: 'GET', url: 'Patient/pat-delgado' });
      await fhir(h.app, ctx, {
        method: 'PUT',
        url: 'Patient/pat-delgado',
        body: { ...pat.body, meta: current.body.meta, gender },
      });
      const again = await screen(ma, encounterId);
      expect((again.body.checklist as { id: string }[]).map((i) => i.id).includes('pregnancy')).toBe(applies);
    }
  });

  it('items turn done as the data is written by the conventions', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db);
    const item = async (id: string) =>
      (
        (await screen(ma, encounterId)).body.checklist as { id: string; done: boolean; detail?: string }[]
      ).find((i) => i.id === id);

    await load(h.app, ctx, [
      observation(encounterId, '85354-9', {
        component: [
          {
            code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
            valueQuantity: { value: 128 },
          },
          {
            code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
            valueQuantity: { value: 82 },
          },
        ],
      }),
      observation(encounterId, '8867-4', { valueQuantity: { value: 72 } }),
      observation(encounterId, '8310-5', { valueQuantity: { value: 37 } }),
      // A weight entered in error does not count.
      observation(encounterId, '29463-7', { valueQuantity: { value: 68 } }, { status: 'entered-in-error' }),
    ]);
    expect(await item('vitals')).toEqual({
      id: 'vitals',
      label: 'Vital signs',
      done: false,
      detail: 'BP, HR, temp taken; weight missing',
      tickable: false,
    });
    await load(h.app, ctx, [observation(encounterId, '29463-7', { valueQuantity: { value: 68 } })]);
    expect(await item('vitals')).toMatchObject({ done: true, detail: 'BP, HR, temp, weight taken' });

    expect((await item('pain'))?.done).toBe(false);
    expect((await item('chief-complaint'))?.done).toBe(false);
    await load(h.app, ctx, [
      observation(encounterId, '72514-3', { valueQuantity: { value: 3 } }),
      observation(encounterId, '8661-1', { valueString: 'Cough for a week' }, { status: 'preliminary' }),
    ]);
    expect((await item('pain'))?.done).toBe(true);
    expect((await item('chief-complaint'))?.done).toBe(true);

    // Reviews: allergies today (done), medications yesterday (not done: last reviewed), newest wins.
    const now = Date.now();
    await load(h.app, ctx, [nkdaEntry()]); // "reviewed" needs a list that says something
    await editEncounter(ctx, encounterId, (e) => ({
      ...e,
      extension: [
        ...(e.extension ?? []),
        reviewed('allergies', new Date(now)), // now, not a minute ago: that is yesterday just after midnight
        reviewed('medications', new Date(now - 36 * 3_600_000)),
      ],
    }));
    expect(await item('allergies')).toMatchObject({ done: true, detail: 'Reviewed today by Luis Ortega' });
    expect(await item('medications')).toMatchObject({ done: false });
    expect((await item('medications'))?.detail).toMatch(/^Last reviewed \d{4}-\d{2}-\d{2}$/);

    // Pharmacy ticked by hand ("the patient has none"): the tick names who and when; then unticked.
    const before = Date.now();
    const ticked = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/checked`, {
      item: 'pharmacy',
      checked: true,
    });
    expect(ticked.status, ticked.text).toBe(200);
    const pharmacy = ticked.body.checklist.find((i: { id: string }) => i.id === 'pharmacy');
    expect(pharmacy).toMatchObject({
      done: true,
      tickable: true,
      ticked: { by: ma.user.username },
    });
    expect(pharmacy.detail).toMatch(new RegExp(`^Ticked by hand by ${ma.user.username} at \\d{2}:\\d{2}$`));
    const enc = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` });
    const ticks = (enc.body.extension as Extension[]).filter((e) =>
      e.url.endsWith('/rooming-ticked-by-hand')
    );
    expect(ticks).toHaveLength(1);
    const sub = (url: string) => ticks[0].extension?.find((e) => e.url === url);
    expect(sub('item')?.valueCode).toBe('pharmacy');
    expect(sub('by')?.valueReference).toEqual({
      reference: 'Practitioner/prac-ortega',
      display: ma.user.username,
    });
    const at = Date.parse(sub('at')?.valueDateTime ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(pharmacy.ticked.at).toBe(sub('at')?.valueDateTime);
    const unticked = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/checked`, {
      item: 'pharmacy',
      checked: false,
    });
    expect(unticked.body.checklist.find((i: { id: string }) => i.id === 'pharmacy').done).toBe(false);

    // Bad ticks: an unknown item; items done only by recording them (measured, reviewed, typed, signed);
    // an item not on this visit's list; no boolean. Each a 400 naming the field, the Encounter unchanged.
    const version = (await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` })).body.meta
      .versionId;
    for (const [body, field] of [
      [{ item: 'lunch', checked: true }, 'item'],
      [{ item: 'vitals', checked: true }, 'item'],
      [{ item: 'pain', checked: true }, 'item'],
      [{ item: 'allergies', checked: true }, 'item'],
      [{ item: 'medications', checked: true }, 'item'],
      [{ item: 'chief-complaint', checked: true }, 'item'],
      [{ item: 'pregnancy', checked: true }, 'item'],
      [{ item: 'consent', checked: true }, 'item'],
      // Fall risk may be ticked, but a woman of 46 has no fall-risk item.
      [{ item: 'fall-risk', checked: true }, 'item'],
      [{ item: 'pharmacy', checked: 'yes' }, 'checked'],
    ] as const) {
      const bad = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/checked`, body);
      expect(bad.status, `${JSON.stringify(body)}: ${bad.text}`).toBe(400);
      expect(bad.body.resourceType).toBe('OperationOutcome');
      expect(bad.body.issue[0].expression).toEqual([field]);
    }
    expect(
      (await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` })).body.meta.versionId
    ).toBe(version);
    const painTick = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/checked`, {
      item: 'pain',
      checked: true,
    });
    expect(painTick.body.issue[0].details.text).toContain('Pain score cannot be ticked by hand');
  });

  it('a procedure visit for a man of 70: fall risk and tobacco by type and age, consent from a Consent of this encounter', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db);
    // Turn the fixture into a 70-year-old man's procedure visit: born 70 years and 10 days ago.
    const born = new Date(Date.now() - (70 * 365.25 + 10) * 86_400_000).toISOString().slice(0, 10);
    const pat = await fhir(h.app, ctx, { method: 'GET', url: 'Patient/pat-delgado' });
    await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Patient/pat-delgado',
      body: { ...pat.body, gender: 'male', birthDate: born },
    });
    const appt = await fhir(h.app, ctx, { method: 'GET', url: 'Appointment/appt-1' });
    await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Appointment/appt-1',
      body: {
        ...appt.body,
        appointmentType: {
          coding: [{ system: 'urn:medassist:visit-type', code: 'procedure', display: 'Procedure' }],
        },
      },
    });
    let res = await screen(ma, encounterId);
    // procedure = vitals, pain, allergies, medications, pregnancy, chief-complaint, consent; a man: no pregnancy.
    expect((res.body.checklist as { id: string }[]).map((i) => i.id)).toEqual([
      'vitals',
      'pain',
      'allergies',
      'medications',
      'chief-complaint',
      'consent',
    ]);
    expect(res.body.visit.patient.age).toBe('70 y');

    // A procedure consent of ANOTHER visit does not count; one pointing at this encounter does.
    const consent = (encounter: string, type: 'permit' | 'deny') => ({
      resource: {
        resourceType: 'Consent',
        status: 'active',
        scope: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
        },
        category: [
          { coding: [{ system: 'urn:medassist:document-category', code: 'procedure-consent' }] },
          { coding: [{ system: 'urn:medassist:consent-type', code: 'procedure-consent' }] },
        ],
        patient: { reference: 'Patient/pat-delgado' },
        dateTime: new Date().toISOString(),
        extension: [
          {
            url: 'https://medassist.dev/fhir/StructureDefinition/consent-encounter',
            valueReference: { reference: encounter },
          },
        ],
        policyRule: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
        },
        provision: { type },
      },
      request: { method: 'POST', url: 'Consent' },
    });
    await load(h.app, ctx, [consent('Encounter/some-other-visit', 'permit')]);
    res = await screen(ma, encounterId);
    expect(res.body.checklist.find((i: { id: string }) => i.id === 'consent').done).toBe(false);
    await load(h.app, ctx, [consent(`Encounter/${encounterId}`, 'deny')]);
    res = await screen(ma, encounterId);
    // A refusal is a recorded decision: the item is done and says so.
    expect(res.body.checklist.find((i: { id: string }) => i.id === 'consent')).toMatchObject({
      done: true,
      detail: 'Refused',
    });

    // As a new-patient visit the same man gets fall risk (>= 65) and tobacco.
    await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Appointment/appt-1',
      body: {
        ...appt.body,
        appointmentType: {
          coding: [{ system: 'urn:medassist:visit-type', code: 'new-patient', display: 'New patient' }],
        },
      },
    });
    res = await screen(ma, encounterId);
    const ids = (res.body.checklist as { id: string }[]).map((i) => i.id);
    expect(ids).toContain('fall-risk');
    expect(ids).toContain('tobacco');
    expect(ids).not.toContain('pregnancy');
    expect(ids).not.toContain('consent');
    await load(h.app, ctx, [
      observation(encounterId, '72166-2', {
        valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '8517006' }] },
      }),
      {
        resource: {
          resourceType: 'QuestionnaireResponse',
          status: 'completed',
          questionnaire: 'https://medassist.dev/fhir/Questionnaire/fall-risk',
          subject: { reference: 'Patient/pat-delgado' },
          encounter: { reference: `Encounter/${encounterId}` },
          authored: new Date().toISOString(),
        },
        request: { method: 'POST', url: 'QuestionnaireResponse' },
      },
    ]);
    res = await screen(ma, encounterId);
    const byId = (id: string) => res.body.checklist.find((i: { id: string }) => i.id === id);
    expect(byId('fall-risk').done).toBe(true);
    expect(byId('tobacco').done).toBe(true);
  });

  it('ready for provider: 409 naming the open items, then with a reason moves the visit and sends one notice', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db);
    const provider = await linkedUser(h.db, ctx, ['provider'], PROVIDER);
    const refused = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/ready`, {});
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.issue[0].expression).toEqual(['checklist']);
    const text = refused.body.issue[0].details.text as string;
    for (const label of [
      'Vital signs',
      'Pain score',
      'Allergies reviewed',
      'Chief complaint',
      'Preferred pharmacy',
    ]) {
      expect(text).toContain(label);
    }
    // Nothing moved, nothing sent.
    let board = await get(h.app, ma, `/api/flow/board?location=${SITE}`);
    expect(board.body.rows[0]).toMatchObject({ status: 'roomed', notices: { urgent: 0, routine: 0 } });
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Communication?_summary=count' })).body.total).toBe(
      0
    );

    const blank = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/ready`, { incomplete: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.issue[0].expression).toEqual(['incomplete']);

    const ready = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/ready`, {
      incomplete: 'Patient in pain, provider asked to see her now',
    });
    expect(ready.status, ready.text).toBe(200);
    expect(ready.body.flowStatus).toBe('ready-for-provider');
    board = await get(h.app, ma, `/api/flow/board?location=${SITE}`);
    expect(board.body.rows[0]).toMatchObject({
      status: 'ready-for-provider',
      notices: { urgent: 0, routine: 1 },
    });

    const sent = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Communication?encounter=Encounter/${encounterId}`,
    });
    expect(sent.body.entry).toHaveLength(1);
    const notice = sent.body.entry[0].resource;
    expect(notice).toMatchObject({
      status: 'in-progress',
      priority: 'routine',
      category: [{ coding: [{ system: NOTICE, code: 'ready-for-provider' }] }],
      recipient: [{ reference: `Practitioner/${PROVIDER}` }],
      sender: { reference: 'Practitioner/prac-ortega' },
      subject: { reference: 'Patient/pat-delgado' },
    });
    // The reason stays on the Encounter (it may hold clinical words), not in the notice text.
    expect(notice.payload[0].contentString).not.toContain('pain, provider');
    const enc = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` });
    expect(
      (enc.body.extension as Extension[]).find((e) => e.url.endsWith('/rooming-incomplete-reason'))
        ?.valueString
    ).toBe('Patient in pain, provider asked to see her now');

    // Ready again: the visit is no longer roomed.
    const twice = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/ready`, {
      incomplete: 'again',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.issue[0].expression).toEqual(['status']);

    // The screen shows the visit's open notice; the provider sees it in their list and acknowledges it.
    const shown = await screen(provider, encounterId);
    expect(shown.body.notices).toHaveLength(1);
    const mine = await get(h.app, provider, '/api/rooming/notices');
    expect(mine.status, mine.text).toBe(200);
    expect(await auditCount(h.db, ctx, 'notices', 'pat-delgado')).toBe(1);
    expect(mine.body.notices).toEqual([
      expect.objectContaining({
        id: notice.id,
        kind: 'ready-for-provider',
        priority: 'routine',
        encounterId,
        patientId: 'pat-delgado',
        patientName: 'Maria Delgado',
      }),
    ]);
    // An MA may not acknowledge the provider's notice.
    const byMa = await post(h.app, ma, `/api/rooming/notices/${notice.id}/acknowledge`, {});
    expect(byMa.status).toBe(403);
    const ack = await post(h.app, provider, `/api/rooming/notices/${notice.id}/acknowledge`, {});
    expect(ack.status, ack.text).toBe(200);
    expect(ack.body).toMatchObject({ id: notice.id, status: 'completed' });
    const stored = await fhir(h.app, ctx, { method: 'GET', url: `Communication/${notice.id}` });
    expect(stored.body.status).toBe('completed');
    expect(Date.parse(stored.body.received)).toBeGreaterThan(Date.now() - 60_000);
    expect(stored.body.extension).toEqual([
      {
        url: 'https://medassist.dev/fhir/StructureDefinition/notice-acknowledged-by',
        valueReference: { reference: `Practitioner/${PROVIDER}`, display: provider.user.username },
      },
    ]);
    expect((await post(h.app, provider, `/api/rooming/notices/${notice.id}/acknowledge`, {})).status).toBe(
      409
    );
    expect((await get(h.app, provider, '/api/rooming/notices')).body.notices).toEqual([]);
    board = await get(h.app, ma, `/api/flow/board?location=${SITE}`);
    expect(board.body.rows[0].notices).toEqual({ urgent: 0, routine: 0 });
  });

  it('a complete checklist goes ready without a reason; a visit not yet roomed is a 409 on status', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db, { room: false });
    const early = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/ready`, { incomplete: 'x' });
    expect(early.status).toBe(409);
    expect(early.body.issue[0].expression).toEqual(['status']);

    expect(
      (
        await post(h.app, ma, `/api/flow/encounters/${encounterId}/status`, {
          status: 'roomed',
          room: 'room-2',
        })
      ).status
    ).toBe(200);
    await load(h.app, ctx, [
      ...vitalsPainAndComplaint(encounterId),
      // Pregnancy status: the fixture's patient (46, no gender on record) is asked.
      observation(encounterId, '82810-3', {}),
    ]);
    await stampReviews(ctx, encounterId, ['allergies', 'medications', 'pharmacy']);
    // Screenings due (part E) are ticked by hand here so the test does not depend on its rules.
    if (await screeningsDue(ctx, encounterId)) {
      await post(h.app, ma, `/api/rooming/encounters/${encounterId}/checked`, {
        item: 'screenings',
        checked: true,
      });
    }
    const checklist = (await screen(ma, encounterId)).body.checklist as { done: boolean }[];
    expect(checklist.every((i) => i.done)).toBe(true);
    const ready = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/ready`, {});
    expect(ready.status, ready.text).toBe(200);
    const sent = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Communication?encounter=Encounter/${encounterId}`,
    });
    expect(sent.body.entry).toHaveLength(1);
    expect(sent.body.entry[0].resource.payload[0].contentString).toBe('Ready for provider: rooming complete');
  });

  /** Makes the fixture's patient a man born `years` years and 10 days ago, and the visit of type `code`. */
  async function manOfVisit(ctx: TestContext, years: number, code: string) {
    const born = new Date(Date.now() - (years * 365.25 + 10) * 86_400_000).toISOString().slice(0, 10);
    const pat = await fhir(h.app, ctx, { method: 'GET', url: 'Patient/pat-delgado' });
    await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Patient/pat-delgado',
      body: { ...pat.body, gender: 'male', birthDate: born },
    });
    const appt = await fhir(h.app, ctx, { method: 'GET', url: 'Appointment/appt-1' });
    const res = await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Appointment/appt-1',
      body: {
        ...appt.body,
        appointmentType: { coding: [{ system: 'urn:medassist:visit-type', code, display: code }] },
      },
    });
    expect(res.status, res.text).toBe(200);
  }

  it('a refused consent, the newest by time though not by id, is "Refused"; the notice says only "see the chart"', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db);
    await manOfVisit(ctx, 40, 'procedure');
    const consent = (id: string, dateTime: string, type: 'permit' | 'deny') => ({
      resource: {
        resourceType: 'Consent',
        id,
        status: 'active',
        scope: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
        },
        category: [
          { coding: [{ system: 'urn:medassist:document-category', code: 'procedure-consent' }] },
          { coding: [{ system: 'urn:medassist:consent-type', code: 'procedure-consent' }] },
        ],
        patient: { reference: 'Patient/pat-delgado' },
        dateTime,
        extension: [
          {
            url: 'https://medassist.dev/fhir/StructureDefinition/consent-encounter',
            valueReference: { reference: `Encounter/${encounterId}` },
          },
        ],
        policyRule: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
        },
        provision: { type },
      },
      request: { method: 'PUT', url: `Consent/${id}` },
    });
    // He signed at first, then refused 20 minutes later; the ids sort the refusal first.
    const now = Date.now();
    await load(h.app, ctx, [
      consent('consent-a', new Date(now - 10 * 60_000).toISOString(), 'deny'),
      consent('consent-b', new Date(now - 30 * 60_000).toISOString(), 'permit'),
      ...vitalsPainAndComplaint(encounterId),
    ]);
    await stampReviews(ctx, encounterId, ['allergies', 'medications']);
    const checklist = (await screen(ma, encounterId)).body.checklist as {
      id: string;
      done: boolean;
      detail?: string;
      attention?: boolean;
    }[];
    // procedure, a man of 40 = vitals, pain, allergies, medications, chief-complaint, consent.
    expect(checklist.map((i) => i.id)).toEqual([
      'vitals',
      'pain',
      'allergies',
      'medications',
      'chief-complaint',
      'consent',
    ]);
    expect(checklist.find((i) => i.id === 'consent')).toMatchObject({
      done: true,
      detail: 'Refused',
      attention: true,
    });
    const ready = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/ready`, {});
    expect(ready.status, ready.text).toBe(200);
    const sent = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Communication?encounter=Encounter/${encounterId}`,
    });
    expect(sent.body.entry).toHaveLength(1);
    // Not "all fine", and no clinical words for the front desk to read.
    expect(sent.body.entry[0].resource.payload[0].contentString).toBe(
      'Ready for provider: rooming complete; see the chart'
    );
  });

  it('fall risk of a man of 70: a screening at another visit 3 months ago counts (the panel offers none); 13 months ago does not', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db);
    await manOfVisit(ctx, 70, 'follow-up');
    const score = (id: string, monthsAgo: number) => {
      const when = new Date();
      when.setUTCMonth(when.getUTCMonth() - monthsAgo);
      when.setUTCHours(17, 0, 0, 0); // 12:00 or 13:00 in New York: the same calendar date there
      return {
        when: when.toISOString(),
        entry: {
          resource: {
            resourceType: 'Observation',
            id,
            status: 'final',
            category: [
              {
                coding: [
                  { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' },
                ],
              },
            ],
            code: { coding: [{ system: 'http://loinc.org', code: '73830-2' }] },
            subject: { reference: 'Patient/pat-delgado' },
            encounter: { reference: 'Encounter/an-earlier-visit' },
            effectiveDateTime: when.toISOString(),
            valueInteger: 2,
          },
          request: { method: 'PUT', url: `Observation/${id}` },
        },
      };
    };
    const fallRisk = async () =>
      (
        (await screen(ma, encounterId)).body.checklist as { id: string; done: boolean; detail?: string }[]
      ).find((i) => i.id === 'fall-risk');
    const old = score('fall-old', 13);
    await load(h.app, ctx, [old.entry]);
    expect(await fallRisk()).toMatchObject({ done: false });
    const recent = score('fall-recent', 3);
    await load(h.app, ctx, [recent.entry]);
    // The screenings part agrees: fall risk is not due again.
    const now = new Date();
    const visit = await roomingVisitOf(h.db, ctx, encounterId, now);
    expect((await dueScreenings(h.db, ctx, visit, now)).map((d) => d.id)).not.toContain('fall-risk');
    expect(await fallRisk()).toEqual({
      id: 'fall-risk',
      label: 'Fall risk',
      done: true,
      detail: `Screened ${recent.when.slice(0, 10)}; due again after 12 months`,
      tickable: true,
    });
  });

  it('two MAs press ready at once: one moves the visit, the other gets 409, one notice', async () => {
    const { ctx, ma, encounterId } = await roomedVisit(h.app, h.db);
    const second = await signedInUser(h.db, ctx, ['medical-assistant']);
    const answers = await Promise.all(
      [ma, second].map((who) =>
        post(h.app, who, `/api/rooming/encounters/${encounterId}/ready`, { incomplete: 'Provider asked' })
      )
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const sent = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Communication?encounter=Encounter/${encounterId}&_summary=count`,
    });
    expect(sent.body.total).toBe(1);
  });

  it('urgent notices count in red on the board; the front desk gets 403; unknown 404; restricted charts hidden', async () => {
    const { ctx, ma, desk, encounterId } = await roomedVisit(h.app, h.db);
    const notice = (encounter: string, patientId: string, priority: string) => ({
      resource: {
        resourceType: 'Communication',
        status: 'in-progress',
        priority,
        category: [{ coding: [{ system: NOTICE, code: 'critical-vital' }] }],
        subject: { reference: `Patient/${patientId}` },
        encounter: { reference: encounter },
        recipient: [{ reference: `Practitioner/${PROVIDER}` }],
        payload: [{ contentString: 'Critical vital sign: please see the patient' }],
      },
      request: { method: 'POST', url: 'Communication' },
    });
    await load(h.app, ctx, [
      notice(`Encounter/${encounterId}`, 'pat-delgado', 'urgent'),
      notice(`Encounter/${encounterId}`, 'pat-delgado', 'routine'),
      // A completed (acknowledged) notice no longer counts.
      {
        ...notice(`Encounter/${encounterId}`, 'pat-delgado', 'urgent'),
        resource: {
          ...notice('', '', 'urgent').resource,
          status: 'completed',
          encounter: { reference: `Encounter/${encounterId}` },
          subject: { reference: 'Patient/pat-delgado' },
        },
      },
    ]);
    const board = await get(h.app, desk, `/api/flow/board?location=${SITE}`);
    expect(board.status, board.text).toBe(200);
    expect(board.body.rows[0].notices).toEqual({ urgent: 1, routine: 1 });
    // Counts only: the front desk's board carries no notice text.
    expect(board.text).not.toContain('Critical vital sign');

    for (const [method, url] of [
      ['GET', `/api/rooming/encounters/${encounterId}`],
      ['POST', `/api/rooming/encounters/${encounterId}/checked`],
      ['POST', `/api/rooming/encounters/${encounterId}/ready`],
      ['GET', `/api/rooming/notices?encounter=${encounterId}`],
      ['POST', `/api/rooming/notices/x/acknowledge`],
    ] as const) {
      const res =
        method === 'GET'
          ? await get(h.app, desk, url)
          : await post(h.app, desk, url, { item: 'pain', checked: true });
      expect(res.status, `${method} ${url}`).toBe(403);
    }
    expect((await screen(ma, 'no-such-visit')).status).toBe(404);
    expect((await post(h.app, ma, '/api/rooming/encounters/no-such-visit/ready', {})).status).toBe(404);

    // A restricted chart's visit: the MA's screen answers 404, and the board row shows no notice count.
    await load(h.app, ctx, [
      patient('pat-hidden', 'Iris', 'Vance', '1975-01-01', {
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        },
      }),
      appointment('appt-hidden', new Date(Date.now() + 60_000), 'pat-hidden'),
      {
        resource: {
          resourceType: 'Encounter',
          id: 'enc-hidden',
          status: 'arrived',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
          subject: { reference: 'Patient/pat-hidden' },
          appointment: [{ reference: 'Appointment/appt-hidden' }],
        },
        request: { method: 'PUT', url: 'Encounter/enc-hidden' },
      },
      notice('Encounter/enc-hidden', 'pat-hidden', 'urgent'),
    ]);
    expect((await screen(ma, 'enc-hidden')).status).toBe(404);
    expect((await get(h.app, ma, '/api/rooming/notices?encounter=enc-hidden')).status).toBe(404);
    const rows = (await get(h.app, ma, `/api/flow/board?location=${SITE}`)).body.rows as {
      appointmentId: string;
      restricted: boolean;
      notices: unknown;
    }[];
    expect(rows.find((r) => r.appointmentId === 'appt-hidden')).toMatchObject({
      restricted: true,
      notices: { urgent: 0, routine: 0 },
    });
    const provider = await linkedUser(h.db, ctx, ['provider'], PROVIDER);
    const mine = (await get(h.app, provider, '/api/rooming/notices')).body.notices as {
      encounterId: string;
    }[];
    expect(mine.map((n) => n.encounterId).sort()).toEqual([encounterId, encounterId]);
    // A user with no Practitioner must name the visit.
    const unlinked = await signedInUser(h.db, ctx, ['provider']);
    const noLink = await get(h.app, unlinked, '/api/rooming/notices');
    expect(noLink.status).toBe(400);
    expect(noLink.body.issue[0].expression).toEqual(['encounter']);
  });
});
