import { describe, expect, it } from 'vitest';
import { testEngines, useEngine } from '../../harness.js';
import { api, apiAs, clinic } from './fixtures.js';

/** 2027-01-01 (a Friday), noon UTC: the app's clock; every date below is after it. */
const NOW = new Date('2027-01-01T12:00:00.000Z');

/** Instants every `minutes` from `first` (UTC) while before `until`: a hand-worked slot list. */
function every(first: string, until: string, minutes: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse(first); t < Date.parse(until); t += minutes * 60_000)
    out.push(new Date(t).toISOString());
  return out;
}

describe.each(testEngines())('scheduling: availability and finding slots [%s]', (engine) => {
  const h = useEngine(engine, { now: () => NOW });

  it('a Mon-Fri 08:00-12:00 + 13:00-17:00 template with a 20-minute type gives 08:00, 08:20 ... 11:40 and 13:00 ... 16:40, nothing at lunch', async () => {
    const c = await clinic(h.app, h.db, NOW);
    // Monday 2027-01-04 in America/New_York is EST (UTC-5): 08:00 local is 13:00Z.
    const res = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'follow-up',
      from: '2027-01-04',
      to: '2027-01-04',
      limit: 200,
    });
    expect(res.status).toBe(200);
    const starts = res.body.slots.map((s: { start: string }) => s.start);
    expect(starts).toEqual([
      ...every('2027-01-04T13:00:00.000Z', '2027-01-04T17:00:00.000Z', 20),
      ...every('2027-01-04T18:00:00.000Z', '2027-01-04T22:00:00.000Z', 20),
    ]);
    expect(starts).toHaveLength(24);
    // Only the provider's schedule takes follow-ups (the nurse line does not).
    expect(new Set(res.body.slots.map((s: { scheduleId: string }) => s.scheduleId))).toEqual(
      new Set([c.scheduleId])
    );
    expect(res.body.slots[0]).toMatchObject({
      practitioner: { id: c.providerId, name: 'Imogen Harlow, MD' },
      location: { id: c.siteId, name: 'Harbor Street Clinic' },
      end: '2027-01-04T13:20:00.000Z',
    });
  });

  it('a nurse visit (15 minutes) is found on the nurse line only; weekends have nothing', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const res = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'nurse-visit',
      location: c.siteId,
      from: '2027-01-04',
      to: '2027-01-04',
      limit: 200,
    });
    expect(res.body.slots).toHaveLength(32);
    expect(res.body.slots.every((s: { scheduleId: string }) => s.scheduleId === c.nurseLineId)).toBe(true);
    expect(res.body.slots[31].start).toBe('2027-01-04T21:45:00.000Z');
    const weekend = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'follow-up',
      from: '2027-01-02',
      to: '2027-01-03',
    });
    expect(weekend.body.slots).toEqual([]);
  });

  it('a DST change keeps 08:00 local: 13:00Z before 2027-03-14, 12:00Z after (and back in November)', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const spring = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'follow-up',
      from: '2027-03-12',
      to: '2027-03-15',
      limit: 200,
    });
    const starts: string[] = spring.body.slots.map((s: { start: string }) => s.start);
    expect(starts).toHaveLength(48);
    expect(starts[0]).toBe('2027-03-12T13:00:00.000Z');
    expect(starts[24]).toBe('2027-03-15T12:00:00.000Z');
    expect(starts.filter((s) => s.startsWith('2027-03-13') || s.startsWith('2027-03-14'))).toEqual([]);
    const fall = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'follow-up',
      from: '2027-11-05',
      to: '2027-11-08',
      limit: 200,
    });
    expect(fall.body.slots[0].start).toBe('2027-11-05T12:00:00.000Z');
    expect(fall.body.slots[24].start).toBe('2027-11-08T13:00:00.000Z');
  });

  it('limit, after (paging) and time of day', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const find = (extra: Record<string, unknown>) =>
      api(h.app, c.ctx, 'POST', '/api/schedule/find', {
        visitType: 'follow-up',
        from: '2027-01-04',
        to: '2027-01-08',
        ...extra,
      });
    const first = await find({ limit: 3 });
    expect(first.body.slots.map((s: { start: string }) => s.start)).toEqual([
      '2027-01-04T13:00:00.000Z',
      '2027-01-04T13:20:00.000Z',
      '2027-01-04T13:40:00.000Z',
    ]);
    const next = await find({ limit: 1, after: '2027-01-04T13:40:00.000Z' });
    expect(next.body.slots[0].start).toBe('2027-01-04T14:00:00.000Z');
    const afternoon = await find({ limit: 1, timeOfDay: 'afternoon' });
    expect(afternoon.body.slots[0].start).toBe('2027-01-04T18:00:00.000Z');
    const morning = await find({ limit: 200, timeOfDay: 'morning' });
    expect(morning.body.slots).toHaveLength(60);
    expect(morning.body.slots.at(-1).start).toBe('2027-01-08T16:40:00.000Z');
    const byPractitioner = await find({ limit: 1, practitioners: ['someone-else'] });
    expect(byPractitioner.body.slots).toEqual([]);
  });

  it('booked visits, blocks and holidays are taken out; removing a block gives the time back', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const booked = await api(h.app, c.ctx, 'POST', '/api/schedule/appointments', {
      patientId: c.patientId,
      visitType: 'follow-up',
      scheduleId: c.scheduleId,
      start: '2027-01-04T13:00:00.000Z',
    });
    expect(booked.status).toBe(201);
    // A 40-minute new-patient visit: the free window is now 08:20-12:00 local.
    const newPatient = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'new-patient',
      from: '2027-01-04',
      to: '2027-01-04',
      limit: 3,
    });
    expect(newPatient.body.slots.map((s: { start: string }) => s.start)).toEqual([
      '2027-01-04T13:20:00.000Z',
      '2027-01-04T14:00:00.000Z',
      '2027-01-04T14:40:00.000Z',
    ]);
    // A meeting 10:00-11:00 local on Tuesday.
    const block = await api(h.app, c.ctx, 'POST', '/api/schedule/blocks', {
      scheduleId: c.scheduleId,
      start: '2027-01-05T15:00:00.000Z',
      end: '2027-01-05T16:00:00.000Z',
      reason: 'meeting',
    });
    expect(block.status).toBe(201);
    expect(block.body).toMatchObject({
      resourceType: 'Slot',
      status: 'busy-unavailable',
      comment: 'meeting',
    });
    const tuesday = () =>
      api(h.app, c.ctx, 'POST', '/api/schedule/find', {
        visitType: 'follow-up',
        from: '2027-01-05',
        to: '2027-01-05',
        timeOfDay: 'morning',
        limit: 200,
      });
    expect((await tuesday()).body.slots.map((s: { start: string }) => s.start)).toEqual([
      ...every('2027-01-05T13:00:00.000Z', '2027-01-05T15:00:00.000Z', 20),
      ...every('2027-01-05T16:00:00.000Z', '2027-01-05T17:00:00.000Z', 20),
    ]);
    expect((await api(h.app, c.ctx, 'DELETE', `/api/schedule/blocks/${block.body.id}`)).status).toBe(204);
    expect((await tuesday()).body.slots).toHaveLength(12);
    // A holiday on Wednesday: nothing offered that day at the site.
    const holiday = await api(h.app, c.ctx, 'POST', '/api/schedule/holidays', {
      date: '2027-01-06',
      name: 'Staff training day',
      location: c.siteId,
    });
    expect(holiday.status).toBe(201);
    const wednesday = await api(h.app, c.ctx, 'POST', '/api/schedule/find', {
      visitType: 'follow-up',
      from: '2027-01-06',
      to: '2027-01-06',
    });
    expect(wednesday.body.slots).toEqual([]);
    const setup = await api(h.app, c.ctx, 'GET', `/api/schedule/setup?location=${c.siteId}`);
    expect(setup.body.holidays).toEqual([{ date: '2027-01-06', name: 'Staff training day' }]);
    const again = await api(h.app, c.ctx, 'POST', '/api/schedule/holidays', {
      date: '2027-01-06',
      name: 'Again',
      location: c.siteId,
    });
    expect(again.status).toBe(409);
    expect(again.body.issue[0].expression).toEqual(['date']);
  });

  it("a restricted chart's visit holds its time for everyone, and nobody without a grant sees whose it is", async () => {
    const c = await clinic(h.app, h.db, NOW);
    // The API client (system access) books the restricted patient at 09:00 local.
    const hidden = await api(h.app, c.ctx, 'POST', '/api/schedule/appointments', {
      patientId: c.restrictedPatientId,
      visitType: 'follow-up',
      scheduleId: c.scheduleId,
      start: '2027-01-04T14:00:00.000Z',
    });
    expect(hidden.status).toBe(201);
    await api(h.app, c.ctx, 'POST', '/api/schedule/appointments', {
      patientId: c.patientId,
      visitType: 'follow-up',
      scheduleId: c.scheduleId,
      start: '2027-01-04T13:00:00.000Z',
    });
    const frontDesk = await c.user(['front-desk']);
    const found = await apiAs(h.app, frontDesk, 'POST', '/api/schedule/find', {
      visitType: 'follow-up',
      from: '2027-01-04',
      to: '2027-01-04',
      timeOfDay: 'morning',
      limit: 200,
    });
    expect(found.status).toBe(200);
    const starts = found.body.slots.map((s: { start: string }) => s.start);
    expect(starts).toHaveLength(10);
    expect(starts).not.toContain('2027-01-04T14:00:00.000Z');
    expect(starts).not.toContain('2027-01-04T13:00:00.000Z');
    const taken = await apiAs(h.app, frontDesk, 'POST', '/api/schedule/appointments', {
      patientId: c.otherPatientId,
      visitType: 'follow-up',
      scheduleId: c.scheduleId,
      start: '2027-01-04T14:00:00.000Z',
    });
    expect(taken.status).toBe(409);
    const day = await apiAs(
      h.app,
      frontDesk,
      'GET',
      `/api/schedule/day?date=2027-01-04&location=${c.siteId}`
    );
    expect(day.status).toBe(200);
    expect(day.body.appointments).toEqual([
      {
        id: expect.any(String),
        scheduleId: c.scheduleId,
        start: '2027-01-04T13:00:00.000Z',
        end: '2027-01-04T13:20:00.000Z',
        status: 'booked',
        visitType: { code: 'follow-up', display: 'Follow-up' },
        patient: { id: c.patientId, name: 'Osric Brandt', birthDate: '1961-04-12' },
        restricted: false,
      },
      {
        id: hidden.body.id,
        scheduleId: c.scheduleId,
        start: '2027-01-04T14:00:00.000Z',
        end: '2027-01-04T14:20:00.000Z',
        status: 'booked',
        visitType: { code: 'follow-up', display: 'Follow-up' },
        patient: null,
        restricted: true,
      },
    ]);
    expect(day.text).not.toContain('Vesper');
    expect(day.text).not.toContain(c.restrictedPatientId);
  });

  it('the day view: columns with open time, open windows, blocks; the week view: seven days of one schedule; setup', async () => {
    const c = await clinic(h.app, h.db, NOW);
    await api(h.app, c.ctx, 'POST', '/api/schedule/blocks', {
      scheduleId: c.scheduleId,
      start: '2027-01-04T20:00:00.000Z',
      end: '2027-01-04T22:00:00.000Z',
      reason: 'time off',
    });
    const day = await api(h.app, c.ctx, 'GET', `/api/schedule/day?date=2027-01-04&location=${c.siteId}`);
    expect(day.status).toBe(200);
    expect(day.body.date).toBe('2027-01-04');
    expect(day.body.timeZone).toBe('America/New_York');
    expect(day.body.columns.map((col: { scheduleId: string }) => col.scheduleId)).toEqual([
      c.scheduleId,
      c.nurseLineId,
    ]);
    expect(day.body.open.filter((o: { scheduleId: string }) => o.scheduleId === c.scheduleId)).toEqual([
      { scheduleId: c.scheduleId, start: '2027-01-04T13:00:00.000Z', end: '2027-01-04T17:00:00.000Z' },
      { scheduleId: c.scheduleId, start: '2027-01-04T18:00:00.000Z', end: '2027-01-04T20:00:00.000Z' },
    ]);
    expect(day.body.blocks).toEqual([
      {
        id: expect.any(String),
        scheduleId: c.scheduleId,
        start: '2027-01-04T20:00:00.000Z',
        end: '2027-01-04T22:00:00.000Z',
        reason: 'time off',
      },
    ]);
    const week = await api(
      h.app,
      c.ctx,
      'GET',
      `/api/schedule/week?start=2027-01-04&schedule=${c.scheduleId}`
    );
    expect(week.status).toBe(200);
    expect(week.body.start).toBe('2027-01-04');
    expect(week.body.columns).toHaveLength(1);
    // Five weekdays, two windows each, Monday's afternoon cut short by the block.
    expect(week.body.open).toHaveLength(10);
    const setup = await api(h.app, c.ctx, 'GET', `/api/schedule/setup?location=${c.siteId}`);
    expect(setup.body.timeZone).toBe('America/New_York');
    expect(setup.body.visitTypes).toContainEqual({
      code: 'new-patient',
      display: 'New patient',
      minutes: 40,
      performers: ['provider'],
      room: 'exam',
    });
    expect(setup.body.visitTypes.map((v: { code: string; minutes: number }) => [v.code, v.minutes])).toEqual([
      ['new-patient', 40],
      ['follow-up', 20],
      ['nurse-visit', 15],
      ['lab-draw', 10],
      ['procedure', 30],
      ['telehealth', 20],
    ]);
    expect(setup.body.schedules.map((s: { id: string; nurseLine: boolean }) => [s.id, s.nurseLine])).toEqual([
      [c.scheduleId, false],
      [c.nurseLineId, true],
    ]);
    expect(setup.body.rooms).toEqual([{ id: expect.any(String), name: 'Exam 1', status: 'free' }]);
  });

  it('bad input is a 400 naming the field', async () => {
    const c = await clinic(h.app, h.db, NOW);
    const cases: [Record<string, unknown>, string][] = [
      [{ visitType: 'follow-up', from: '2027-02-30', to: '2027-03-01' }, 'from'],
      [{ visitType: 'follow-up', from: '2027-01-08', to: '2027-01-04' }, 'to'],
      [{ visitType: 'follow-up', from: '2027-01-04', to: '2029-01-04' }, 'to'],
      [{ visitType: 'massage', from: '2027-01-04', to: '2027-01-04' }, 'visitType'],
      [{ visitType: 'follow-up', from: '2027-01-04', to: '2027-01-04', limit: 0 }, 'limit'],
      [{ visitType: 'follow-up', from: '2027-01-04', to: '2027-01-04', timeOfDay: 'evening' }, 'timeOfDay'],
      [{ visitType: 'follow-up', from: '2027-01-04', to: '2027-01-04', after: 'yesterday' }, 'after'],
      [
        { visitType: 'follow-up', from: '2027-01-04', to: '2027-01-04', practitioners: ['bad id!'] },
        'practitioners',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await api(h.app, c.ctx, 'POST', '/api/schedule/find', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.issue[0].expression).toEqual([field]);
    }
    const day = await api(h.app, c.ctx, 'GET', `/api/schedule/day?date=2027-13-01&location=${c.siteId}`);
    expect(day.status).toBe(400);
    expect(day.body.issue[0].expression).toEqual(['date']);
  });
});
