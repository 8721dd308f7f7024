import type { Appointment, AppointmentParticipant, Extension } from '@medplum/fhirtypes';
import type { Principal } from '../../auth/principal.js';
import { assertAllowed } from '../../auth/policy.js';
import {
  badRequest,
  conflict,
  forbidden,
  isOutcomeError,
  OutcomeError,
  outcome,
} from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { assertId, lockCurrent, planCreate, Repository, updateIn } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { APPOINTMENT_REASON_DISPLAY, SYSTEM, concept } from '../demo/codes.js';
import { performs } from './find.js';
import {
  loadBusy,
  loadDirectory,
  occupies,
  openOn,
  scheduleOfAppointment,
  toBusy,
  type Directory,
  type ScheduleInfo,
} from './model.js';
import { displayName } from './patients.js';
import { DAY_MS, MINUTE_MS, overlaps, parseInstant, subtract, type Interval } from './time.js';
import { offersFor, type WaitlistOffer } from './waitlist.js';
import { VISIT_TYPE_SYSTEM, visitTypeByCode, visitTypeCodeOf, type VisitTypeDef } from './visitTypes.js';

/** Why an appointment was overbooked (outside availability or on top of another visit); audited with the write. */
export const OVERBOOK_URL = 'https://medassist.dev/fhir/StructureDefinition/overbook-reason';

/** A booking may start this long before "now" (a walk-in booked as it happens). */
const PAST_GRACE_MS = 30 * MINUTE_MS;

export interface BookRequest {
  patientId: string;
  visitType: string;
  scheduleId: string;
  start: string;
  reason?: string;
  note?: string;
  overbook?: { reason: string };
}

export interface RescheduleRequest {
  scheduleId?: string;
  start: string;
  overbook?: { reason: string };
}

const asObject = (body: unknown): Record<string, unknown> =>
  (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;

function optionalText(value: unknown, field: string, max: number): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw badRequest(`${field} must be text of at most ${max} characters`, field);
  }
  return value.trim() || undefined;
}

export function requiredText(value: unknown, field: string, max: number): string {
  const text = optionalText(value, field, max);
  if (!text) {
    throw badRequest(`${field} is required (1-${max} characters)`, field);
  }
  return text;
}

function parseOverbook(value: unknown): { reason: string } | undefined {
  if (value === undefined || value === null) return undefined;
  return { reason: requiredText(asObject(value).reason, 'overbook.reason', 500) };
}

export function parseId(value: unknown, field: string): string {
  if (typeof value !== 'string') throw badRequest(`${field} is required (an id)`, field);
  assertId(value, field);
  return value;
}

/** Parses POST /api/schedule/appointments. */
export function parseBookRequest(body: unknown): BookRequest {
  const b = asObject(body);
  const patientId = parseId(b.patientId, 'patientId');
  if (typeof b.visitType !== 'string' || !visitTypeByCode(b.visitType)) {
    throw badRequest('visitType must be one of the visit type codes (GET /api/schedule/setup)', 'visitType');
  }
  const scheduleId = parseId(b.scheduleId, 'scheduleId');
  parseInstant(b.start, 'start');
  return {
    patientId,
    visitType: b.visitType,
    scheduleId,
    start: b.start as string,
    reason: optionalText(b.reason, 'reason', 500),
    note: optionalText(b.note, 'note', 2000),
    overbook: parseOverbook(b.overbook),
  };
}

/** Parses POST /api/schedule/appointments/:id/reschedule. */
export function parseRescheduleRequest(body: unknown): RescheduleRequest {
  const b = asObject(body);
  const scheduleId = b.scheduleId === undefined ? undefined : parseId(b.scheduleId, 'scheduleId');
  parseInstant(b.start, 'start');
  return { scheduleId, start: b.start as string, overbook: parseOverbook(b.overbook) };
}

/** Who may overbook: the lead MA, providers and practice administrators; API clients with write scope. */
export function mayOverbook(principal: Principal | undefined): boolean {
  return (
    !principal ||
    principal.kind !== 'user' ||
    principal.roles.some((role) => role === 'lead-ma' || role === 'provider' || role === 'practice-admin')
  );
}

/** 404 that names the request field that pointed at nothing. */
export const notFoundField = (text: string, field: string): OutcomeError =>
  new OutcomeError(404, outcome('error', 'not-found', text, field));

export function scheduleById(dir: Directory, id: string, field = 'scheduleId'): ScheduleInfo {
  const schedule = dir.byId.get(id);
  if (!schedule) {
    throw notFoundField(`Schedule/${id} was not found (or has no site to book at)`, field);
  }
  return schedule;
}

