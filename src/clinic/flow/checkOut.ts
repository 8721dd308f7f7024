import type { Appointment, Coverage, Encounter, PaymentNotice } from '@medplum/fhirtypes';
import { badRequest, conflict, notFound, OutcomeError } from '../../fhir/outcome.js';
import { bookAppointment, findSlots, type FreeSlot } from '../scheduling/index.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { assertId, lockCurrent, Repository } from '../../store/repository.js';
import { moveIn } from './moveVisit.js';
import { parsePayment, paymentsOf, receiptNumberOf, recordPayment, type Payment } from './payments.js';
import { followUpOf } from './followUp.js';
import { siteOrPracticeTimeZone } from './clinicZone.js';
import { addDays, byOf, findReferencing, flowStatusOf, localDate, participantOf, refId } from './visit.js';

/**
 * Check-out (docs/front-desk-api.md): the follow-up the provider asked for is booked, any balance is paid,
 * the visit ends and its room is released for cleaning, in one transaction.
 */

async function readVisit(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<{ encounter: Encounter; appointment: Appointment }> {
  assertId(encounterId, 'id');
  const repo = new Repository(conn);
  const encounter = (await repo.read(ctx, 'Encounter', encounterId)) as Encounter;
  const appointmentId = refId(encounter.appointment?.[0]?.reference, 'Appointment');
  if (!appointmentId) {
    throw notFound(`Encounter/${encounterId} is not a visit opened at check-in`);
  }
  const appointment = (await repo.read(ctx, 'Appointment', appointmentId)) as Appointment;
  return { encounter, appointment };
}

/** The balance due at check-out: the co-pay on the patient's coverage less what was paid for this visit. */
async function balanceOf(
  conn: SqlConnection,
  ctx: RequestContext,
  encounter: Encounter
): Promise<{ due: number; paid: PaymentNotice[] }> {
  const patient = encounter.subject?.reference ?? '';
  const coverages = (await findReferencing<Coverage>(conn, ctx, 'Coverage', 'beneficiary', patient)).filter(
    (c) => c.status === 'active'
  );
  const copay =
    coverages
      .flatMap((c) => c.costToBeneficiary ?? [])
      .find((cost) => !cost.type || (cost.type.coding ?? []).some((code) => code.code === 'copay'))
      ?.valueMoney?.value ?? 0;
  const paid = await paymentsOf(conn, ctx, encounter.id as string);
  const total = paid.reduce((sum, p) => sum + (p.amount?.value ?? 0), 0);
  return { due: Math.max(0, Math.round((copay - total) * 100) / 100), paid };
}

export interface CheckOutInfo {
  followUp?: { text: string; visitType: string; withinDays: number };
  suggestions: FreeSlot[];
  balance: number;
}

/** What check-out offers: the follow-up asked for, slots around its date, the balance. */
export async function checkOutInfo(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string,
  now = new Date()
): Promise<CheckOutInfo> {
  const { encounter, appointment } = await readVisit(conn, ctx, encounterId);
  const followUp = followUpOf(encounter);
  let suggestions: FreeSlot[] = [];
  if (followUp) {
    const provider = participantOf(appointment, 'Practitioner');
    const site = participantOf(appointment, 'Location');
    // A week either side of the date asked for, never before tomorrow: calendar days from the site's
    // local date (from 18:00 Chicago time UTC's date is already tomorrow, and tomorrow's slots were lost).
    const today = localDate(now, await siteOrPracticeTimeZone(conn, ctx, site?.id));
    const from = addDays(today, Math.max(1, followUp.withinDays - 7));
    const to = addDays(today, followUp.withinDays + 7);
    suggestions = await findSlots(
      conn,
      ctx,
      {
        visitType: followUp.visitType,
        ...(provider ? { practitioners: [provider.id] } : {}),
        ...(site ? { location: site.id } : {}),
        from,
        to,
        timeOfDay: 'any',
        limit: 10,
      },
      now
    );
  }
  const { due } = await balanceOf(conn, ctx, encounter);
  return { ...(followUp ? { followUp } : {}), suggestions, balance: due };
}

export interface CheckOutRequest {
  followUp?: { visitType: string; scheduleId: string; start: string };
  payment?: Payment;
}

export function parseCheckOut(body: unknown): CheckOutRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  let followUp: CheckOutRequest['followUp'];
  if (b.followUp !== undefined && b.followUp !== null) {
    const f = (typeof b.followUp === 'object' ? b.followUp : {}) as Record<string, unknown>;
    if (typeof f.visitType !== 'string' || f.visitType.length === 0) {
      throw badRequest('the follow-up needs its visit type', 'followUp.visitType');
    }
    if (typeof f.scheduleId !== 'string') {
      throw badRequest('the follow-up needs the schedule of the chosen slot', 'followUp.scheduleId');
    }
    assertId(f.scheduleId, 'followUp.scheduleId');
    if (
      typeof f.start !== 'string' ||
      Number.isNaN(Date.parse(f.start)) ||
      !/^\d{4}-\d{2}-\d{2}T/.test(f.start)
    ) {
      throw badRequest('the follow-up needs the chosen slot start (an instant)', 'followUp.start');
    }
    followUp = { visitType: f.visitType, scheduleId: f.scheduleId, start: f.start };
  }
  return { followUp, payment: parsePayment(b.payment, 'payment') };
}

