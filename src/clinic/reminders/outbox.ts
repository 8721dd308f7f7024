import { randomUUID } from 'node:crypto';
import type { Appointment, CodeableConcept, Communication, Patient } from '@medplum/fhirtypes';
import { systemPrincipal } from '../../auth/principal.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { planCreate } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { reminderText } from './content.js';
import { participantId, readCurrent, reminderFacts } from './facts.js';
import { reminderAddresses } from './patientContact.js';
import { readReminderSettings, type Channel } from './settings.js';
import { TransportError, type OutgoingMessage, type Transports } from './transports.js';

/** The category of the Communication that records a sent reminder and of replies to one. */
export const COMMUNICATION_CATEGORY_SYSTEM = 'urn:medassist:communication-category';
export const REMINDER_IDENTIFIER_SYSTEM = 'urn:medassist:reminder';

/**
 * Communication.medium of a channel (v3-ParticipationMode: R4 has EMAILWRIT but no code for a text
 * message, so a text is WRITTEN with the words "text message").
 */
export function mediumOf(channel: 'email' | 'sms' | 'phone' | 'letter' | 'portal'): CodeableConcept {
  const system = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode';
  switch (channel) {
    case 'email':
      return { coding: [{ system, code: 'EMAILWRIT', display: 'email' }], text: 'email' };
    case 'sms':
      return { coding: [{ system, code: 'WRITTEN', display: 'written' }], text: 'text message' };
    case 'phone':
      return { coding: [{ system, code: 'PHONE', display: 'telephone' }], text: 'phone call' };
    case 'letter':
      return { coding: [{ system, code: 'MAILWRIT', display: 'mail' }], text: 'letter' };
    case 'portal':
      return { coding: [{ system, code: 'ONLINEWRIT', display: 'online' }], text: 'patient portal' };
  }
}

/** The worker's identity in audit records: medassist itself, per practice. */
export function reminderContext(practiceId: string, name = 'reminders'): RequestContext {
  return { practiceId, baseUrl: '', principal: systemPrincipal(practiceId, name) };
}

export interface OutboxRow {
  practice_id: string;
  id: string;
  appointment_id: string;
  appointment_start: Date | string;
  offset_hours: number;
  channel: Channel;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  next_attempt_at: Date | string;
  last_error: string | null;
  sent_at: Date | string | null;
}

const HOUR = 3_600_000;

/**
 * The scheduler: enqueues every reminder whose time has come for the practice's booked appointments, one
 * row per (appointment, its start, hours before, channel). The UNIQUE constraint makes a second run (or a
 * second server) enqueue nothing new. Of several offsets already due (an appointment booked 30 hours ahead
 * is past its 48-hour reminder), only the nearest one is enqueued, so a patient gets one message, not two.
 * `channels` narrows to the transports this server has.
 */
export async function planReminders(
  db: Database,
  practiceId: string,
  now: Date,
  options: { channels?: readonly Channel[] } = {}
): Promise<{ enqueued: number }> {
  const settings = await readReminderSettings(db, practiceId);
  const channels = settings.channels.filter((c) => !options.channels || options.channels.includes(c));
  if (!settings.enabled || channels.length === 0 || settings.hoursBefore.length === 0) {
    return { enqueued: 0 };
  }
  const horizon = new Date(now.getTime() + Math.max(...settings.hoursBefore) * HOUR);
  const found = await db.query<{ id: string; content: Appointment }>(
    `SELECT r.id, r.content FROM resource r
     WHERE r.practice_id = $1 AND r.resource_type = 'Appointment' AND NOT r.deleted
       AND r.content->>'status' = 'booked'
       AND r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = 'Appointment'
                    AND param = 'date' AND lo > $2 AND lo <= $3)`,
    [practiceId, now.toISOString(), horizon.toISOString()]
  );
  const planned: { appointment: Appointment; patientId: string; hours: number }[] = [];
  for (const { content: appointment } of found.rows) {
    const start = new Date(appointment.start ?? '').getTime();
    const patientId = participantId(appointment, 'Patient');
    const due = settings.hoursBefore.filter((h) => start - h * HOUR <= now.getTime());
    if (!patientId || due.length === 0 || Number.isNaN(start)) {
      continue;
    }
    planned.push({ appointment, patientId, hours: Math.min(...due) });
  }
  if (planned.length === 0) {
    return { enqueued: 0 };
  }
  const patients = await db.query<{ id: string; content: Patient }>(
    "SELECT id, content FROM resource WHERE practice_id = $1 AND resource_type = 'Patient' AND NOT deleted AND id = ANY($2::text[])",
    [practiceId, [...new Set(planned.map((p) => p.patientId))]]
  );
  const byId = new Map(patients.rows.map((r) => [r.id, r.content]));
  const rows: Record<string, unknown>[] = [];
  for (const p of planned) {
    const patient = byId.get(p.patientId);
    if (!patient) {
      continue;
    }
    for (const channel of Object.keys(reminderAddresses(patient, channels, now)) as Channel[]) {
      rows.push({
        id: randomUUID(),
        appointment_id: p.appointment.id,
        appointment_start: new Date(p.appointment.start as string).toISOString(),
        offset_hours: p.hours,
        channel,
      });
    }
  }
  if (rows.length === 0) {
    return { enqueued: 0 };
  }
  const inserted = await db.query<{ id: string }>(
    `INSERT INTO reminder_outbox (practice_id, id, appointment_id, appointment_start, offset_hours, channel, next_attempt_at, created_at)
     SELECT $1, id, appointment_id, appointment_start, offset_hours, channel, $3, $3
     FROM jsonb_to_recordset($2::jsonb) AS x(id text, appointment_id text, appointment_start timestamptz, offset_hours integer, channel text)
     ON CONFLICT (practice_id, appointment_id, appointment_start, offset_hours, channel) DO NOTHING
     RETURNING id`,
    [practiceId, JSON.stringify(rows), now.toISOString()]
  );
  return { enqueued: inserted.rows.length };
}