/**
 * Locks the Schedule rows a booking on `schedules` depends on (SELECT ... FOR UPDATE): every schedule of the
 * same practitioner (a provider works at two sites), in id order so two bookings never wait on each other.
 * Concurrent bookings of one provider serialize here; the overlap check after the lock sees every commit.
 */
async function lockSchedules(
  tx: SqlConnection,
  ctx: RequestContext,
  dir: Directory,
  schedules: ScheduleInfo[]
): Promise<void> {
  const ids = new Set<string>();
  for (const schedule of schedules) {
    for (const s of dir.schedules) {
      if (
        s.id === schedule.id ||
        (schedule.practitioner && s.practitioner?.id === schedule.practitioner.id)
      ) {
        ids.add(s.id);
      }
    }
  }
  for (const id of [...ids].sort()) {
    await lockCurrent(tx, ctx, 'Schedule', id);
  }
}

/**
 * Checks a time on a schedule: inside its availability for the visit type (not in a block, not on a
 * holiday), not in the past, and not overlapping a visit that holds time on the schedule (another of the
 * provider's, at either site). Overbooking skips the availability and overlap checks, not the others.
 */
async function checkTime(
  tx: SqlConnection,
  ctx: RequestContext,
  dir: Directory,
  schedule: ScheduleInfo,
  type: VisitTypeDef,
  time: Interval,
  options: { overbook: boolean; ignore?: string; now: number }
): Promise<void> {
  if (time.start < options.now - PAST_GRACE_MS) {
    throw badRequest('start is in the past: choose a time from now on', 'start');
  }
  const zone = schedule.site.zone;
  const day = zone.local(time.start).day;
  const busy = await loadBusy(tx, ctx, [schedule], { start: time.start - DAY_MS, end: time.end + DAY_MS });
  if (!options.overbook) {
    const open = subtract(
      openOn(schedule, day, { fromDay: day - 1, toDay: day + 1 }, type.code),
      busy.blocks.filter((b) => b.scheduleId === schedule.id)
    );
    if (!open.some((w) => w.start <= time.start && time.end <= w.end)) {
      throw badRequest(
        `${new Date(time.start).toISOString()} is outside ${schedule.label}'s availability for a ${type.display} visit (${type.minutes} minutes): choose a time from the search`,
        'start'
      );
    }
    if (
      busy.appointments.some(
        (a) => a.id !== options.ignore && occupies(dir, schedule, a) && overlaps(a, time)
      )
    ) {
      throw conflict(
        `that time was just booked by someone else (${schedule.label}, ${new Date(time.start).toISOString()}): choose another time`,
        'start'
      );
    }
  }
}

function typeCoding(type: VisitTypeDef): Appointment['appointmentType'] {
  return {
    coding: [
      { system: VISIT_TYPE_SYSTEM, code: type.code, display: type.display },
      {
        system: SYSTEM.appointmentReason,
        code: type.reason,
        display: APPOINTMENT_REASON_DISPLAY[type.reason],
      },
    ],
    text: type.display,
  };
}

function scheduleParticipants(schedule: ScheduleInfo): AppointmentParticipant[] {
  return [
    ...(schedule.practitioner
      ? [
          {
            actor: {
              reference: `Practitioner/${schedule.practitioner.id}`,
              display: schedule.practitioner.name,
            },
            required: 'required' as const,
            status: 'accepted' as const,
          },
        ]
      : []),
    {
      actor: { reference: `Location/${schedule.location.id}`, display: schedule.location.name },
      required: 'required' as const,
      status: 'accepted' as const,
    },
  ];
}

function overbookExtension(
  existing: Extension[] | undefined,
  overbook: { reason: string } | undefined
): Extension[] | undefined {
  const others = (existing ?? []).filter((e) => e.url !== OVERBOOK_URL);
  const all = overbook ? [...others, { url: OVERBOOK_URL, valueString: overbook.reason }] : others;
  return all.length > 0 ? all : undefined;
}

function assertOverbook(ctx: RequestContext, overbook: { reason: string } | undefined): void {
  if (overbook && !mayOverbook(ctx.principal)) {
    throw forbidden('only the lead MA, a provider or a practice administrator may overbook', 'overbook');
  }
}