/** The scheduling engine's errors name its own fields (start, scheduleId): here they are followUp's. */
function underFollowUp(err: unknown): unknown {
  if (err instanceof OutcomeError) {
    const issue = err.outcome.issue?.[0];
    if (issue?.expression?.length) {
      issue.expression = issue.expression.map((e) => `followUp.${e}`);
    }
  }
  return err;
}

/** A Database whose transaction is the caller's open one: the scheduling engine books inside check-out's. */
function inTransaction(tx: SqlConnection, db: Database): Database {
  return {
    engine: db.engine,
    query: (sql, params) => tx.query(sql, params),
    transaction: (fn) => fn(tx),
    listen: () => Promise.reject(new Error('listen is not available inside a transaction')),
    close: () => Promise.resolve(),
  };
}

export interface CheckOutResult {
  encounter: Encounter;
  appointment?: Appointment;
  receipt?: { number: string; pdf: string };
}

/** Checks a visit out, all or nothing. */
export async function checkOut(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: CheckOutRequest,
  now = new Date()
): Promise<CheckOutResult> {
  assertId(encounterId, 'id');
  return db.transaction(async (tx) => {
    const row = await lockCurrent(tx, ctx, 'Encounter', encounterId);
    const encounter = row?.content as Encounter | undefined;
    if (!encounter || row?.deleted) {
      throw notFound(`Encounter/${encounterId} was not found`);
    }
    const status = flowStatusOf(encounter);
    if (status === 'checked-out') {
      throw conflict('this visit is already checked out', 'id');
    }
    if (status !== 'ready-for-checkout') {
      throw conflict(`only a visit that is ready for check-out checks out (this one is ${status})`, 'status');
    }
    const patientId = refId(encounter.subject?.reference, 'Patient');
    let booked: Appointment | undefined;
    if (req.followUp && patientId) {
      booked = await bookAppointment(
        inTransaction(tx, db),
        ctx,
        {
          patientId,
          visitType: req.followUp.visitType,
          scheduleId: req.followUp.scheduleId,
          start: req.followUp.start,
          reason: followUpOf(encounter)?.text ?? 'Follow-up',
        },
        now
      ).catch((err: unknown) => {
        throw underFollowUp(err);
      });
    }
    let payment: PaymentNotice | undefined;
    if (req.payment) {
      payment = await recordPayment(tx, ctx, req.payment, {
        encounterId,
        purpose: 'balance',
        recipient: 'the practice',
        at: now.toISOString(),
        by: byOf(ctx),
      });
    }
    const moved = await moveIn(tx, ctx, encounterId, { status: 'checked-out' }, now);
    const number = payment ? receiptNumberOf(payment) : undefined;
    return {
      encounter: moved.encounter,
      ...(booked ? { appointment: booked } : {}),
      ...(number ? { receipt: { number, pdf: `/api/flow/receipts/${number}.pdf` } } : {}),
    };
  });
}
