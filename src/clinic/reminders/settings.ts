import { createHash } from 'node:crypto';
import { insertAudit } from '../../auth/audit/writer.js';
import { auditRow } from '../../auth/audit/events.js';
import type { Principal } from '../../auth/principal.js';
import { badRequest, conflict, forbidden } from '../../fhir/outcome.js';
import type { Database, SqlConnection } from '../../store/db.js';

/** The two channels a reminder goes out on. */
export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Languages reminders are written in (Patient.communication preferred; anything else gets English). */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Preparation instructions for a visit type, per language (English is required, Spanish optional). */
export type Preparation = { en: string } & Partial<Record<Language, string>>;

/**
 * A practice's reminder settings. The clinic's name, phone, address and time zone are not settings: they
 * come from the appointment's site Location (and its managing Organization) when the message is written.
 */
export interface ReminderSettings {
  /** Whether reminders go out at all. */
  enabled: boolean;
  /** Hours before the visit, largest first: 48 and 24 by default. */
  hoursBefore: number[];
  channels: Channel[];
  /** Preparation instructions by visit-type code (urn:medassist:visit-type). */
  preparation: Record<string, Preparation>;
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  enabled: true,
  hoursBefore: [48, 24],
  channels: ['email', 'sms'],
  preparation: {
    'lab-draw': {
      en: 'Please do not eat or drink anything but water for 8 hours before your visit.',
      es: 'Por favor, no coma ni beba nada excepto agua durante las 8 horas antes de su cita.',
    },
  },
};

const CODE_RE = /^[A-Za-z0-9\-.]{1,64}$/;

/** Validates a settings body; every error names its field. Missing fields keep their current value. */
export function parseReminderSettings(body: unknown, current: ReminderSettings): ReminderSettings {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('send the settings as a JSON object', 'body');
  }
  const b = body as Record<string, unknown>;
  const next: ReminderSettings = { ...current };
  if (b.enabled !== undefined) {
    if (typeof b.enabled !== 'boolean') {
      throw badRequest('enabled must be true or false', 'enabled');
    }
    next.enabled = b.enabled;
  }
  if (b.hoursBefore !== undefined) {
    const h = b.hoursBefore;
    if (
      !Array.isArray(h) ||
      h.length === 0 ||
      h.length > 5 ||
      !h.every((x) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 336)
    ) {
      throw badRequest('hoursBefore must be 1-5 whole numbers of hours, each 1-336', 'hoursBefore');
    }
    const unique = [...new Set(h as number[])].sort((a, b2) => b2 - a);
    next.hoursBefore = unique;
  }
  if (b.channels !== undefined) {
    const c = b.channels;
    if (!Array.isArray(c) || !c.every((x) => (CHANNELS as readonly unknown[]).includes(x))) {
      throw badRequest('channels must be a list of "email" and/or "sms"', 'channels');
    }
    next.channels = [...new Set(c as Channel[])];
  }
  if (b.preparation !== undefined) {
    const p = b.preparation;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) {
      throw badRequest('preparation must map visit-type codes to { en, es? }', 'preparation');
    }
    const out: Record<string, Preparation> = {};
    for (const [code, value] of Object.entries(p)) {
      if (!CODE_RE.test(code)) {
        throw badRequest(`"${code}" is not a visit-type code`, `preparation.${code.slice(0, 64)}`);
      }
      const v = value as Record<string, unknown> | null;
      if (typeof v !== 'object' || v === null) {
        throw badRequest('give the instructions as { en, es? }', `preparation.${code}`);
      }
      for (const key of Object.keys(v)) {
        if (!(LANGUAGES as readonly string[]).includes(key)) {
          throw badRequest(`"${key}" is not a reminder language (en, es)`, `preparation.${code}.${key}`);
        }
        const text = v[key];
        if (typeof text !== 'string' || text.trim().length === 0 || text.length > 500) {
          throw badRequest('instructions must be 1-500 characters', `preparation.${code}.${key}`);
        }
      }
      if (typeof v.en !== 'string') {
        throw badRequest('the English instructions are required', `preparation.${code}.en`);
      }
      out[code] = Object.fromEntries(
        Object.entries(v).map(([k, t]) => [k, (t as string).trim()])
      ) as Preparation;
    }
    next.preparation = out;
  }
  return next;
}