/**
 * Books a visit, in one transaction: the schedule (and the provider's other schedules) locked, the time
 * checked against availability and the provider's other visits, the Appointment (status booked; the
 * patient, the provider for a provider's schedule, and the site as participants) created. 409 when the
 * time was taken meanwhile; 400 naming `start` outside availability unless a permitted role overbooks.
 */
export async function bookAppointment(
  db: Database,
  ctx: RequestContext,
  request: BookRequest,
  now: Date = new Date()
): Promise<Appointment> {
  if (ctx.principal) assertAllowed(ctx.principal, 'create', 'Appointment');
  assertOverbook(ctx, request.overbook);
  const type = visitTypeByCode(request.visitType);
  if (!type) throw badRequest('visitType must be one of the visit type codes', 'visitType');
  const start = parseInstant(request.start, 'start');
  return db.transaction(async (tx) => {
    const dir = await loadDirectory(tx, ctx);
    const schedule = scheduleById(dir, request.scheduleId);
    if (!performs(schedule, type)) {
      throw badRequest(
        `${schedule.label} does not take ${type.display} visits (${type.performers.join(' or ')} visits only)`,
        'visitType'
      );
    }
    const patientName = await new Repository(tx).read(ctx, 'Patient', request.patientId).then(
      (patient) => displayName((patient as { name?: [] }).name),
      (err: unknown) => {
        if (isOutcomeError(err) && (err.status === 404 || err.status === 410)) {
          throw notFoundField(`Patient/${request.patientId} was not found`, 'patientId');
        }
        throw err;
      }
    );
    await lockSchedules(tx, ctx, dir, [schedule]);
    const time = { start, end: start + type.minutes * MINUTE_MS };
    await checkTime(tx, ctx, dir, schedule, type, time, { overbook: !!request.overbook, now: now.getTime() });
    const appointment: Appointment = {
      resourceType: 'Appointment',
      status: 'booked',
      ...(request.overbook ? { extension: overbookExtension(undefined, request.overbook) } : {}),
      serviceCategory: [concept(SYSTEM.serviceCategory, '17', 'General Practice')],
      serviceType: [concept(SYSTEM.serviceType, '124', 'General Practice')],
      appointmentType: typeCoding(type),
      ...(request.reason ? { reasonCode: [{ text: request.reason }] } : {}),
      description: `${type.display} with ${schedule.label}`,
      start: new Date(time.start).toISOString(),
      end: new Date(time.end).toISOString(),
      minutesDuration: type.minutes,
      created: now.toISOString(),
      ...(request.note || request.overbook
        ? {
            comment: [request.note, request.overbook ? `Overbooked: ${request.overbook.reason}` : undefined]
              .filter(Boolean)
              .join('\n'),
          }
        : {}),
      participant: [
        {
          actor: {
            reference: `Patient/${request.patientId}`,
            ...(patientName ? { display: patientName } : {}),
          },
          required: 'required',
          status: 'accepted',
        },
        ...scheduleParticipants(schedule),
      ],
    };
    const write = planCreate(appointment);
    await applyWrites(tx, ctx, [write]);
    return write.content as Appointment;
  });
}

/** Statuses of a visit that may still be moved or cancelled. */
const MOVABLE = new Set(['proposed', 'pending', 'booked']);

async function lockAppointment(tx: SqlConnection, ctx: RequestContext, id: string): Promise<Appointment> {
  assertId(id, 'id');
  const current = await lockCurrent(tx, ctx, 'Appointment', id);
  if (!current || current.deleted || !current.content) {
    throw notFoundField(`Appointment/${id} was not found`, 'id');
  }
  return current.content as Appointment;
}

/**
 * Moves a visit (same Appointment id) to a new time, on the same schedule or another: the same checks as
 * booking; the old time is freed and the waitlist entries that fit it come back as `offers`.
 */
