import type { Encounter, Task } from '@medplum/fhirtypes';
import { beforeEach, describe, expect, it } from 'vitest';
import { FOLLOW_UP_URL } from '../../../src/clinic/flow/status.js';
import { recallList } from '../../../src/clinic/recall/recall.js';
import { asUser, signedInUser, type TestUser } from '../../authHarness.js';
import { countOf, newPractice, testEngines, useEngine, type TestContext } from '../../harness.js';
import { appointment, patient, write, writeClinic } from '../reminders/clinic.js';

const DAY = 86_400_000;
const shift = (base: Date, days: number, hours = 0): string =>
  new Date(base.getTime() + days * DAY + hours * 3_600_000).toISOString();

function encounter(
  id: string,
  patientId: string,
  end: string,
  visitType: string,
  withinDays: number
): Encounter {
  return {
    resourceType: 'Encounter',
    id,
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patientId}` },
    period: { start: shift(new Date(end), 0, -1), end },
    extension: [
      {
        url: FOLLOW_UP_URL,
        extension: [
          { url: 'visitType', valueCode: visitType },
          { url: 'withinDays', valueInteger: withinDays },
          { url: 'text', valueString: `Return in ${withinDays} days` },
        ],
      },
    ],
  };
}

/**
 * The recall fixture around `base`: with base = 2026-11-27T15:00Z (9 AM in Chicago)
 * - p1 was seen 2026-11-03T03:00Z, which is 2 November, 9 PM in Chicago: follow-up within 14 days, due
 *   16 November, 11 days overdue, nothing booked;
 * - p2 was seen 20 November, follow-up within 30 days, and has a follow-up booked 18 December: not listed;
 * - p3 has a follow-up Task (nurse visit) due 5 December: listed, not overdue;
 * - p4 was seen 20 November, follow-up within 30 days (due 20 December), has only a lab draw booked: listed;
 * - p5, a restricted chart, was seen 1 November with a follow-up: hidden from the front desk.
 */
async function writeRecallFixture(
  h: { app: Parameters<typeof write>[0] },
  ctx: TestContext,
  base: Date
): Promise<void> {
  const task: Task = {
    resourceType: 'Task',
    id: 'recall-task',
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: 'urn:medassist:task-type', code: 'follow-up-request' }] },
    for: { reference: 'Patient/p3' },
    authoredOn: shift(base, -17),
    description: 'B12 injection series',
    restriction: { period: { end: shift(base, 8).slice(0, 10) } },
    input: [
      {
        type: { text: 'visitType' },
        valueCoding: { system: 'urn:medassist:visit-type', code: 'nurse-visit' },
      },
    ],
  };
  await write(h.app, ctx, [
    patient('p1'),
    patient('p2'),
    patient('p3'),
    patient('p4'),
    patient('p5', {
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    }),
    encounter('e1', 'p1', shift(base, -24, -12), 'follow-up', 14),
    encounter('e2', 'p2', shift(base, -7, 1), 'follow-up', 30),
    appointment('a2', 'p2', shift(base, 21), 'follow-up'),
    task,
    encounter('e4', 'p4', shift(base, -7, 1), 'follow-up', 30),
    appointment('a4', 'p4', shift(base, 10), 'lab-draw'),
    encounter('e5', 'p5', shift(base, -26), 'follow-up', 14),
  ]);
}

describe.each(testEngines())('the recall list (%s)', (engine) => {
  const h = useEngine(engine);
  let ctx: TestContext;
  let frontDesk: TestUser;

  beforeEach(async () => {
    ctx = await newPractice(h.db, 'recall');
    await writeClinic(h.app, ctx);
    frontDesk = await signedInUser(h.db, ctx, ['front-desk']);
  });

  it('lists follow-ups asked for and not booked, with due dates in the clinic’s zone and days overdue', async () => {
    const base = new Date('2026-11-27T15:00:00Z');
    await writeRecallFixture(h, ctx, base);
    const list = await recallList(h.db, { practiceId: ctx.practiceId, baseUrl: '' }, base);
    expect(list.today).toBe('2026-11-27');
    expect(list.timeZone).toBe('America/Chicago');
    expect(
      list.items.map((i) => [i.id, i.patient.id, i.visitType.code, i.requestedOn, i.dueDate, i.overdueDays])
    ).toEqual([
      ['Encounter-e5', 'p5', 'follow-up', '2026-11-01', '2026-11-15', 12],
      ['Encounter-e1', 'p1', 'follow-up', '2026-11-02', '2026-11-16', 11],
      ['Task-recall-task', 'p3', 'nurse-visit', '2026-11-10', '2026-12-05', 0],
      ['Encounter-e4', 'p4', 'follow-up', '2026-11-20', '2026-12-20', 0],
    ]);
    expect(list.items[1]).toMatchObject({ reason: 'Return in 14 days', attempts: 0, closed: false });
    expect(list.items[1].patient).toEqual({ id: 'p1', name: 'Ana Prueba-p1', birthDate: '1980-04-02' });
  });

  it('the front desk sees it without restricted charts, filters it, and logs contact attempts', async () => {
    await writeRecallFixture(h, ctx, new Date());
    const get = (query = '') => asUser(h.app, frontDesk, { method: 'GET', url: `/api/recall${query}` });
    const all = await get();
    expect(all.status, all.text).toBe(200);
    expect(all.headers['cache-control']).toContain('no-store');
    expect((all.body.items as { id: string }[]).map((i) => i.id)).toEqual([
      'Encounter-e1',
      'Task-recall-task',
      'Encounter-e4',
    ]);
    expect(((await get('?overdue=true')).body.items as { id: string }[]).map((i) => i.id)).toEqual([
      'Encounter-e1',
    ]);
    expect(((await get('?visitType=nurse-visit')).body.items as { id: string }[]).map((i) => i.id)).toEqual([
      'Task-recall-task',
    ]);
    const badFilter = await get('?overdue=maybe');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.issue[0].expression).toEqual(['overdue']);

    const attempt = (id: string, body: unknown) =>
      asUser(h.app, frontDesk, {
        method: 'POST',
        url: `/api/recall/${id}/attempts`,
        body,
        contentType: 'application/json',
      });
    const logged = await attempt('Encounter-e1', {
      method: 'phone',
      outcome: 'left-message',
      note: 'Voicemail, asked to call back',
    });
    expect(logged.status, logged.text).toBe(201);
    expect(logged.body).toMatchObject({
      resourceType: 'Communication',
      basedOn: [{ reference: 'Encounter/e1' }],
      subject: { reference: 'Patient/p1' },
      payload: [{ contentString: 'Voicemail, asked to call back' }],
    });
    const after = (await get()).body.items as {
      id: string;
      attempts: number;
      lastAttempt?: Record<string, unknown>;
    }[];
    expect(after[0]).toMatchObject({
      id: 'Encounter-e1',
      attempts: 1,
      lastAttempt: { method: 'phone', outcome: 'left-message', note: 'Voicemail, asked to call back' },
    });

    // Bad attempts change nothing.
    const before = await countOf(h.app, ctx, 'Communication');
    for (const [id, body, status, field] of [
      ['Encounter-e1', { method: 'pigeon', outcome: 'no-answer' }, 400, 'method'],
      ['Encounter-e1', { method: 'phone', outcome: 'maybe' }, 400, 'outcome'],
      ['Encounter-e1', { method: 'phone', outcome: 'no-answer', note: 'x'.repeat(1001) }, 400, 'note'],
      ['Patient-p1', { method: 'phone', outcome: 'no-answer' }, 400, 'id'],
    ] as const) {
      const res = await attempt(id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.issue[0].expression).toEqual([field]);
    }
    expect((await attempt('Encounter-nope', { method: 'phone', outcome: 'no-answer' })).status).toBe(404);
    expect((await attempt('Encounter-e5', { method: 'phone', outcome: 'no-answer' })).status).toBe(404);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(before);

    // A patient who declines drops off the list (still there with ?closed=true).
    expect((await attempt('Encounter-e1', { method: 'sms', outcome: 'declined' })).status).toBe(201);
    expect(((await get()).body.items as { id: string }[]).map((i) => i.id)).toEqual([
      'Task-recall-task',
      'Encounter-e4',
    ]);
    const closed = (await get('?closed=true')).body.items as {
      id: string;
      closed: boolean;
      attempts: number;
    }[];
    expect(closed[0]).toMatchObject({ id: 'Encounter-e1', closed: true, attempts: 2 });
  });

  it('without signing in: 401', async () => {
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/recall' });
    expect(anonymous.statusCode).toBe(401);
  });
});
