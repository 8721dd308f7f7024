import { Repository, assertId } from '../../store/repository.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';

/** A reminder as the front desk sees it: when and how it went, never its text or address. */
export interface ReminderStatus {
  id: string;
  channel: 'email' | 'sms';
  hoursBefore: number;
  appointmentStart: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt?: string;
  sentAt?: string;
  lastError?: string;
}

/** The reminders of one appointment (the caller must be able to read it), oldest first. */
export async function outboxOf(
  conn: SqlConnection,
  ctx: RequestContext,
  appointmentId: string
): Promise<ReminderStatus[]> {
  assertId(appointmentId, 'id');
  await new Repository(conn).read(ctx, 'Appointment', appointmentId);
  const result = await conn.query<{
    id: string;
    channel: 'email' | 'sms';
    offset_hours: number;
    appointment_start: Date | string;
    status: ReminderStatus['status'];
    attempts: number;
    next_attempt_at: Date | string;
    sent_at: Date | string | null;
    last_error: string | null;
  }>(
    `SELECT id, channel, offset_hours, appointment_start, status, attempts, next_attempt_at, sent_at, last_error
     FROM reminder_outbox WHERE practice_id = $1 AND appointment_id = $2 ORDER BY created_at, offset_hours DESC, channel`,
    [ctx.practiceId, appointmentId]
  );
  const iso = (v: Date | string): string => new Date(v).toISOString();
  return result.rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    hoursBefore: r.offset_hours,
    appointmentStart: iso(r.appointment_start),
    status: r.status,
    attempts: r.attempts,
    ...(r.status === 'pending' ? { nextAttemptAt: iso(r.next_attempt_at) } : {}),
    ...(r.sent_at ? { sentAt: iso(r.sent_at) } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
  }));
}