export async function rescheduleAppointment(
  db: Database,
  ctx: RequestContext,
  id: string,
  request: RescheduleRequest,
  now: Date = new Date()
): Promise<{ appointment: Appointment; offers: WaitlistOffer[] }> {
  if (ctx.principal) assertAllowed(ctx.principal, 'update', 'Appointment');
  assertOverbook(ctx, request.overbook);
  const start = parseInstant(request.start, 'start');
  return db.transaction(async (tx) => {
    const appointment = await lockAppointment(tx, ctx, id);
    if (!MOVABLE.has(appointment.status)) {
      throw conflict(`a ${appointment.status} appointment cannot be rescheduled`, 'status');
    }
    const type = visitTypeByCode(visitTypeCodeOf(appointment) ?? '');
    if (!type) {
      throw badRequest(
        'the appointment has no visit type medassist books: book a new one instead',
        'visitType'
      );
    }
    const dir = await loadDirectory(tx, ctx);
    const old = toBusy(appointment);
    const oldSchedule = old ? scheduleOfAppointment(dir, old) : undefined;
    const schedule = request.scheduleId ? scheduleById(dir, request.scheduleId) : oldSchedule;
    if (!schedule) {
      throw badRequest('the appointment is on no schedule: name the scheduleId to move it to', 'scheduleId');
    }
    if (!performs(schedule, type)) {
      throw badRequest(`${schedule.label} does not take ${type.display} visits`, 'scheduleId');
    }
    await lockSchedules(tx, ctx, dir, oldSchedule ? [schedule, oldSchedule] : [schedule]);
    const time = { start, end: start + type.minutes * MINUTE_MS };
    await checkTime(tx, ctx, dir, schedule, type, time, {
      overbook: !!request.overbook,
      ignore: id,
      now: now.getTime(),
    });
    const scheduleActor = (p: AppointmentParticipant): boolean => {
      const ref = p.actor?.reference ?? '';
      return (
        (ref.startsWith('Practitioner/') &&
          dir.scheduledPractitioners.has(ref.slice('Practitioner/'.length))) ||
        (ref.startsWith('Location/') && dir.sites.has(ref.slice('Location/'.length)))
      );
    };
    const moved: Appointment = {
      ...appointment,
      start: new Date(time.start).toISOString(),
      end: new Date(time.end).toISOString(),
      minutesDuration: type.minutes,
      participant: [
        ...(appointment.participant ?? []).filter((p) => !scheduleActor(p)),
        ...scheduleParticipants(schedule),
      ],
      description: `${type.display} with ${schedule.label}`,
    };
    const extension = overbookExtension(appointment.extension, request.overbook);
    if (extension) moved.extension = extension;
    else delete moved.extension;
    const updated = (await updateIn(tx, ctx, 'Appointment', id, moved)).resource as Appointment;
    const offers = old && oldSchedule ? await offersFor(tx, ctx, dir, oldSchedule, old, now.getTime()) : [];
    return { appointment: updated, offers };
  });
}

/** Cancels a visit with a reason (Appointment.cancelationReason); the waitlist entries that fit the freed time are offered. */
export async function cancelAppointment(
  db: Database,
  ctx: RequestContext,
  id: string,
  reason: string,
  now: Date = new Date()
): Promise<{ appointment: Appointment; offers: WaitlistOffer[] }> {
  if (ctx.principal) assertAllowed(ctx.principal, 'update', 'Appointment');
  return db.transaction(async (tx) => {
    const appointment = await lockAppointment(tx, ctx, id);
    if (!MOVABLE.has(appointment.status) && appointment.status !== 'waitlist') {
      throw conflict(`a ${appointment.status} appointment cannot be cancelled`, 'status');
    }
    const wasBooked = appointment.status !== 'waitlist';
    const cancelled: Appointment = {
      ...appointment,
      status: 'cancelled',
      cancelationReason: { text: reason },
    };
    const updated = (await updateIn(tx, ctx, 'Appointment', id, cancelled)).resource as Appointment;
    const freed = wasBooked ? toBusy(appointment) : undefined;
    if (!freed) return { appointment: updated, offers: [] };
    const dir = await loadDirectory(tx, ctx);
    const schedule = scheduleOfAppointment(dir, freed);
    const offers = schedule ? await offersFor(tx, ctx, dir, schedule, freed, now.getTime()) : [];
    return { appointment: updated, offers };
  });
}

/** Marks a booked visit whose start has passed as a no-show (status noshow). */
export async function markNoShow(
  db: Database,
  ctx: RequestContext,
  id: string,
  now: Date = new Date()
): Promise<Appointment> {
  if (ctx.principal) assertAllowed(ctx.principal, 'update', 'Appointment');
  return db.transaction(async (tx) => {
    const appointment = await lockAppointment(tx, ctx, id);
    if (appointment.status !== 'booked') {
      throw conflict(
        `only a booked appointment can be a no-show (this one is ${appointment.status})`,
        'status'
      );
    }
    const start = Date.parse(appointment.start ?? '');
    if (!(start <= now.getTime())) {
      throw conflict(
        'the appointment has not started yet: a no-show is marked after its start time',
        'start'
      );
    }
    return (await updateIn(tx, ctx, 'Appointment', id, { ...appointment, status: 'noshow' }))
      .resource as Appointment;
  });
}
