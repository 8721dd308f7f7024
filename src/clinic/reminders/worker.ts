import { z } from 'zod';
import type { Database } from '../../store/db.js';
import { planReminders, sendDue, type SendOptions } from './outbox.js';
import { CHANNELS } from './settings.js';
import { httpSmsTransport, smtpTransport, type Transports } from './transports.js';

/** How reminders leave this server: SMTP and the SMS gateway, from MEDASSIST_SMTP_* and MEDASSIST_SMS_*. */
export interface ReminderConfig {
  smtp?: {
    host: string;
    port: number;
    secure: boolean;
    user?: string;
    password?: string;
    from: string;
  };
  sms?: { url: string; token: string };
  /** Seconds between two runs of the scheduler and the sender. */
  intervalSeconds: number;
}

const schema = z.object({
  MEDASSIST_SMTP_HOST: z.string().min(1).optional(),
  MEDASSIST_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  MEDASSIST_SMTP_SECURE: z.enum(['true', 'false']).default('false'),
  MEDASSIST_SMTP_USER: z.string().min(1).optional(),
  MEDASSIST_SMTP_PASSWORD: z.string().optional(),
  MEDASSIST_SMTP_FROM: z.string().min(3).optional(),
  MEDASSIST_SMS_URL: z.url().optional(),
  MEDASSIST_SMS_TOKEN: z.string().min(1).optional(),
  MEDASSIST_REMINDER_INTERVAL: z.coerce.number().int().min(5).max(3600).default(60),
});

/** Parses the reminder settings of the environment; throws an Error naming the bad variable (never a secret). */
export function parseReminderConfig(env: NodeJS.ProcessEnv): ReminderConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid setting ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = result.data;
  if (e.MEDASSIST_SMTP_HOST && !e.MEDASSIST_SMTP_FROM) {
    throw new Error(
      'invalid setting MEDASSIST_SMTP_FROM: required with MEDASSIST_SMTP_HOST (the sender address)'
    );
  }
  if (!!e.MEDASSIST_SMS_URL !== !!e.MEDASSIST_SMS_TOKEN) {
    throw new Error('invalid setting MEDASSIST_SMS_URL / MEDASSIST_SMS_TOKEN: give both or neither');
  }
  return {
    smtp: e.MEDASSIST_SMTP_HOST
      ? {
          host: e.MEDASSIST_SMTP_HOST,
          port: e.MEDASSIST_SMTP_PORT,
          secure: e.MEDASSIST_SMTP_SECURE === 'true',
          user: e.MEDASSIST_SMTP_USER,
          password: e.MEDASSIST_SMTP_PASSWORD,
          from: e.MEDASSIST_SMTP_FROM as string,
        }
      : undefined,
    sms:
      e.MEDASSIST_SMS_URL && e.MEDASSIST_SMS_TOKEN
        ? { url: e.MEDASSIST_SMS_URL, token: e.MEDASSIST_SMS_TOKEN }
        : undefined,
    intervalSeconds: e.MEDASSIST_REMINDER_INTERVAL,
  };
}

export interface ReminderWorker {
  /** Runs one pass now (tests, and the timer). */
  runOnce(): Promise<void>;
  /** Stops the timer and waits for a pass in progress to end. */
  stop(): Promise<void>;
}

/**
 * Every `intervalSeconds`: for each practice, enqueue the reminders whose time has come, then send what is
 * due until nothing is left. A pass that fails is logged (no patient data) and the next one tries again.
 */
export function startReminderWorker(
  db: Database,
  transports: Transports,
  options: {
    intervalSeconds: number;
    now?: () => Date;
    log?: (line: string) => void;
    send?: SendOptions;
  }
): ReminderWorker {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.error(line));
  const channels = CHANNELS.filter((c) => transports[c]);
  let running: Promise<void> | undefined;
  let stopped = false;
  const only = options.send?.practiceId;
  const pass = async (): Promise<void> => {
    const practices = only
      ? { rows: [{ id: only }] }
      : await db.query<{ id: string }>('SELECT id FROM practice ORDER BY id');
    for (const { id } of practices.rows) {
      await planReminders(db, id, now(), { channels });
    }
    for (let round = 0; round < 100 && !stopped; round++) {
      const report = await sendDue(db, transports, now(), options.send);
      if (report.sent + report.retried + report.failed + report.skipped === 0) {
        break;
      }
    }
  };
  const runOnce = (): Promise<void> => {
    running ??= pass()
      .catch((err: unknown) => {
        log(
          `medassist: reminder pass failed: ${(err as Error).name} ${(err as { code?: string }).code ?? ''}`
        );
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) {
      void runOnce();
    }
  }, options.intervalSeconds * 1000);
  timer.unref();
  return {
    runOnce,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** The transports a configuration gives (none for what is not configured). */
export function transportsOf(config: ReminderConfig): Transports & { close(): void } {
  const email = config.smtp ? smtpTransport(config.smtp) : undefined;
  return {
    email,
    sms: config.sms ? httpSmsTransport(config.sms) : undefined,
    close: () => email?.close(),
  };
}

/**
 * What `serve` starts: the worker over the transports MEDASSIST_SMTP_* / MEDASSIST_SMS_* configure, or
 * nothing when neither is. Throws an Error naming a bad variable. `stop()` waits for a pass in progress.
 */
export function startConfiguredReminders(
  db: Database,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = (line) => console.log(line)
): { stop(): Promise<void> } {
  const config = parseReminderConfig(env);
  if (!config.smtp && !config.sms) {
    return { stop: async () => undefined };
  }
  const transports = transportsOf(config);
  const worker = startReminderWorker(db, transports, { intervalSeconds: config.intervalSeconds });
  log(
    `medassist: appointment reminders every ${config.intervalSeconds} s` +
      (config.smtp ? `, email via ${config.smtp.host}:${config.smtp.port}` : '') +
      (config.sms ? `, texts via ${new URL(config.sms.url).host}` : '')
  );
  return {
    async stop(): Promise<void> {
      await worker.stop();
      transports.close();
    },
  };
}
