import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDue,
  planReminders,
  prepareReminder,
  sendDue,
  type OutboxRow,
} from '../../../src/clinic/reminders/outbox.js';
import { REMINDER_OPT_OUT_URL } from '../../../src/clinic/reminders/patientContact.js';
import {
  httpSmsTransport,
  smtpTransport,
  type Transports,
} from '../../../src/clinic/reminders/transports.js';
import { fhir, newPractice, testEngines, useEngine, type TestContext } from '../../harness.js';
import { appointment, patient, write, writeClinic } from './clinic.js';

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
async function startSmtp(): Promise<{ port: number; mail: ParsedMail[]; close(): Promise<void> }> {
  const mail: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mail.push(parsed);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mail, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface Text {
  to: string;
  body: string;
  id: string;
  authorization?: string;
}

/**
 * A local text-message gateway: answers `status` (200 unless a test sets it), keeps every POST, and
 * delivers a message once per id (it honours the idempotency key, as the transport's contract asks).
 */
async function startGateway(): Promise<{
  url: string;
  posts: Text[];
  delivered: Map<string, Text>;
  status: { code: number };
  close(): Promise<void>;
}> {
  const posts: Text[] = [];
  const delivered = new Map<string, Text>();
  const status = { code: 200 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const text = { ...(JSON.parse(body) as Text), authorization: req.headers.authorization };
      posts.push(text);
      if (status.code === 200 && !delivered.has(text.id)) {
        delivered.set(text.id, text);
      }
      res.writeHead(status.code, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    posts,
    delivered,
    status,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const at = (iso: string, plusMinutes = 0): Date => new Date(new Date(iso).getTime() + plusMinutes * 60_000);

describe.each(testEngines())('appointment reminders (%s)', (engine) => {
  const h = useEngine(engine);
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let transports: Transports & { email: ReturnType<typeof smtpTransport> };
  let ctx: TestContext;

  beforeAll(async () => {
    smtp = await startSmtp();
    gateway = await startGateway();
    transports = {
      email: smtpTransport({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        allowPlain: true,
        from: 'Riverbend Family Medicine <reminders@riverbend.example.org>',
      }),
      sms: httpSmsTransport({ url: gateway.url, token: 'gateway-token' }),
    };
  });
  afterAll(async () => {
    transports?.email.close();
    await smtp?.close();
    await gateway?.close();
  });
  beforeEach(async () => {
    smtp.mail.length = 0;
    gateway.posts.length = 0;
    gateway.delivered.clear();
    gateway.status.code = 200;
    ctx = await newPractice(h.db, 'reminders');
    await writeClinic(h.app, ctx);
  });

  const outbox = async (): Promise<OutboxRow[]> =>
    (
      await h.db.query<OutboxRow>(
        'SELECT * FROM reminder_outbox WHERE practice_id = $1 ORDER BY appointment_id, offset_hours DESC, channel',
        [ctx.practiceId]
      )
    ).rows;
  const reminderCommunications = async (): Promise<number> =>
    (
      await fhir(h.app, ctx, {
        method: 'GET',
        url: 'Communication?category=urn:medassist:communication-category|appointment-reminder&_summary=count',
      })
    ).body.total as number;

  it('emails over SMTP and texts over HTTP, in the patient’s language and the clinic’s time, 48 and 24 hours before', async () => {
    // Tuesday 1 December 2026, 15:00 UTC = 9:00 AM in Chicago (CST). 47 hours before: the 48-hour reminder is due.
    await write(h.app, ctx, [patient('ana'), appointment('visit-1', 'ana', '2026-12-01T15:00:00.000Z')]);
    const now = new Date('2026-11-29T16:00:00Z');
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 2 });
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 0 });

    expect(await sendDue(h.db, transports, now, { practiceId: ctx.practiceId })).toEqual({
      sent: 2,
      retried: 0,
      failed: 0,
      skipped: 0,
    });
    expect(smtp.mail).toHaveLength(1);
    const email = smtp.mail[0];
    expect(email.to && !Array.isArray(email.to) ? email.to.value[0].address : undefined).toBe(
      'ana@example.com'
    );
    expect(email.subject).toBe('Recordatorio de cita: martes, 1 de diciembre de 2026, a las 9:00 a. m.');
    expect(email.text).toContain('Le recordamos su cita en Riverbend Family Medicine.');
    expect(email.text).toContain('Cuándo: martes, 1 de diciembre de 2026, a las 9:00 a. m.');
    expect(email.text).toContain('Dónde: Main Clinic, 1200 River Bend Parkway, Riverbend, TX 75001');
    expect(email.text).toContain('Con: Eleanor Whitfield, MD');
    expect(email.text).toContain(
      'Antes de su cita: Por favor, no coma ni beba nada excepto agua durante las 8 horas'
    );
    expect(email.text).not.toContain('Prueba-ana');
    const [emailRow, smsRow] = (await outbox()).sort((a, b) => a.channel.localeCompare(b.channel));
    expect(email.messageId).toBe(`<${emailRow.id}@reminders.medassist>`);

    expect(gateway.posts).toHaveLength(1);
    expect(gateway.posts[0]).toMatchObject({
      to: '(512) 555-0102',
      id: smsRow.id,
      authorization: 'Bearer gateway-token',
    });
    expect(gateway.posts[0].body).toMatch(
      /^Riverbend Family Medicine: le recordamos su cita \(análisis de laboratorio\) el martes, 1 de diciembre de 2026, a las 9:00 a\. m\./
    );

    // Nothing is sent twice, however often the worker runs.
    expect(await sendDue(h.db, transports, now, { practiceId: ctx.practiceId })).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
      skipped: 0,
    });
    expect(await planReminders(h.db, ctx.practiceId, at('2026-11-29T16:00:00Z', 30))).toEqual({
      enqueued: 0,
    });

    // 24 hours before: the second reminder.
    const later = new Date('2026-11-30T15:00:00Z');
    expect(await planReminders(h.db, ctx.practiceId, later)).toEqual({ enqueued: 2 });
    expect(await sendDue(h.db, transports, later, { practiceId: ctx.practiceId })).toMatchObject({ sent: 2 });
    expect(smtp.mail).toHaveLength(2);
    expect(gateway.posts).toHaveLength(2);
    expect((await outbox()).map((r) => [r.offset_hours, r.channel, r.status])).toEqual([
      [48, 'email', 'sent'],
      [48, 'sms', 'sent'],
      [24, 'email', 'sent'],
      [24, 'sms', 'sent'],
    ]);
    // Each sent reminder is on the chart (and in the audit trail) as a Communication.
    expect(await reminderCommunications()).toBe(4);
  });

  it('writes in English when the patient prefers it, and uses only the preferred channel', async () => {
    await write(h.app, ctx, [
      patient('ben', {
        communication: [{ language: { coding: [{ code: 'en-US' }] }, preferred: true }],
        telecom: [
          { system: 'phone', value: '(512) 555-0202', use: 'mobile' },
          { system: 'email', value: 'ben@example.com', rank: 1 },
        ],
      }),
      appointment('visit-ben', 'ben', '2026-12-01T21:30:00.000Z', 'follow-up'),
    ]);
    const now = new Date('2026-11-30T22:00:00Z');
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 1 });
    await sendDue(h.db, transports, now, { practiceId: ctx.practiceId });
    expect(gateway.posts).toHaveLength(0);
    expect(smtp.mail.map((m) => m.subject)).toEqual([
      'Appointment reminder: Tuesday, December 1, 2026 at 3:30 PM',
    ]);
    expect(smtp.mail[0].text).toContain('Visit: follow-up');
    expect(smtp.mail[0].text).not.toContain('Before your visit');
  });

  it('retries a failing gateway with backoff, keeps no patient data in the error, then gives up', async () => {
    await write(h.app, ctx, [
      patient('cruz', { telecom: [{ system: 'phone', value: '(512) 555-0303', use: 'mobile' }] }),
      appointment('visit-cruz', 'cruz', '2026-12-01T15:00:00.000Z'),
    ]);
    const now = new Date('2026-11-30T16:00:00Z');
    await planReminders(h.db, ctx.practiceId, now);
    gateway.status.code = 503;
    expect(await sendDue(h.db, transports, now, { practiceId: ctx.practiceId })).toMatchObject({
      retried: 1,
      sent: 0,
    });
    let [row] = await outbox();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'http-503' });
    expect(new Date(row.next_attempt_at).toISOString()).toBe(at('2026-11-30T16:00:00Z', 1).toISOString());
    // Not before the backoff is over.
    expect(
      await sendDue(h.db, transports, at('2026-11-30T16:00:00Z', 0.5), { practiceId: ctx.practiceId })
    ).toMatchObject({ retried: 0, sent: 0 });
    // Second failure: wait 2 minutes.
    expect(
      await sendDue(h.db, transports, at('2026-11-30T16:00:00Z', 1), { practiceId: ctx.practiceId })
    ).toMatchObject({ retried: 1 });
    [row] = await outbox();
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(new Date(row.next_attempt_at).toISOString()).toBe(at('2026-11-30T16:00:00Z', 3).toISOString());
    gateway.status.code = 200;
    expect(
      await sendDue(h.db, transports, at('2026-11-30T16:00:00Z', 3), { practiceId: ctx.practiceId })
    ).toMatchObject({ sent: 1 });
    [row] = await outbox();
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(gateway.delivered.size).toBe(1);
    expect(gateway.posts.every((p) => p.id === row.id)).toBe(true);

    // A gateway that never recovers: given up after maxAttempts, with the status code only.
    await write(h.app, ctx, [appointment('visit-cruz-2', 'cruz', '2026-12-02T15:00:00.000Z')]);
    const t0 = new Date('2026-12-01T16:00:00Z');
    await planReminders(h.db, ctx.practiceId, t0);
    gateway.status.code = 500;
    await sendDue(h.db, transports, t0, { practiceId: ctx.practiceId, maxAttempts: 3 });
    await sendDue(h.db, transports, at('2026-12-01T16:00:00Z', 1), {
      practiceId: ctx.practiceId,
      maxAttempts: 3,
    });
    expect(
      await sendDue(h.db, transports, at('2026-12-01T16:00:00Z', 3), {
        practiceId: ctx.practiceId,
        maxAttempts: 3,
      })
    ).toMatchObject({ failed: 1 });
    const failed = (await outbox()).find((r) => r.appointment_id === 'visit-cruz-2');
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, last_error: 'http-500' });
    expect(
      await sendDue(h.db, transports, at('2026-12-01T16:00:00Z', 120), {
        practiceId: ctx.practiceId,
        maxAttempts: 3,
      })
    ).toMatchObject({ sent: 0, failed: 0 });
    const rows = JSON.stringify(await outbox());
    expect(rows).not.toContain('555-0303');
    expect(rows).not.toContain('Prueba');
  });

  it('an unreachable SMTP server is a retry with its error code', async () => {
    await write(h.app, ctx, [patient('dee'), appointment('visit-dee', 'dee', '2026-12-01T15:00:00.000Z')]);
    const now = new Date('2026-11-30T16:00:00Z');
    await planReminders(h.db, ctx.practiceId, now, { channels: ['email'] });
    const closed = smtpTransport({
      host: '127.0.0.1',
      port: 1,
      secure: false,
      allowPlain: true,
      from: 'x@example.org',
    });
    expect(await sendDue(h.db, { email: closed }, now, { practiceId: ctx.practiceId })).toMatchObject({
      retried: 1,
    });
    const [row] = await outbox();
    expect(row).toMatchObject({ channel: 'email', status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/^(ECONNREFUSED|ESOCKET|ECONNECTION)$/);
    closed.close();
  });

  it('does not send a reminder for an appointment cancelled or moved after it was enqueued', async () => {
    await write(h.app, ctx, [
      patient('eva'),
      appointment('visit-cancelled', 'eva', '2026-12-01T15:00:00.000Z'),
      appointment('visit-moved', 'eva', '2026-12-01T17:00:00.000Z'),
    ]);
    const now = new Date('2026-11-30T16:00:00Z');
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 4 });
    await write(h.app, ctx, [
      appointment('visit-cancelled', 'eva', '2026-12-01T15:00:00.000Z', 'lab-draw', 'cancelled'),
      appointment('visit-moved', 'eva', '2026-12-03T17:00:00.000Z'),
    ]);
    expect(await sendDue(h.db, transports, now, { practiceId: ctx.practiceId })).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
      skipped: 4,
    });
    expect(smtp.mail).toHaveLength(0);
    expect(gateway.posts).toHaveLength(0);
    expect((await outbox()).map((r) => [r.appointment_id, r.status, r.last_error])).toEqual([
      ['visit-cancelled', 'skipped', 'appointment-cancelled'],
      ['visit-cancelled', 'skipped', 'appointment-cancelled'],
      ['visit-moved', 'skipped', 'appointment-moved'],
      ['visit-moved', 'skipped', 'appointment-moved'],
    ]);
    // The moved visit gets its own reminders when their time comes (Dec 3 17:00 UTC less 48 hours).
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 0 });
    expect(await planReminders(h.db, ctx.practiceId, new Date('2026-12-01T17:00:00Z'))).toEqual({
      enqueued: 2,
    });
  });

  it('a crash between sending and marking sends again only under the same id, and records it once', async () => {
    await write(h.app, ctx, [patient('fay'), appointment('visit-fay', 'fay', '2026-12-01T15:00:00.000Z')]);
    const now = new Date('2026-11-30T16:00:00Z');
    await planReminders(h.db, ctx.practiceId, now);
    // The sender claims both rows and hands them to the transports, then dies before marking them sent.
    for (const row of await claimDue(h.db, now, { practiceId: ctx.practiceId })) {
      const prepared = await prepareReminder(h.db, row, now);
      if (prepared.kind !== 'send') throw new Error('expected a message');
      await transports[row.channel]?.send(prepared.message);
    }
    expect(smtp.mail).toHaveLength(1);
    expect(gateway.posts).toHaveLength(1);
    // A restarted sender does not touch a claimed row before its claim lapses (5 minutes)...
    expect(
      await sendDue(h.db, transports, at('2026-11-30T16:00:00Z', 4), { practiceId: ctx.practiceId })
    ).toMatchObject({ sent: 0 });
    // ...then sends it again with the same idempotency key: the gateway delivers one text, the second
    // email carries the first one's Message-ID (at-least-once; docs/decisions/0015-reminders.md).
    expect(
      await sendDue(h.db, transports, at('2026-11-30T16:00:00Z', 6), { practiceId: ctx.practiceId })
    ).toMatchObject({ sent: 2 });
    expect(gateway.posts).toHaveLength(2);
    expect(gateway.posts[0].id).toBe(gateway.posts[1].id);
    expect(gateway.delivered.size).toBe(1);
    expect(smtp.mail).toHaveLength(2);
    expect(smtp.mail[1].messageId).toBe(smtp.mail[0].messageId);
    expect((await outbox()).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
    ]);
    expect(await reminderCommunications()).toBe(2);
  });

  it('two senders at once never take the same reminder', async () => {
    await write(h.app, ctx, [
      patient('gus'),
      appointment('visit-gus-1', 'gus', '2026-12-01T15:00:00.000Z'),
      appointment('visit-gus-2', 'gus', '2026-12-01T16:00:00.000Z'),
    ]);
    const now = new Date('2026-11-30T16:00:00Z');
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 4 });
    const [a, b] = await Promise.all([
      sendDue(h.db, transports, now, { practiceId: ctx.practiceId, batch: 2 }),
      sendDue(h.db, transports, now, { practiceId: ctx.practiceId, batch: 2 }),
    ]);
    expect(a.sent + b.sent).toBe(4);
    expect(smtp.mail).toHaveLength(2);
    expect(new Set(gateway.posts.map((p) => p.id)).size).toBe(2);
    expect(gateway.posts).toHaveLength(2);
  });

  it('no reminder for an opted-out patient, a home phone only, a disabled practice or a channel turned off', async () => {
    await write(h.app, ctx, [
      patient('hal', { extension: [{ url: REMINDER_OPT_OUT_URL, valueBoolean: true }] }),
      patient('ivy', { telecom: [{ system: 'phone', value: '(512) 555-0909', use: 'home' }] }),
      patient('jo'),
      appointment('visit-hal', 'hal', '2026-12-01T15:00:00.000Z'),
      appointment('visit-ivy', 'ivy', '2026-12-01T15:00:00.000Z'),
      appointment('visit-jo', 'jo', '2026-12-01T15:00:00.000Z'),
      appointment('visit-jo-waitlist', 'jo', '2026-12-01T16:00:00.000Z', 'lab-draw', 'waitlist'),
    ]);
    const now = new Date('2026-11-30T16:00:00Z');
    const settings = async (body: unknown): Promise<void> => {
      const res = await fhirPut(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    const fhirPut = (body: unknown) =>
      h.app
        .inject({
          method: 'PUT',
          url: '/api/reminders/settings',
          headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        })
        .then((r) => ({ status: r.statusCode, body: r.json<unknown>() }));
    await settings({ enabled: false });
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 0 });
    await settings({ enabled: true, channels: ['sms'] });
    expect(await planReminders(h.db, ctx.practiceId, now)).toEqual({ enqueued: 1 });
    expect((await outbox()).map((r) => [r.appointment_id, r.channel])).toEqual([['visit-jo', 'sms']]);
  });
});
