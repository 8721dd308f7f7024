import type { Appointment, Encounter, Patient } from '@medplum/fhirtypes';
import { notFound, unprocessable } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { assertId } from '../../store/repository.js';
import { findById, flowStatusOf, localDate, participantOf, refId, visitTypeOf } from '../flow/visit.js';
import { siteOrPracticeTimeZone } from '../flow/clinicZone.js';
import type { FlowStatus } from '../flow/status.js';
import type { Sex } from './model.js';

/** What every part of rooming needs to know about the visit it writes for. */
export interface RoomingVisit {
  encounter: Encounter;
  patient: Patient;
  appointment?: Appointment;
  visitType: { code: string; display: string };
  flowStatus: FlowStatus;
  /** The visit's provider (Appointment participant), who gets the notices. */
  providerId?: string;
  /** The site Location of the visit. */
  siteId?: string;
  /** The clinic's time zone for this visit: its site's, else the practice's (UTC when none is named). */
  timeZone: string;
  sex?: Sex;
  /** Age in whole days on the clinic's local date, and in months (days / 30.4375) for growth references. */
  ageDays?: number;
  ageMonths?: number;
}

const DAY_MS = 86_400_000;
/** The mean month in days (365.25 / 12): growth references index age in months of this length. */
export const MONTH_DAYS = 30.4375;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Age in whole days: calendar days from the birth date (a FHIR date: YYYY, YYYY-MM or YYYY-MM-DD; partial
 * dates take the first day) to the clinic's local date of `at`. A birth date is a calendar date, so a day
 * of age is added at the clinic's midnight, not at UTC's (18:00 or 19:00 the evening before in Chicago).
 * `at` is an instant dated in `timeZone` (default UTC), or a YYYY-MM-DD date as it is.
 * Example: born 2026-01-31, at 2026-02-28T03:00Z in America/Chicago (Feb 27, 21:00 local): 27 days.
 */
export function ageInDays(
  birthDate: string | undefined,
  at: Date | string,
  timeZone = 'UTC'
): number | undefined {
  if (!birthDate) return undefined;
  const [y, m = '01', d = '01'] = birthDate.split('-');
  const born = Date.UTC(Number(y), Number(m) - 1, Number(d));
  if (Number.isNaN(born)) return undefined;
  let on: string;
  if (typeof at === 'string' && DATE_RE.test(at)) {
    on = at;
  } else {
    const instant = new Date(at);
    if (Number.isNaN(instant.getTime())) return undefined;
    on = localDate(instant, timeZone);
  }
  const [ty, tm, td] = on.split('-').map(Number);
  // Both are UTC midnights of calendar dates: whole days apart, no DST in between.
  return Math.round((Date.UTC(ty, tm - 1, td) - born) / DAY_MS);
}

/** Encounter statuses nothing may be documented under: the visit did not happen, or is not this patient's. */
const CLOSED_TO_WRITES = new Set(['cancelled', 'entered-in-error']);

/**
 * Reads the visit of an Encounter as the caller may see it: 404 when the Encounter or its patient is out of
 * their reach (restricted charts stay hidden), so every rooming route starts here. With `write` (a route that
 * documents something under the visit) a cancelled or entered-in-error visit is a 422 naming `encounter`; a
 * finished one, or one the patient left without being seen, stays open to late entries.
 */
export async function roomingVisitOf(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string,
  now: Date,
  options: { write?: boolean } = {}
): Promise<RoomingVisit> {
  assertId(encounterId, 'encounterId');
  const encounter = await findById<Encounter>(conn, ctx, 'Encounter', encounterId);
  if (!encounter) {
    throw notFound(`Encounter/${encounterId} was not found`);
  }
  // A patient who left without being seen (the board cancels the Encounter) may have had vitals or a
  // screening taken first: what was measured is still charted, and a critical value still reaches the provider.
  if (
    options.write &&
    CLOSED_TO_WRITES.has(encounter.status) &&
    flowStatusOf(encounter) !== 'left-without-being-seen'
  ) {
    throw unprocessable(`the visit is ${encounter.status}: nothing can be documented under it`, 'encounter');
  }
  const patientId = refId(encounter.subject?.reference, 'Patient');
  const patient = patientId ? await findById<Patient>(conn, ctx, 'Patient', patientId) : undefined;
  if (!patient) {
    throw notFound(`the patient of Encounter/${encounterId} was not found`);
  }
  const appointmentId = refId(encounter.appointment?.[0]?.reference, 'Appointment');
  const appointment = appointmentId
    ? await findById<Appointment>(conn, ctx, 'Appointment', appointmentId)
    : undefined;
  const siteId =
    (appointment && participantOf(appointment, 'Location')?.id) ??
    refId(encounter.location?.[0]?.location?.reference, 'Location');
  const timeZone = await siteOrPracticeTimeZone(conn, ctx, siteId);
  const ageDays = ageInDays(patient.birthDate, now, timeZone);
  return {
    encounter,
    patient,
    appointment,
    visitType: appointment ? visitTypeOf(appointment) : { code: 'follow-up', display: 'Visit' },
    flowStatus: flowStatusOf(encounter),
    providerId:
      (appointment && participantOf(appointment, 'Practitioner')?.id) ??
      refId(encounter.participant?.[0]?.individual?.reference, 'Practitioner'),
    siteId,
    timeZone,
    sex: patient.gender === 'male' || patient.gender === 'female' ? patient.gender : undefined,
    ageDays,
    ageMonths: ageDays === undefined ? undefined : ageDays / MONTH_DAYS,
  };
}
