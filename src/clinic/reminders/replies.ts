import type { Appointment, Communication, Patient, Task } from '@medplum/fhirtypes';
import { simpleParser } from 'mailparser';
import { badRequest } from '../../fhir/outcome.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { lockCurrent, planCreate, updateIn } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { participantId, readCurrent } from './facts.js';
import { COMMUNICATION_CATEGORY_SYSTEM, mediumOf, reminderContext } from './outbox.js';
import { phoneDigits, reminderAddresses } from './patientContact.js';
import type { Channel } from './settings.js';
import { reminderIdFromMessageId } from './transports.js';

export const RESCHEDULE_TASK_CODE = {
  system: 'urn:medassist:task-type',
  code: 'reschedule-request',
  display: 'Reschedule request',
} as const;

export type ReplyIntent = 'confirm' | 'reschedule' | 'unknown';

const CONFIRM = new Set(['C', 'Y', 'YES', 'SI', 'CONFIRM', 'CONFIRMED', 'CONFIRMO', 'OK']);
const RESCHEDULE = new Set(['R', 'RESCHEDULE', 'REPROGRAMAR', 'CAMBIAR', 'CAMBIO']);

/** What a reply asks for, from its first word: C/YES/SÍ confirm, R/reschedule reschedule, anything else a person reads. */
export function classifyReply(text: string): ReplyIntent {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter(Boolean);
  // Only a short answer is read by machine: "C", "Yes!", "Sí, gracias". A sentence goes to the front desk.
  if (words.length === 0 || words.length > 3) {
    return 'unknown';
  }
  if (CONFIRM.has(words[0])) {
    return 'confirm';
  }
  if (RESCHEDULE.has(words[0])) {
    return 'reschedule';
  }
  return 'unknown';
}

export interface InboundReply {
  channel: Channel;
  /** The sender's phone number or email address, as the gateway gave it. */
  from: string;
  text: string;
  /** The reminder it answers, when the gateway or the In-Reply-To header names it. */
  reminderId?: string;
}

export interface ReplyResult {
  outcome: 'confirmed' | 'reschedule-requested' | 'inbox';
  communicationId: string;
  appointmentId?: string;
  taskId?: string;
}

/** Validates the SMS gateway's reply body: { from, body, inReplyTo? }. */
export function parseSmsReply(body: unknown): InboundReply {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.from !== 'string' || b.from.trim().length === 0 || b.from.length > 40) {
    throw badRequest('from must be the sender’s phone number', 'from');
  }
  if (typeof b.body !== 'string' || b.body.length > 2000) {
    throw badRequest('body must be the text of the reply (at most 2000 characters)', 'body');
  }
  if (
    b.inReplyTo !== undefined &&
    (typeof b.inReplyTo !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(b.inReplyTo))
  ) {
    throw badRequest('inReplyTo must be the id of the reminder answered', 'inReplyTo');
  }
  return { channel: 'sms', from: b.from.trim(), text: b.body, reminderId: b.inReplyTo };
}

/** The reply's own words: its first lines before the quoted reminder ("> ..." or "On ... wrote:"). */
function replyWords(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t.startsWith('>') || /^(On|El) .+(wrote|escribió):?$/i.test(t) || /^-----/.test(t)) {
      break;
    }
    out.push(line);
  }
  return out.join('\n').trim();
}

/** Parses a raw RFC 5322 reply (mailparser); the reminder is found from In-Reply-To or References. */
export async function parseEmailReply(raw: string | Buffer): Promise<InboundReply> {
  if (raw.length === 0) {
    throw badRequest('send the raw email message (message/rfc822)', 'body');
  }
  let parsed;
  try {
    parsed = await simpleParser(raw);
  } catch {
    throw badRequest('the body is not an RFC 5322 message', 'body');
  }
  const from = parsed.from?.value[0]?.address;
  if (!from) {
    throw badRequest('the message has no From address', 'From');
  }
  const references = [parsed.inReplyTo, ...[parsed.references ?? []].flat()].filter(
    (x): x is string => typeof x === 'string'
  );
  const reminderId = references.map(reminderIdFromMessageId).find((x) => x !== undefined);
  return { channel: 'email', from, text: replyWords(parsed.text ?? ''), reminderId };
}