export interface SendOptions {
  /** Rows claimed per round. */
  batch?: number;
  /** Attempts before a reminder is given up (status failed). */
  maxAttempts?: number;
  /** How long a claim holds: a row still `sending` after this was claimed by a sender that died. */
  leaseSeconds?: number;
  /** Only this practice's reminders (the worker serves all practices; tests keep to their own). */
  practiceId?: string;
}

export const SEND_DEFAULTS = { batch: 20, maxAttempts: 5, leaseSeconds: 300 } as const;

/** Wait before attempt n+1 after n failed attempts: 1, 2, 4, 8... minutes, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), HOUR);
}

/**
 * Claims due rows (pending and due, or `sending` with a lapsed claim) for this sender: status `sending`,
 * one more attempt, a claim until now + lease, committed before anything is sent. FOR UPDATE SKIP LOCKED
 * lets several servers on one PostgreSQL claim side by side without taking the same row; PGlite has one
 * connection, and the same SQL runs there.
 */
export async function claimDue(db: Database, now: Date, options: SendOptions = {}): Promise<OutboxRow[]> {
  const { batch, leaseSeconds, practiceId } = { ...SEND_DEFAULTS, ...options };
  const result = await db.query<OutboxRow>(
    `UPDATE reminder_outbox o SET status = 'sending', attempts = o.attempts + 1, claimed_until = $2
     FROM (SELECT practice_id, id FROM reminder_outbox
           WHERE ((status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until <= $1))
             AND ($4::text IS NULL OR practice_id = $4)
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
     WHERE o.practice_id = due.practice_id AND o.id = due.id
     RETURNING o.*`,
    [
      now.toISOString(),
      new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
      batch,
      practiceId ?? null,
    ]
  );
  return result.rows;
}

/** A claimed reminder, ready to send, or the reason it must not be sent. */
export type Prepared =
  | {
      kind: 'send';
      message: OutgoingMessage;
      patientId: string;
      appointmentId: string;
    }
  | { kind: 'skip'; reason: string };

/**
 * Works out the message from the data as it is now. A reminder whose appointment was cancelled, moved,
 * or is already past is stale and never sent; so is one to a patient who opted out or no longer has the
 * address.
 */
export async function prepareReminder(conn: SqlConnection, row: OutboxRow, now: Date): Promise<Prepared> {
  const appointment = await readCurrent<Appointment>(
    conn,
    row.practice_id,
    'Appointment',
    row.appointment_id
  );
  if (!appointment) {
    return { kind: 'skip', reason: 'appointment-deleted' };
  }
  if (appointment.status !== 'booked') {
    return { kind: 'skip', reason: `appointment-${appointment.status}` };
  }
  const start = new Date(appointment.start ?? '');
  if (start.getTime() !== new Date(row.appointment_start).getTime()) {
    return { kind: 'skip', reason: 'appointment-moved' };
  }
  if (start.getTime() <= now.getTime()) {
    return { kind: 'skip', reason: 'appointment-passed' };
  }
  const patientId = participantId(appointment, 'Patient');
  const patient = patientId
    ? await readCurrent<Patient>(conn, row.practice_id, 'Patient', patientId)
    : undefined;
  if (!patient || !patientId) {
    return { kind: 'skip', reason: 'no-patient' };
  }
  const settings = await readReminderSettings(conn, row.practice_id);
  const to = reminderAddresses(patient, [row.channel], now)[row.channel];
  if (!to) {
    return { kind: 'skip', reason: 'no-address-or-opted-out' };
  }
  const text = reminderText(await reminderFacts(conn, row.practice_id, appointment, patient, settings));
  return {
    kind: 'send',
    patientId,
    appointmentId: appointment.id as string,
    message: {
      id: row.id,
      to,
      subject: text.subject,
      text: row.channel === 'email' ? text.email : text.sms,
    },
  };
}

