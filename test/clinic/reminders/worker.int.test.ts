import { describe, expect, it } from 'vitest';
import { parseReminderConfig, startReminderWorker } from '../../../src/clinic/reminders/worker.js';
import type { OutgoingMessage } from '../../../src/clinic/reminders/transports.js';
import { newPractice, testEngines, useEngine } from '../../harness.js';
import { appointment, patient, write, writeClinic } from './clinic.js';

describe('reminder configuration', () => {
  it('reads SMTP and the gateway from the environment and names a bad variable without its value', () => {
    expect(parseReminderConfig({})).toEqual({ intervalSeconds: 60 });
    expect(
      parseReminderConfig({
        MEDASSIST_SMTP_HOST: 'smtp.example.org',
        MEDASSIST_SMTP_FROM: 'reminders@example.org',
        MEDASSIST_SMTP_PASSWORD: 'hunter2hunter2',
        MEDASSIST_SMTP_USER: 'clinic',
        MEDASSIST_SMS_URL: 'https://sms.example.org/send',
        MEDASSIST_SMS_TOKEN: 'tok',
        MEDASSIST_REMINDER_INTERVAL: '30',
      })
    ).toEqual({
      smtp: {
        host: 'smtp.example.org',
        port: 587,
        secure: false,
        user: 'clinic',
        password: 'hunter2hunter2',
        from: 'reminders@example.org',
      },
      sms: { url: 'https://sms.example.org/send', token: 'tok' },
      intervalSeconds: 30,
    });
    expect(() => parseReminderConfig({ MEDASSIST_SMTP_HOST: 'smtp.example.org' })).toThrow(
      /MEDASSIST_SMTP_FROM/
    );
    expect(() => parseReminderConfig({ MEDASSIST_SMS_URL: 'https://sms.example.org' })).toThrow(
      /MEDASSIST_SMS_TOKEN/
    );
    expect(() => parseReminderConfig({ MEDASSIST_SMTP_PORT: 'abc' })).toThrow(/MEDASSIST_SMTP_PORT/);
    expect(() =>
      parseReminderConfig({ MEDASSIST_SMS_URL: 'not a url', MEDASSIST_SMS_TOKEN: 'secret-token' })
    ).toThrow(/MEDASSIST_SMS_URL/);
    try {
      parseReminderConfig({ MEDASSIST_SMS_URL: 'not a url', MEDASSIST_SMS_TOKEN: 'secret-token' });
    } catch (err) {
      expect((err as Error).message).not.toContain('secret-token');
    }
  });
});

describe.each(testEngines())('the reminder worker (%s)', (engine) => {
  const h = useEngine(engine);

  it('plans and sends on each pass, only for configured channels, and stops cleanly', async () => {
    const ctx = await newPractice(h.db, 'worker');
    await writeClinic(h.app, ctx);
    await write(h.app, ctx, [patient('kim'), appointment('visit-kim', 'kim', '2026-12-01T15:00:00.000Z')]);
    const texts: OutgoingMessage[] = [];
    const worker = startReminderWorker(
      h.db,
      { sms: { send: async (m) => void texts.push(m) } },
      {
        intervalSeconds: 3600,
        now: () => new Date('2026-11-30T16:00:00Z'),
        send: { practiceId: ctx.practiceId },
        log: () => undefined,
      }
    );
    await worker.runOnce();
    await worker.runOnce();
    await worker.stop();
    // Email is not configured on this server: only the text is planned and sent, once.
    expect(texts).toHaveLength(1);
    const rows = await h.db.query<{ channel: string; status: string }>(
      'SELECT channel, status FROM reminder_outbox WHERE practice_id = $1',
      [ctx.practiceId]
    );
    expect(rows.rows).toEqual([{ channel: 'sms', status: 'sent' }]);
  });
});