/** Finds the appointment a reply is about: by the reminder it names, else the latest reminder sent to its sender. */
async function matchReminder(
  conn: SqlConnection,
  practiceId: string,
  reply: InboundReply
): Promise<{ appointment: Appointment; patient: Patient } | undefined> {
  const rows = await conn.query<{ appointment_id: string }>(
    reply.reminderId
      ? `SELECT appointment_id FROM reminder_outbox WHERE practice_id = $1 AND channel = $2 AND id = $3 AND status = 'sent'`
      : `SELECT appointment_id FROM reminder_outbox WHERE practice_id = $1 AND channel = $2 AND status = 'sent'
         ORDER BY sent_at DESC LIMIT 200`,
    reply.reminderId ? [practiceId, reply.channel, reply.reminderId] : [practiceId, reply.channel]
  );
  const same = (address: string | undefined): boolean =>
    !!address &&
    (reply.channel === 'sms'
      ? phoneDigits(address) === phoneDigits(reply.from)
      : address.toLowerCase() === reply.from.toLowerCase());
  for (const { appointment_id } of rows.rows) {
    const appointment = await readCurrent<Appointment>(conn, practiceId, 'Appointment', appointment_id);
    const patientId = appointment && participantId(appointment, 'Patient');
    const patient = patientId
      ? await readCurrent<Patient>(conn, practiceId, 'Patient', patientId)
      : undefined;
    // The sender must be the patient the reminder went to: a forwarded reminder does not confirm a visit.
    if (
      appointment &&
      patient &&
      same(reminderAddresses(patient, [reply.channel], new Date(0))[reply.channel])
    ) {
      return { appointment, patient };
    }
    if (reply.reminderId) {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Records a patient's reply, in one transaction, audited as medassist's reminder service: the reply itself
 * (a Communication), and a confirmation (the patient's participant status `accepted` and a comment on the
 * Appointment) or a reschedule request (a Task for the front desk; the Appointment stays booked). A reply
 * nobody can read by machine, or one about no booked appointment, waits in the front desk's inbox.
 */
export async function recordReply(
  db: Database,
  practiceId: string,
  reply: InboundReply,
  now: Date
): Promise<ReplyResult> {
  const ctx = reminderContext(practiceId, 'reminder-replies');
  return db.transaction(async (tx) => {
    const match = await matchReminder(tx, practiceId, reply);
    let intent = classifyReply(reply.text);
    if (!match || match.appointment.status !== 'booked') {
      intent = 'unknown';
    }
    const appointmentId = match?.appointment.id;
    const patientRef = match ? { reference: `Patient/${match.patient.id}` } : undefined;
    const via = reply.channel === 'sms' ? 'text message' : 'email';
    const result: Partial<ReplyResult> = { appointmentId };
    if (intent === 'confirm' && match) {
      const current = await lockCurrent(tx, ctx, 'Appointment', appointmentId as string);
      const appointment = current?.content as Appointment;
      const note = `Confirmed by the patient by ${via} on ${now.toISOString()}.`;
      const updated: Appointment = {
        ...appointment,
        participant: (appointment.participant ?? []).map((p) =>
          p.actor?.reference === patientRef?.reference ? { ...p, status: 'accepted' } : p
        ),
        comment: appointment.comment ? `${appointment.comment}\n${note}` : note,
      };
      await updateIn(tx, ctx, 'Appointment', appointmentId as string, updated);
      result.outcome = 'confirmed';
    } else if (intent === 'reschedule' && match) {
      const task: Task = {
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        priority: 'routine',
        code: { coding: [RESCHEDULE_TASK_CODE], text: 'Reschedule request' },
        description: `The patient asked by ${via} to reschedule this appointment.`,
        for: patientRef,
        focus: { reference: `Appointment/${appointmentId}` },
        authoredOn: now.toISOString(),
        requester: patientRef,
      };
      const write = planCreate(task);
      await applyWrites(tx, ctx, [write]);
      result.outcome = 'reschedule-requested';
      result.taskId = write.id;
    } else {
      result.outcome = 'inbox';
    }
    const inbox = result.outcome === 'inbox';
    const communication: Communication = {
      resourceType: 'Communication',
      status: inbox ? 'in-progress' : 'completed',
      category: [
        {
          coding: [
            { system: COMMUNICATION_CATEGORY_SYSTEM, code: inbox ? 'front-desk-inbox' : 'reminder-reply' },
          ],
          text: inbox ? 'Reply to a reminder, for the front desk' : 'Reply to a reminder',
        },
      ],
      medium: [mediumOf(reply.channel)],
      ...(patientRef ? { subject: patientRef, sender: patientRef } : { sender: { display: reply.from } }),
      ...(appointmentId ? { about: [{ reference: `Appointment/${appointmentId}` }] } : {}),
      received: now.toISOString(),
      payload: [{ contentString: reply.text.slice(0, 2000) || '(empty reply)' }],
    };
    const write = planCreate(communication);
    await applyWrites(tx, ctx, [write]);
    result.communicationId = write.id;
    return result as ReplyResult;
  });
}