/**
 * Marks a reminder sent and records it on the chart (a Communication about the Appointment, through
 * applyWrites, so it is audited), in one transaction. Only a row this sender still holds is marked.
 */
export async function markSent(
  db: Database,
  row: OutboxRow,
  prepared: Extract<Prepared, { kind: 'send' }>,
  now: Date
): Promise<void> {
  const ctx = reminderContext(row.practice_id);
  await db.transaction(async (tx) => {
    const updated = await tx.query(
      `UPDATE reminder_outbox SET status = 'sent', sent_at = $3, claimed_until = NULL, last_error = NULL
       WHERE practice_id = $1 AND id = $2 AND status = 'sending' RETURNING id`,
      [row.practice_id, row.id, now.toISOString()]
    );
    if (updated.rows.length === 0) {
      return;
    }
    const communication: Communication = {
      resourceType: 'Communication',
      identifier: [{ system: REMINDER_IDENTIFIER_SYSTEM, value: row.id }],
      status: 'completed',
      category: [
        {
          coding: [{ system: COMMUNICATION_CATEGORY_SYSTEM, code: 'appointment-reminder' }],
          text: 'Appointment reminder',
        },
      ],
      medium: [mediumOf(row.channel)],
      subject: { reference: `Patient/${prepared.patientId}` },
      recipient: [{ reference: `Patient/${prepared.patientId}` }],
      about: [{ reference: `Appointment/${prepared.appointmentId}` }],
      sent: now.toISOString(),
      payload: [{ contentString: prepared.message.text }],
    };
    await applyWrites(tx, ctx, [planCreate(communication)]);
  });
}

async function finish(
  db: Database,
  row: OutboxRow,
  status: 'pending' | 'failed' | 'skipped',
  code: string,
  next: Date
): Promise<void> {
  await db.query(
    `UPDATE reminder_outbox SET status = $3, last_error = $4, next_attempt_at = $5, claimed_until = NULL
     WHERE practice_id = $1 AND id = $2 AND status = 'sending'`,
    [row.practice_id, row.id, status, code.slice(0, 100), next.toISOString()]
  );
}

export interface SendReport {
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

/**
 * The sender: claims due reminders, sends each on its channel and marks it sent; a failure is retried
 * after backoffMs() until maxAttempts, then the row is `failed`. Delivery is at-least-once with a stable
 * idempotency key (docs/decisions/0015-reminders.md): only a sender that dies between a transport's
 * acceptance and the mark sends again, under the same id / Message-ID.
 */
export async function sendDue(
  db: Database,
  transports: Transports,
  now: Date,
  options: SendOptions = {}
): Promise<SendReport> {
  const { maxAttempts } = { ...SEND_DEFAULTS, ...options };
  const report: SendReport = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  for (const row of await claimDue(db, now, options)) {
    let prepared: Prepared;
    try {
      prepared = await prepareReminder(db, row, now);
    } catch {
      prepared = { kind: 'skip', reason: 'unreadable' };
    }
    if (prepared.kind === 'skip') {
      await finish(db, row, 'skipped', prepared.reason, now);
      report.skipped++;
      continue;
    }
    try {
      const transport = transports[row.channel];
      if (!transport) {
        throw new TransportError(`no-${row.channel}-transport`);
      }
      await transport.send(prepared.message);
    } catch (err) {
      const code = err instanceof TransportError ? err.code : 'send-error';
      if (row.attempts >= maxAttempts) {
        await finish(db, row, 'failed', code, now);
        report.failed++;
      } else {
        await finish(db, row, 'pending', code, new Date(now.getTime() + backoffMs(row.attempts)));
        report.retried++;
      }
      continue;
    }
    await markSent(db, row, prepared, now);
    report.sent++;
  }
  return report;
}