export async function readReminderSettings(
  conn: SqlConnection,
  practiceId: string
): Promise<ReminderSettings> {
  const result = await conn.query<{ settings: Partial<ReminderSettings> }>(
    'SELECT settings FROM reminder_setting WHERE practice_id = $1',
    [practiceId]
  );
  return { ...DEFAULT_REMINDER_SETTINGS, ...(result.rows[0]?.settings ?? {}) };
}

/** Who may change reminder settings: practice administrators (and API clients an administrator set up). */
export function mayChangeReminderSettings(principal: Principal): boolean {
  return (
    (principal.kind === 'user' && principal.roles.includes('practice-admin')) ||
    (principal.kind !== 'user' && (principal.scopes ?? []).includes('system/*.cruds'))
  );
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** The settings as the API shows them: the reply secret only as whether one is set. */
export type ReminderSettingsView = ReminderSettings & { replySecretSet: boolean };

export async function reminderSettingsView(
  conn: SqlConnection,
  practiceId: string
): Promise<ReminderSettingsView> {
  const result = await conn.query<{ set: boolean }>(
    'SELECT reply_secret_hash IS NOT NULL AS set FROM reminder_setting WHERE practice_id = $1',
    [practiceId]
  );
  return { ...(await readReminderSettings(conn, practiceId)), replySecretSet: !!result.rows[0]?.set };
}

/** The practice whose reply secret this is, if any. */
export async function practiceOfReplySecret(
  conn: SqlConnection,
  secret: string
): Promise<string | undefined> {
  const result = await conn.query<{ practice_id: string }>(
    'SELECT practice_id FROM reminder_setting WHERE reply_secret_hash = $1',
    [sha256(secret)]
  );
  return result.rows[0]?.practice_id;
}

/**
 * Stores new settings and their audit record in one transaction. `replySecret` (24-200 characters, kept
 * only as its SHA-256) is the shared secret the SMS gateway and mail relay send with replies.
 */
export async function saveReminderSettings(
  db: Database,
  principal: Principal,
  body: unknown,
  now: Date
): Promise<ReminderSettingsView> {
  if (!mayChangeReminderSettings(principal)) {
    throw forbidden('only a practice administrator changes reminder settings');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('send the settings as a JSON object', 'body');
  }
  const { replySecret: secret, ...rest } = body as Record<string, unknown>;
  if (
    secret !== undefined &&
    (typeof secret !== 'string' || secret.length < 24 || secret.length > 200 || /\s/.test(secret))
  ) {
    throw badRequest('replySecret must be 24-200 characters without spaces', 'replySecret');
  }
  return db.transaction(async (tx) => {
    const before = await readReminderSettings(tx, principal.practiceId);
    const next = parseReminderSettings(rest, before);
    if (typeof secret === 'string') {
      const taken = await tx.query(
        'SELECT 1 FROM reminder_setting WHERE reply_secret_hash = $1 AND practice_id <> $2',
        [sha256(secret), principal.practiceId]
      );
      if (taken.rows.length > 0) {
        throw conflict('choose another reply secret (a long random one)', 'replySecret');
      }
    }
    await tx.query(
      `INSERT INTO reminder_setting (practice_id, settings, updated_at, updated_by, reply_secret_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (practice_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at,
         updated_by = EXCLUDED.updated_by, reply_secret_hash = COALESCE(EXCLUDED.reply_secret_hash, reminder_setting.reply_secret_hash)`,
      [
        principal.practiceId,
        JSON.stringify(next),
        now.toISOString(),
        principal.id,
        typeof secret === 'string' ? sha256(secret) : null,
      ]
    );
    await insertAudit(tx, principal.practiceId, [
      auditRow({
        principal,
        action: 'U',
        subtype: 'reminder-settings',
        category: 'practice settings',
        description: `reminder settings changed: hours ${before.hoursBefore.join('/')} -> ${next.hoursBefore.join('/')}, channels ${before.channels.join('/')} -> ${next.channels.join('/')}, enabled ${String(before.enabled)} -> ${String(next.enabled)}${typeof secret === 'string' ? ', reply secret replaced' : ''}`,
        recorded: now,
      }),
    ]);
    return reminderSettingsView(tx, principal.practiceId);
  });
}
