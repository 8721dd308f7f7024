import { describe, expect, it } from 'vitest';
import { countOf, fhir, testEngines, useEngine } from '../../harness.js';
import { api, apiAs, clinic, type Clinic } from './fixtures.js';

/** 2027-01-01 (a Friday), noon UTC: the app's clock. */
const NOW = new Date('2027-01-01T12:00:00.000Z');
/** Monday 2027-01-04, 08:00 in America/New_York (EST). */
const MON_0800 = '2027-01-04T13:00:00.000Z';

describe.each(testEngines())('scheduling: booking [%s]', (engine) => {
  const h = useEngine(engine, { now: () => NOW });

  const book = (c: Clinic, body: Record<string, unknown>) =>
    api(h.app, c.ctx, 'POST', '/api/schedule/appointments', {
      patientId: c.patientId,
      visitType: 'follow-up',
      scheduleId: c.scheduleId,
      start: MON_0800,
      ...body,
    });
  const freeStarts = async (c: Clinic, day = '2027-01-04'): Promise<string[]> =>
    (
      await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
        visitType: 'follow-up',
        from: day,
        to: day,
        limit: 200,
      })
    ).body.slots.map((s: { start: string }) => s.start);

  it('books a visit: status booked, the patient, provider and site as participants, the visit type as the demo codes it', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const res = await book(c, { reason: 'blood pressure check', note: 'prefers mornings' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      resourceType: 'Appointment',
      status: 'booked',
      start: MON_0800,
      end: '2027-01-04T13:20:00.000Z',
      minutesDuration: 20,
      reasonCode: [{ text: 'blood pressure check' }],
      comment: 'prefers mornings',
    });
    expect(res.body.appointmentType.coding[0]).toEqual({
      system: 'urn:medassist:visit-type',
      code: 'follow-up',
      display: 'Follow-up',
    });
    expect(res.body.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toEqual([
      `Patient/${c.patientId}`,
      `Practitioner/${c.providerId}`,
      `Location/${c.siteId}`,
    ]);
    expect(await freeStarts(c)).not.toContain(MON_0800);
    const stored = await fhir(h.app, c.ctx, { method: 'GET', url: `Appointment/${res.body.id}` });
    expect(stored.body.status).toBe('booked');
  });

  it('100 concurrent requests for one slot book exactly one; the other 99 get 409 saying the time was just booked', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        book(c, { patientId: i % 2 === 0 ? c.patientId : c.otherPatientId })
      )
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(a.body.issue[0].code).toBe('conflict');
      expect(a.body.issue[0].expression).toEqual(['start']);
      expect(a.body.issue[0].details.text).toMatch(/that time was just booked .*choose another time/);
    }
    expect(await countOf(h.app, c.ctx, 'Appointment')).toBe(1);
  }, 120_000);

  it('a provider is not booked twice at once, even on their schedule at another site', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const site2 = await fhir(h.app, c.ctx, {
      method: 'POST',
      url: 'Location',
      body: {
        resourceType: 'Location',
        name: 'Dockside Annex',
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/New_York' },
        ],
      },
    });
    const other = await fhir(h.app, c.ctx, {
      method: 'POST',
      url: 'Schedule',
      body: {
        resourceType: 'Schedule',
        actor: [{ reference: `Practitioner/${c.providerId}` }, { reference: `Location/${site2.body.id}` }],
      },
    });
    await api(h.app, c.ctx, 'PUT', `/api/schedule/schedules/${other.body.id}/availability`, {
      rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '07:00', end: '19:00' }],
    });
    expect((await book(c, {})).status).toBe(201);
    const clash = await book(c, {
      scheduleId: other.body.id,
      start: '2027-01-04T13:10:00.000Z',
      patientId: c.otherPatientId,
    });
    expect(clash.status).toBe(409);
    expect(clash.body.issue[0].expression).toEqual(['start']);
    const after = await book(c, {
      scheduleId: other.body.id,
      start: '2027-01-04T13:20:00.000Z',
      patientId: c.otherPatientId,
    });
    expect(after.status).toBe(201);
    // The nurse line at the first site is not the provider's: a nurse visit at 08:00 is still free there.
    const nurse = await book(c, {
      scheduleId: c.nurseLineId,
      visitType: 'nurse-visit',
      patientId: c.otherPatientId,
    });
    expect(nurse.status).toBe(201);
    expect(nurse.body.participant).toHaveLength(2);
  });

  it('bad bookings are 4xx naming the field and write nothing', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ start: '2027-01-04T17:20:00.000Z' }, 400, 'start'], // 12:20 local: lunch
      [{ start: '2027-01-02T15:00:00.000Z' }, 400, 'start'], // a Saturday
      [{ start: '2027-01-04T21:50:00.000Z' }, 400, 'start'], // 16:50 local: would end after 17:00
      [{ start: '2026-12-28T15:00:00.000Z' }, 400, 'start'], // in the past
      [{ start: '2027-02-30T15:00:00.000Z' }, 400, 'start'], // no such date
      [{ start: 'next monday' }, 400, 'start'],
      [{ patientId: 'no-such-patient' }, 404, 'patientId'],
      [{ patientId: undefined }, 400, 'patientId'],
      [{ scheduleId: 'no-such-schedule' }, 404, 'scheduleId'],
      [{ visitType: 'massage' }, 400, 'visitType'],
      [{ scheduleId: c.nurseLineId, visitType: 'new-patient' }, 400, 'visitType'], // the nurse line sees no new patients
      [{ visitType: 'nurse-visit' }, 400, 'visitType'], // nor does a provider's schedule take nurse visits
      [{ overbook: { reason: '' } }, 400, 'overbook.reason'],
    ];
    for (const [body, status, field] of cases) {
      const res = await book(c, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.issue[0].expression, JSON.stringify(body)).toEqual([field]);
    }
    expect(await countOf(h.app, c.ctx, 'Appointment')).toBe(0);
  });

  it('overbooking: front desk and MAs get 403 naming overbook; the lead MA and providers may, and the reason is kept and audited', async () => {
    const c = await clinic(h.app, h.db, NOW);
    expect((await book(c, {})).status).toBe(201);
    const asRole = async (
      role: 'front-desk' | 'medical-assistant' | 'lead-ma' | 'provider' | 'biller',
      body: Record<string, unknown>
    ) =>
      apiAs(h.app, await c.user([role]), 'POST', '/api/schedule/appointments', {
        patientId: c.otherPatientId,
        visitType: 'follow-up',
        scheduleId: c.scheduleId,
        start: MON_0800,
        ...body,
      });
    for (const role of ['front-desk', 'medical-assistant'] as const) {
      const res = await asRole(role, { overbook: { reason: 'urgent' } });
      expect(res.status, role).toBe(403);
      expect(res.body.issue[0].expression).toEqual(['overbook']);
    }
    const biller = await asRole('biller', { start: '2027-01-04T15:00:00.000Z' });
    expect(biller.status).toBe(403);
    // Front desk books a normal free slot.
    expect((await asRole('front-desk', { start: '2027-01-04T15:00:00.000Z' })).status).toBe(201);
    // On top of the 08:00 visit, by the lead MA.
    const lead = await asRole('lead-ma', { overbook: { reason: 'worked in: acute ear pain' } });
    expect(lead.status).toBe(201);
    expect(lead.body.extension).toEqual([
      {
        url: 'https://medassist.dev/fhir/StructureDefinition/overbook-reason',
        valueString: 'worked in: acute ear pain',
      },
    ]);
    // Over lunch, by a provider.
    const provider = await asRole('provider', {
      start: '2027-01-04T17:20:00.000Z',
      overbook: { reason: 'lunch add-on' },
    });
    expect(provider.status).toBe(201);
    expect(await countOf(h.app, c.ctx, 'Appointment')).toBe(4);
    // The write's audit record names the overbooked appointment.
    const audit = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND event::text LIKE $2',
      [c.ctx.practiceId, `%Appointment/${lead.body.id as string}%`]
    );
    expect(audit.rows[0].n).toBeGreaterThan(0);
  });

  it('reschedule keeps the id, frees the old time and offers it to the waitlist; cancel with a reason does the same', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const first = await book(c, {});
    const waitlisted = await api(h.app, c.ctx, 'POST', '/api/schedule/waitlist', {
      patientId: c.otherPatientId,
      visitType: 'follow-up',
      practitioners: [c.providerId],
      location: c.siteId,
      from: '2027-01-04',
      to: '2027-01-08',
      timeOfDay: 'morning',
      note: 'any morning',
    });
    expect(waitlisted.status).toBe(201);
    expect(waitlisted.body).toMatchObject({
      status: 'waitlist',
      requestedPeriod: [{ start: '2027-01-04', end: '2027-01-08' }],
    });
    // An afternoon-only entry does not fit a freed 08:00.
    await api(h.app, c.ctx, 'POST', '/api/schedule/waitlist', {
      patientId: c.restrictedPatientId,
      visitType: 'follow-up',
      from: '2027-01-04',
      to: '2027-01-08',
      timeOfDay: 'afternoon',
    });
    const moved = await api(h.app, c.ctx, 'POST', `/api/schedule/appointments/${first.body.id}/reschedule`, {
      start: '2027-01-04T14:00:00.000Z',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: first.body.id,
      start: '2027-01-04T14:00:00.000Z',
      end: '2027-01-04T14:20:00.000Z',
    });
    expect(moved.body.offers).toEqual([
      {
        waitlistId: waitlisted.body.id,
        patient: { id: c.otherPatientId, name: 'Maren Quillon', birthDate: '1990-09-30' },
        restricted: false,
        visitType: { code: 'follow-up', display: 'Follow-up' },
        scheduleId: c.scheduleId,
        start: MON_0800,
        end: '2027-01-04T13:20:00.000Z',
      },
    ]);
    const free = await freeStarts(c);
    expect(free).toContain(MON_0800);
    expect(free).not.toContain('2027-01-04T14:00:00.000Z');
    // Moving onto a taken time is a 409 and changes nothing.
    const second = await book(c, { patientId: c.otherPatientId, start: '2027-01-04T15:00:00.000Z' });
    const clash = await api(h.app, c.ctx, 'POST', `/api/schedule/appointments/${first.body.id}/reschedule`, {
      start: '2027-01-04T15:00:00.000Z',
    });
    expect(clash.status).toBe(409);
    expect(
      (await fhir(h.app, c.ctx, { method: 'GET', url: `Appointment/${first.body.id}` })).body.start
    ).toBe('2027-01-04T14:00:00.000Z');
    // Cancel: a reason is required.
    const noReason = await api(
      h.app,
      c.ctx,
      'POST',
      `/api/schedule/appointments/${second.body.id}/cancel`,
      {}
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body.issue[0].expression).toEqual(['reason']);
    const cancelled = await api(h.app, c.ctx, 'POST', `/api/schedule/appointments/${second.body.id}/cancel`, {
      reason: 'patient is travelling',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.appointment).toMatchObject({
      id: second.body.id,
      status: 'cancelled',
      cancelationReason: { text: 'patient is travelling' },
    });
    // 10:00 local is morning: the morning entry is offered; the free window is 09:20-12:00, the freed start fits.
    expect(
      cancelled.body.offers.map((o: { waitlistId: string; start: string }) => [o.waitlistId, o.start])
    ).toEqual([[waitlisted.body.id, '2027-01-04T15:00:00.000Z']]);
    expect(await freeStarts(c)).toContain('2027-01-04T15:00:00.000Z');
    const twice = await api(h.app, c.ctx, 'POST', `/api/schedule/appointments/${second.body.id}/cancel`, {
      reason: 'again',
    });
    expect(twice.status).toBe(409);
    expect(twice.body.issue[0].expression).toEqual(['status']);
  });

  it('the waitlist lists entries; a restricted chart shows as restricted with no patient', async () => {
    const c = await clinic(h.app, h.db, NOW);
    for (const patientId of [c.patientId, c.restrictedPatientId]) {
      const res = await api(h.app, c.ctx, 'POST', '/api/schedule/waitlist', {
        patientId,
        visitType: 'lab-draw',
        location: c.siteId,
        from: '2027-01-04',
        to: '2027-01-29',
      });
      expect(res.status).toBe(201);
    }
    const frontDesk = await c.user(['front-desk']);
    const list = await apiAs(h.app, frontDesk, 'GET', `/api/schedule/waitlist?location=${c.siteId}`);
    expect(list.status).toBe(200);
    expect(list.body.entries).toHaveLength(2);
    // Both entries were made at the same clock time: their order is not the point here.
    const [shown, hidden] = [...list.body.entries].sort(
      (a, b) => Number(a.restricted) - Number(b.restricted)
    );
    expect(shown).toMatchObject({
      patient: { id: c.patientId, name: 'Osric Brandt', birthDate: '1961-04-12' },
      restricted: false,
      visitType: { code: 'lab-draw', display: 'Lab draw' },
      location: { id: c.siteId },
      from: '2027-01-04',
      to: '2027-01-29',
      timeOfDay: 'any',
    });
    expect(hidden).toMatchObject({ patient: null, restricted: true });
    expect(list.text).not.toContain('Vesper');
    const bad = await apiAs(h.app, frontDesk, 'POST', '/api/schedule/waitlist', {
      patientId: c.patientId,
      visitType: 'lab-draw',
      from: '2027-01-10',
      to: '2027-01-04',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['to']);
  });

  it('no-show only once the start has passed', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const future = await book(c, {});
    const early = await api(h.app, c.ctx, 'POST', `/api/schedule/appointments/${future.body.id}/no-show`, {});
    expect(early.status).toBe(409);
    expect(early.body.issue[0].expression).toEqual(['start']);
    // A visit that started this morning (before the clock's noon), made through the FHIR API.
    const past = await fhir(h.app, c.ctx, {
      method: 'POST',
      url: 'Appointment',
      body: {
        resourceType: 'Appointment',
        status: 'booked',
        start: '2027-01-01T11:00:00.000Z',
        end: '2027-01-01T11:20:00.000Z',
        participant: [
          { actor: { reference: `Patient/${c.patientId}` }, status: 'accepted' },
          { actor: { reference: `Practitioner/${c.providerId}` }, status: 'accepted' },
        ],
      },
    });
    const frontDesk = await c.user(['front-desk']);
    const marked = await apiAs(
      h.app,
      frontDesk,
      'POST',
      `/api/schedule/appointments/${past.body.id}/no-show`,
      {}
    );
    expect(marked.status).toBe(200);
    expect(marked.body.status).toBe('noshow');
    const again = await apiAs(
      h.app,
      frontDesk,
      'POST',
      `/api/schedule/appointments/${past.body.id}/no-show`,
      {}
    );
    expect(again.status).toBe(409);
    expect(again.body.issue[0].expression).toEqual(['status']);
    const missing = await apiAs(h.app, frontDesk, 'POST', '/api/schedule/appointments/nope/no-show', {});
    expect(missing.status).toBe(404);
  });

  it('availability and holidays: the lead MA and practice admin set them; the front desk may not; bad rules name the rule', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const rules = {
      rules: [
        { rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU', start: '09:00', end: '11:00', visitTypes: ['procedure'] },
      ],
    };
    const frontDesk = await c.user(['front-desk']);
    const refused = await apiAs(
      h.app,
      frontDesk,
      'PUT',
      `/api/schedule/schedules/${c.scheduleId}/availability`,
      rules
    );
    expect(refused.status).toBe(403);
    expect(refused.body.issue[0].expression).toEqual(['rules']);
    const holiday = await apiAs(h.app, frontDesk, 'POST', '/api/schedule/holidays', {
      date: '2027-07-05',
      name: 'Independence Day (observed)',
    });
    expect(holiday.status).toBe(403);
    const admin = await c.user(['practice-admin']);
    const bad: [unknown, string][] = [
      [{ rules: [{ rrule: 'FREQ=HOURLY', start: '09:00', end: '11:00' }] }, 'rules[0].rrule'],
      [{ rules: [{ rrule: 'FREQ=WEEKLY;BYHOUR=9', start: '09:00', end: '11:00' }] }, 'rules[0].rrule'],
      [{ rules: [{ rrule: 'nonsense', start: '09:00', end: '11:00' }] }, 'rules[0].rrule'],
      [{ rules: [{ rrule: 'FREQ=DAILY', start: '11:00', end: '09:00' }] }, 'rules[0].end'],
      [{ rules: [{ rrule: 'FREQ=DAILY', start: '25:00', end: '26:00' }] }, 'rules[0].start'],
      [
        { rules: [{ rrule: 'FREQ=DAILY', start: '09:00', end: '10:00', visitTypes: ['massage'] }] },
        'rules[0].visitTypes',
      ],
      [{ rules: 'weekdays' }, 'rules'],
    ];
    for (const [body, field] of bad) {
      const res = await apiAs(
        h.app,
        admin,
        'PUT',
        `/api/schedule/schedules/${c.scheduleId}/availability`,
        body
      );
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.issue[0].expression).toEqual([field]);
    }
    const lead = await c.user(['lead-ma']);
    const set = await apiAs(
      h.app,
      lead,
      'PUT',
      `/api/schedule/schedules/${c.scheduleId}/availability`,
      rules
    );
    expect(set.status).toBe(200);
    // Every other Tuesday from the rule's default start (Monday 2020-01-06): 2027-01-05 is in week 365 (odd),
    // so the Tuesdays are 2027-01-12 and 2027-01-26 in January; procedures only.
    const procedures = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'procedure',
      from: '2027-01-04',
      to: '2027-01-31',
      limit: 200,
    });
    expect([...new Set(procedures.body.slots.map((s: { start: string }) => s.start.slice(0, 10)))]).toEqual([
      '2027-01-12',
      '2027-01-26',
    ]);
    // 09:00-11:00 EST is 14:00Z-16:00Z: 30-minute procedures at 14:00, 14:30, 15:00, 15:30.
    expect(procedures.body.slots.slice(0, 4).map((s: { start: string }) => s.start)).toEqual([
      '2027-01-12T14:00:00.000Z',
      '2027-01-12T14:30:00.000Z',
      '2027-01-12T15:00:00.000Z',
      '2027-01-12T15:30:00.000Z',
    ]);
    const followUps = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'follow-up',
      from: '2027-01-04',
      to: '2027-01-31',
    });
    expect(followUps.body.slots).toEqual([]);
  });
});
