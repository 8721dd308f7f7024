import { describe, expect, it } from 'vitest';
import { signedInUser, type TestUser } from '../../authHarness.js';
import {
  countOf,
  fhir,
  injectJson,
  newPractice,
  testEngines,
  transaction,
  useEngine,
  type TestContext,
} from '../../harness.js';
import { appointment, clinic, get, goodCheckIn, MA, patient, post, SITE, todayAt } from './fixtures.js';

const ROOM_STATUS = (code: string) => ({ system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code });

describe.each(testEngines())('patient flow: moves, rooms, board, check-out [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp(): Promise<{ ctx: TestContext; desk: TestUser; ma: TestUser; encounterId: string }> {
    const ctx = await newPractice(h.db, 'flow');
    await clinic(h.app, ctx);
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
    const res = await post(h.app, desk, '/api/flow/check-in', goodCheckIn());
    expect(res.status, res.text).toBe(201);
    return { ctx, desk, ma, encounterId: res.body.encounter.id as string };
  }

  const move = (who: TestUser, encounterId: string, body: Record<string, unknown>) =>
    post(h.app, who, `/api/flow/encounters/${encounterId}/status`, body);
  const room = (ctx: TestContext, id: string) => fhir(h.app, ctx, { method: 'GET', url: `Location/${id}` });
  const board = (who: TestUser) => get(h.app, who, `/api/flow/board?location=${SITE}`);

  it('a visit goes arrived -> waiting -> roomed -> ready -> with provider -> ready for check-out -> checked out', async () => {
    const { ctx, ma, desk, encounterId } = await setUp();
    expect((await move(ma, encounterId, { status: 'waiting' })).body.status).toBe('waiting');
    const roomed = await move(ma, encounterId, { status: 'roomed', room: 'room-2', ma: MA });
    expect(roomed.status, roomed.text).toBe(200);
    expect(roomed.body.status).toBe('roomed');
    expect(roomed.body.room).toEqual({ id: 'room-2', name: 'Exam 2' });
    expect(roomed.body.ma).toEqual({ id: MA, name: 'Luis Ortega' });
    expect((await room(ctx, 'room-2')).body.operationalStatus.code).toBe('O');

    const encounter = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` });
    expect(encounter.body.status).toBe('triaged');
    expect(encounter.body.location.at(-1)).toMatchObject({
      location: { reference: 'Location/room-2' },
      status: 'active',
    });

    for (const status of ['ready-for-provider', 'with-provider']) {
      expect((await move(ma, encounterId, { status })).status).toBe(200);
    }
    const ready = await move(ma, encounterId, {
      status: 'ready-for-checkout',
      followUp: { visitType: 'follow-up', withinDays: 90, text: 'Return in 3 months' },
    });
    expect(ready.status, ready.text).toBe(200);

    const info = await get(h.app, desk, `/api/flow/encounters/${encounterId}/check-out`);
    expect(info.status, info.text).toBe(200);
    expect(info.body.followUp).toEqual({
      visitType: 'follow-up',
      withinDays: 90,
      text: 'Return in 3 months',
    });
    // $25 co-pay on the coverage, $25 paid at check-in: nothing due.
    expect(info.body.balance).toBe(0);

    const out = await post(h.app, desk, `/api/flow/encounters/${encounterId}/check-out`, {
      payment: { amount: 10, method: 'cash' },
    });
    expect(out.status, out.text).toBe(200);
    expect(out.body.encounter.status).toBe('finished');
    expect(out.body.receipt.number).toBe('R-000002');
    expect((await room(ctx, 'room-2')).body.operationalStatus.code).toBe('K');
    const appt = await fhir(h.app, ctx, { method: 'GET', url: 'Appointment/appt-1' });
    expect(appt.body.status).toBe('fulfilled');

    // Check-in and six moves: seven history entries, in order.
    const history = (
      out.body.encounter.extension as { url: string; extension?: { url: string; valueCode?: string }[] }[]
    )
      .filter((e) => e.url.endsWith('/flow-history'))
      .map((e) => e.extension?.find((s) => s.url === 'status')?.valueCode);
    expect(history).toEqual([
      'arrived',
      'waiting',
      'roomed',
      'ready-for-provider',
      'with-provider',
      'ready-for-checkout',
      'checked-out',
    ]);

    const summary = await get(h.app, desk, `/api/flow/encounters/${encounterId}/summary.pdf`);
    expect(summary.status).toBe(200);
    expect(summary.headers['content-type']).toBe('application/pdf');

    // The room is cleaned: free again.
    const cleaned = await post(h.app, ma, '/api/flow/rooms/room-2/status', { status: 'free' });
    expect(cleaned.status, cleaned.text).toBe(200);
    expect(cleaned.body).toMatchObject({ id: 'room-2', name: 'Exam 2', status: 'free' });
    expect((await room(ctx, 'room-2')).body.operationalStatus.code).toBe('U');
  });

  it('the board: rows in time order, statuses, rooms, flags, thresholds; restricted charts masked', async () => {
    const { ctx, ma, encounterId } = await setUp();
    // Around now, but inside today (todayAt): at 23:59 or 00:00 a minute either side was another day.
    const loaded = await transaction(h.app, ctx, [
      patient('pat-hidden', 'Iris', 'Vance', '1975-01-01', {
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        },
      }),
      patient('pat-fall', 'Otto', 'Berg', '1940-06-06'),
      {
        resource: {
          resourceType: 'Flag',
          status: 'active',
          code: {
            coding: [{ system: 'http://snomed.info/sct', code: '129839007', display: 'At risk for falls' }],
          },
          subject: { reference: 'Patient/pat-fall' },
        },
        request: { method: 'POST', url: 'Flag' },
      },
      appointment('appt-hidden', todayAt(-60_000), 'pat-hidden'),
      appointment('appt-fall', todayAt(60_000), 'pat-fall'),
      appointment('appt-gone', todayAt(120_000), 'pat-fall', 'cancelled'),
    ]);
    expect(loaded.status, loaded.text).toBe(200);
    await move(ma, encounterId, { status: 'roomed', room: 'room-1' });

    const res = await board(ma);
    expect(res.status, res.text).toBe(200);
    expect(res.body.timeZone).toBe('America/New_York');
    expect(res.body.thresholds.waiting).toEqual({ amber: 15, red: 30 });
    expect(res.body.thresholds.roomed).toEqual({ amber: 10, red: 20 });
    const rows = res.body.rows as { appointmentId: string; [k: string]: unknown }[];
    expect(rows.map((r) => r.appointmentId)).toEqual(['appt-hidden', 'appt-1', 'appt-fall']);
    const hidden = rows[0];
    expect(hidden).toMatchObject({ restricted: true, patient: null, status: 'scheduled' });
    expect(hidden.provider).toEqual({ id: 'prac-nwosu', name: 'Dr. Amara Nwosu' });
    const maria = rows[1];
    expect(maria).toMatchObject({
      restricted: false,
      patient: { id: 'pat-delgado', name: 'Maria Delgado', birthDate: '1980-04-12' },
      status: 'roomed',
      encounterId,
      room: { id: 'room-1', name: 'Exam 1' },
      visitType: { code: 'follow-up', display: 'Follow-up visit' },
    });
    // Spanish preferred: interpreter; no flags set at check-in.
    expect(maria.flags).toEqual(['interpreter']);
    expect(typeof maria.statusSince).toBe('string');
    expect(typeof maria.arrivedAt).toBe('string');
    expect(rows[2].flags).toEqual(['fall-risk']);
    expect(res.body.rooms).toEqual([
      expect.objectContaining({
        id: 'room-1',
        status: 'occupied',
        patient: { id: 'pat-delgado', name: 'Maria Delgado' },
        encounterId,
      }),
      expect.objectContaining({ id: 'room-2', status: 'free' }),
      expect.objectContaining({ id: 'room-3', status: 'free' }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('Vance');
  });

  it('an open order shows labs-needed to an MA but the front desk never reads orders', async () => {
    const { ctx, ma, desk } = await setUp();
    const order = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'ServiceRequest',
      body: {
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c' }] },
        subject: { reference: 'Patient/pat-delgado' },
      },
    });
    expect(order.status).toBe(201);
    expect((await board(ma)).body.rows[0].flags).toEqual(['interpreter', 'labs-needed']);
    expect((await board(desk)).body.rows[0].flags).toEqual(['interpreter']);
  });

  it('thresholds: a lead MA changes them for the site; the front desk may not', async () => {
    const { ctx, desk } = await setUp();
    const lead = await signedInUser(h.db, ctx, ['lead-ma']);
    const body = { thresholds: { waiting: { amber: 20, red: 40 } } };
    const refused = await asJson(desk, 'PUT', `/api/flow/settings?location=${SITE}`, body);
    expect(refused.status).toBe(403);
    const saved = await asJson(lead, 'PUT', `/api/flow/settings?location=${SITE}`, body);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.thresholds.waiting).toEqual({ amber: 20, red: 40 });
    expect(saved.body.thresholds.roomed).toEqual({ amber: 10, red: 20 });
    expect((await board(desk)).body.thresholds.waiting).toEqual({ amber: 20, red: 40 });
    const bad = await asJson(lead, 'PUT', `/api/flow/settings?location=${SITE}`, {
      thresholds: { waiting: { amber: 40, red: 20 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['thresholds.waiting.amber']);
  });

  const asJson = (who: TestUser, method: 'PUT' | 'POST', url: string, body: unknown) =>
    import('../../authHarness.js').then(({ asUser }) =>
      asUser(h.app, who, { method, url, body, contentType: 'application/json' })
    );

  it('an occupied room, a missing room, an unknown room or encounter, an impossible move: refused, nothing written', async () => {
    const { ctx, ma, desk, encounterId } = await setUp();
    const more = await transaction(h.app, ctx, [appointment('appt-2', todayAt())]);
    expect(more.status).toBe(200);
    const second = await post(
      h.app,
      desk,
      '/api/flow/check-in',
      goodCheckIn({ appointmentId: 'appt-2', copay: undefined })
    );
    expect(second.status).toBe(201);
    const otherId = second.body.encounter.id as string;
    expect((await move(ma, encounterId, { status: 'roomed', room: 'room-1' })).status).toBe(200);

    const before = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${otherId}` });
    const cases: [Record<string, unknown>, number, string | undefined, string?][] = [
      [{ status: 'roomed', room: 'room-1' }, 409, 'room'],
      [{ status: 'roomed' }, 400, 'room'],
      [{ status: 'roomed', room: 'no-such-room' }, 404, undefined],
      [{ status: 'roomed', room: SITE }, 400, 'room'],
      [{ status: 'checked-out' }, 409, 'status'],
      [{ status: 'with-provider' }, 409, 'status'],
      [{ status: 'sleeping' }, 400, 'status'],
      [{ status: 'waiting' }, 404, undefined, 'no-such-encounter'],
      [{ status: 'waiting', followUp: { visitType: 'follow-up', withinDays: 30 } }, 400, 'followUp'],
    ];
    for (const [body, status, expression, id] of cases) {
      const res = await move(ma, id ?? otherId, body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
      if (expression) expect(res.body.issue[0].expression).toEqual([expression]);
    }
    const after = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${otherId}` });
    expect(after.body.meta.versionId).toBe(before.body.meta.versionId);
    expect((await room(ctx, 'room-1')).body.meta.versionId).toBe('2');
    expect((await room(ctx, 'room-3')).body.operationalStatus).toEqual(ROOM_STATUS('U'));

    const badRoom = await post(h.app, ma, '/api/flow/rooms/room-3/status', { status: 'sparkling' });
    expect(badRoom.status).toBe(400);
    expect(badRoom.body.issue[0].expression).toEqual(['status']);
    expect((await post(h.app, ma, '/api/flow/rooms/nope/status', { status: 'free' })).status).toBe(404);
  });

  it('going back one step corrects a mistake: roomed -> waiting frees the room', async () => {
    const { ctx, ma, encounterId } = await setUp();
    expect((await move(ma, encounterId, { status: 'roomed', room: 'room-3' })).status).toBe(200);
    const back = await move(ma, encounterId, { status: 'waiting' });
    expect(back.status, back.text).toBe(200);
    expect(back.body.room).toBeUndefined();
    expect((await room(ctx, 'room-3')).body.operationalStatus.code).toBe('U');
  });

  it('left without being seen: from the waiting room, the Encounter is cancelled; not possible after the provider', async () => {
    const { ctx, ma, encounterId } = await setUp();
    const left = await post(h.app, ma, '/api/flow/appointments/appt-1/left-without-being-seen', {
      reason: 'could not wait',
    });
    expect(left.status, left.text).toBe(200);
    expect(left.body.status).toBe('left-without-being-seen');
    const encounter = await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` });
    expect(encounter.body.status).toBe('cancelled');
    const again = await post(h.app, ma, '/api/flow/appointments/appt-1/left-without-being-seen', {});
    expect(again.status).toBe(409);
    // Never checked in: a no-show, not this.
    const more = await transaction(h.app, ctx, [appointment('appt-2', todayAt())]);
    expect(more.status).toBe(200);
    const never = await post(h.app, ma, '/api/flow/appointments/appt-2/left-without-being-seen', {});
    expect(never.status).toBe(409);
  });

  it('check-out suggests slots around the follow-up date, books one, takes the balance: one transaction', async () => {
    const { ctx, ma, desk, encounterId } = await setUp();
    const schedule = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Schedule',
      body: {
        resourceType: 'Schedule',
        active: true,
        actor: [
          { reference: 'Practitioner/prac-nwosu', display: 'Dr. Amara Nwosu' },
          { reference: `Location/${SITE}` },
        ],
      },
    });
    expect(schedule.status).toBe(201);
    const rules = await injectJson(h.app, {
      method: 'PUT',
      url: `/api/schedule/schedules/${schedule.body.id}/availability`,
      body: { rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '08:00', end: '17:00' }] },
      contentType: 'application/json',
      headers: { authorization: `Bearer ${ctx.token}` },
    });
    expect(rules.status, rules.text).toBe(200);
    for (const status of ['roomed', 'ready-for-provider', 'with-provider']) {
      const body = status === 'roomed' ? { status, room: 'room-1' } : { status };
      expect((await move(ma, encounterId, body)).status).toBe(200);
    }
    await move(ma, encounterId, {
      status: 'ready-for-checkout',
      followUp: { visitType: 'follow-up', withinDays: 30 },
    });

    const info = await get(h.app, desk, `/api/flow/encounters/${encounterId}/check-out`);
    expect(info.status, info.text).toBe(200);
    const slots = info.body.suggestions as { scheduleId: string; start: string }[];
    expect(slots.length).toBeGreaterThan(0);
    // Within a week either side of 30 days from now.
    const days = (iso: string) => (Date.parse(iso) - Date.now()) / 86_400_000;
    for (const slot of slots) {
      expect(days(slot.start)).toBeGreaterThan(22);
      expect(days(slot.start)).toBeLessThan(38);
    }
    const chosen = slots[0];
    // A slot that is not free (a Sunday at 03:00) fails the whole check-out: nothing is written.
    const sunday = new Date(Date.parse(chosen.start));
    sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7 || 7));
    sunday.setUTCHours(8, 0, 0, 0);
    const refused = await post(h.app, desk, `/api/flow/encounters/${encounterId}/check-out`, {
      followUp: { visitType: 'follow-up', scheduleId: chosen.scheduleId, start: sunday.toISOString() },
      payment: { amount: 5, method: 'cash' },
    });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.issue[0].expression[0]).toMatch(/^followUp\./);
    expect(await countOf(h.app, ctx, 'PaymentNotice')).toBe(1);
    expect((await fhir(h.app, ctx, { method: 'GET', url: `Encounter/${encounterId}` })).body.status).toBe(
      'in-progress'
    );
    expect((await room(ctx, 'room-1')).body.operationalStatus.code).toBe('O');

    const out = await post(h.app, desk, `/api/flow/encounters/${encounterId}/check-out`, {
      followUp: { visitType: 'follow-up', scheduleId: chosen.scheduleId, start: chosen.start },
      payment: { amount: 5, method: 'cash' },
    });
    expect(out.status, out.text).toBe(200);
    expect(out.body.appointment).toMatchObject({ status: 'booked', start: chosen.start });
    expect(out.body.encounter.status).toBe('finished');
    expect(out.body.receipt.number).toBe('R-000002');
    expect((await room(ctx, 'room-1')).body.operationalStatus.code).toBe('K');
  });

  it('check-out before the provider is done, or twice, is refused and writes nothing', async () => {
    const { ctx, desk, encounterId } = await setUp();
    const early = await post(h.app, desk, `/api/flow/encounters/${encounterId}/check-out`, {
      payment: { amount: 5, method: 'cash' },
    });
    expect(early.status).toBe(409);
    expect(await countOf(h.app, ctx, 'PaymentNotice')).toBe(1);
    const badPay = await post(h.app, desk, `/api/flow/encounters/${encounterId}/check-out`, {
      payment: { amount: 'lots', method: 'cash' },
    });
    expect(badPay.status).toBe(400);
    expect(badPay.body.issue[0].expression).toEqual(['payment.amount']);
  });
});
