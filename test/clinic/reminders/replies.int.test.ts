import { randomUUID } from 'node:crypto';
import type { Appointment, Communication, Task } from '@medplum/fhirtypes';
import { beforeEach, describe, expect, it } from 'vitest';
import { planReminders, sendDue, type OutboxRow } from '../../../src/clinic/reminders/outbox.js';
import type { OutgoingMessage, Transports } from '../../../src/clinic/reminders/transports.js';
import { asUser, signedInUser, type TestUser } from '../../authHarness.js';
import { fhir, injectJson, newPractice, testEngines, useEngine, type TestContext } from '../../harness.js';
import { appointment, patient, write, writeClinic } from './clinic.js';

describe.each(testEngines())('reminder replies and settings (%s)', (engine) => {
  let SECRET = '';
  const h = useEngine(engine);
  let ctx: TestContext;
  let admin: TestUser;
  let frontDesk: TestUser;
  let sent: { channel: string; message: OutgoingMessage }[];
  const transports: Transports = {
    email: { send: async (message) => void sent.push({ channel: 'email', message }) },
    sms: { send: async (message) => void sent.push({ channel: 'sms', message }) },
  };

  beforeEach(async () => {
    sent = [];
    SECRET = `reply-secret-${randomUUID()}`;
    ctx = await newPractice(h.db, 'replies');
    await writeClinic(h.app, ctx);
    admin = await signedInUser(h.db, ctx, ['practice-admin']);
    frontDesk = await signedInUser(h.db, ctx, ['front-desk']);
    const res = await asUser(h.app, admin, {
      method: 'PUT',
      url: '/api/reminders/settings',
      body: { replySecret: SECRET },
      contentType: 'application/json',
    });
    expect(res.status, res.text).toBe(200);
    await write(h.app, ctx, [patient('ana'), appointment('visit-ana', 'ana', '2026-12-01T15:00:00.000Z')]);
    const now = new Date('2026-11-30T16:00:00Z');
    await planReminders(h.db, ctx.practiceId, now);
    await sendDue(h.db, transports, now, { practiceId: ctx.practiceId });
    expect(sent).toHaveLength(2);
  });

  const smsReply = (body: unknown, secret: string = SECRET) =>
    injectJson(h.app, {
      method: 'POST',
      url: '/api/reminders/replies/sms',
      body,
      contentType: 'application/json',
      headers: { authorization: `Bearer ${secret}` },
    });
  const emailReply = (raw: string, secret: string = SECRET) =>
    injectJson(h.app, {
      method: 'POST',
      url: '/api/reminders/replies/email',
      body: raw,
      contentType: 'message/rfc822',
      headers: { authorization: `Bearer ${secret}` },
    });
  const read = async <T>(url: string): Promise<T> =>
    (await fhir(h.app, ctx, { method: 'GET', url })).body as T;
  const replies = async (): Promise<Communication[]> =>
    ((await read<{ entry?: { resource: Communication }[] }>('Communication?_count=100')).entry ?? [])
      .map((e) => e.resource)
      .filter((c) => c.received);
  const smsId = (): string => sent.find((s) => s.channel === 'sms')?.message.id as string;
  const emailId = (): string => sent.find((s) => s.channel === 'email')?.message.id as string;

  it('"C" to a text confirms: the patient accepted, a note on the appointment, the reply kept', async () => {
    const res = await smsReply({ from: '+1 512 555 0102', body: 'C', inReplyTo: smsId() });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ outcome: 'confirmed', appointmentId: 'visit-ana' });
    const visit = await read<Appointment>('Appointment/visit-ana');
    expect(visit.status).toBe('booked');
    expect(visit.participant?.find((p) => p.actor?.reference === 'Patient/ana')?.status).toBe('accepted');
    expect(visit.comment).toMatch(/^Confirmed by the patient by text message on \d{4}-\d\d-\d\dT[\d:.]+Z\.$/);
    const [reply] = await replies();
    expect(reply).toMatchObject({
      status: 'completed',
      subject: { reference: 'Patient/ana' },
      about: [{ reference: 'Appointment/visit-ana' }],
      payload: [{ contentString: 'C' }],
    });
  });

  it('"R" asks to reschedule: a Task for the front desk, the appointment stays booked (matched by phone number)', async () => {
    const res = await smsReply({ from: '5125550102', body: 'reschedule' });
    expect(res.body).toMatchObject({ outcome: 'reschedule-requested', appointmentId: 'visit-ana' });
    const task = await read<Task>(`Task/${res.body.taskId as string}`);
    expect(task).toMatchObject({
      status: 'requested',
      code: { coding: [{ code: 'reschedule-request' }] },
      for: { reference: 'Patient/ana' },
      focus: { reference: 'Appointment/visit-ana' },
    });
    expect((await read<Appointment>('Appointment/visit-ana')).status).toBe('booked');
    // The front desk can read the Task (its inbox).
    const seen = await asUser(h.app, frontDesk, { method: 'GET', url: `Task/${task.id}` });
    expect(seen.status).toBe(200);
  });

  it('anything else goes to the front desk inbox; a stranger’s text too, without touching the appointment', async () => {
    const res = await smsReply({ from: '(512) 555-0102', body: 'Can I come at 3 instead?' });
    expect(res.body).toMatchObject({ outcome: 'inbox', appointmentId: 'visit-ana' });
    const stranger = await smsReply({ from: '(512) 555-9999', body: 'C' });
    expect(stranger.body.outcome).toBe('inbox');
    expect(stranger.body.appointmentId).toBeUndefined();
    const inbox = (await replies()).filter((c) => c.category?.[0]?.coding?.[0]?.code === 'front-desk-inbox');
    expect(inbox).toHaveLength(2);
    expect(inbox.every((c) => c.status === 'in-progress')).toBe(true);
    expect((await read<Appointment>('Appointment/visit-ana')).comment).toBeUndefined();
  });

  it('an emailed "Sí" that quotes the reminder confirms, matched by In-Reply-To; a forwarded one does not', async () => {
    const raw = (from: string) =>
      [
        `From: Ana <${from}>`,
        'To: reminders@riverbend.example.org',
        'Subject: Re: Recordatorio de cita',
        `In-Reply-To: <${emailId()}@reminders.medassist>`,
        'Message-ID: <reply-1@example.com>',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Sí',
        '',
        'El lun, 30 nov 2026, Riverbend escribió:',
        '> Le recordamos su cita. Responda C para confirmar o R para cambiar la cita.',
        '',
      ].join('\r\n');
    const other = await emailReply(raw('someone.else@example.com'));
    expect(other.status, other.text).toBe(201);
    expect(other.body.outcome).toBe('inbox');
    const res = await emailReply(raw('ana@example.com'));
    expect(res.body).toMatchObject({ outcome: 'confirmed', appointmentId: 'visit-ana' });
    expect((await read<Appointment>('Appointment/visit-ana')).comment).toMatch(
      /^Confirmed by the patient by email on /
    );
  });

  it('refuses a reply without the secret or with a bad body, and writes nothing', async () => {
    const before = (await replies()).length;
    const noSecret = await smsReply({ from: '5125550102', body: 'C' }, 'not-the-secret-at-all-0000000');
    expect(noSecret.status).toBe(401);
    expect(noSecret.body.issue[0].expression).toEqual(['Authorization']);
    const noFrom = await smsReply({ body: 'C' });
    expect(noFrom.status).toBe(400);
    expect(noFrom.body.issue[0].expression).toEqual(['from']);
    const notMail = await emailReply('');
    expect(notMail.status).toBe(400);
    const noFromHeader = await emailReply('Subject: hi\r\n\r\nC\r\n');
    expect(noFromHeader.status).toBe(400);
    expect(noFromHeader.body.issue[0].expression).toEqual(['From']);
    expect((await replies()).length).toBe(before);
    expect((await read<Appointment>('Appointment/visit-ana')).comment).toBeUndefined();
  });

  it('settings: everyone reads them, only an administrator changes them, bad values name the field', async () => {
    const got = await asUser(h.app, frontDesk, { method: 'GET', url: '/api/reminders/settings' });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      enabled: true,
      hoursBefore: [48, 24],
      channels: ['email', 'sms'],
      replySecretSet: true,
    });
    expect(got.text).not.toContain(SECRET);
    const refused = await asUser(h.app, frontDesk, {
      method: 'PUT',
      url: '/api/reminders/settings',
      body: { hoursBefore: [72] },
      contentType: 'application/json',
    });
    expect(refused.status).toBe(403);
    for (const [body, field] of [
      [{ hoursBefore: [0] }, 'hoursBefore'],
      [{ hoursBefore: 'soon' }, 'hoursBefore'],
      [{ channels: ['pigeon'] }, 'channels'],
      [{ preparation: { 'lab-draw': { es: 'ayuno' } } }, 'preparation.lab-draw.en'],
      [{ preparation: { 'lab-draw': { en: 'Fast', fr: 'jeûne' } } }, 'preparation.lab-draw.fr'],
      [{ replySecret: 'short' }, 'replySecret'],
      [{ enabled: 'yes' }, 'enabled'],
    ] as const) {
      const bad = await asUser(h.app, admin, {
        method: 'PUT',
        url: '/api/reminders/settings',
        body,
        contentType: 'application/json',
      });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.issue[0].expression).toEqual([field]);
    }
    const ok = await asUser(h.app, admin, {
      method: 'PUT',
      url: '/api/reminders/settings',
      body: {
        hoursBefore: [24, 72, 2],
        preparation: { procedure: { en: 'Wear loose clothing.', es: 'Use ropa holgada.' } },
      },
      contentType: 'application/json',
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({
      hoursBefore: [72, 24, 2],
      channels: ['email', 'sms'],
      replySecretSet: true,
    });
    expect(Object.keys(ok.body.preparation as object)).toEqual(['procedure']);
    // The outbox of a visit, as the front desk sees it: no addresses, no text.
    const outbox = await asUser(h.app, frontDesk, {
      method: 'GET',
      url: '/api/reminders/appointments/visit-ana',
    });
    expect(outbox.status).toBe(200);
    expect((outbox.body.reminders as Partial<OutboxRow>[]).map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(outbox.text).not.toContain('ana@example.com');
  });
});
