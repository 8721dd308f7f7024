import type { Appointment, Encounter, Patient } from '@medplum/fhirtypes';
import { notFound } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { assertId } from '../../store/repository.js';
import { findById, flowStatusOf, participantOf, refId, visitTypeOf } from '../flow/visit.js';
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
  sex?: Sex;
  /** Age in whole days at `at`, and in months (days / 30.4375) for growth references. */
  ageDays?: number;
  ageMonths?: number;
}

const DAY_MS = 86_400_000;
/** The mean month in days (365.25 / 12): growth references index age in months of this length. */
export const MONTH_DAYS = 30.4375;

/** Age in days at an instant, from a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD; partial dates take the first day). */
export function ageInDays(birthDate: string | undefined, at: Date): number | undefined {
  if (!birthDate) return undefined;
  const [y, m = '01', d = '01'] = birthDate.split('-');
  const born = Date.UTC(Number(y), Number(m) - 1, Number(d));
  if (Number.isNaN(born)) return undefined;
  return Math.floor((at.getTime() - born) / DAY_MS);
}

/**
 * Reads the visit of an Encounter as the caller may see it: 404 when the Encounter or its patient is out of
 * their reach (restricted charts stay hidden), so every rooming route starts here.
 */
export async function roomingVisitOf(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string,
  now: Date
): Promise<RoomingVisit> {
  assertId(encounterId, 'encounterId');
  const encounter = await findById<Encounter>(conn, ctx, 'Encounter', encounterId);
  if (!encounter) {
    throw notFound(`Encounter/${encounterId} was not found`);
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
  const ageDays = ageInDays(patient.birthDate, now);
  return {
    encounter,
    patient,
    appointment,
    visitType: appointment ? visitTypeOf(appointment) : { code: 'follow-up', display: 'Visit' },
    flowStatus: flowStatusOf(encounter),
    providerId:
      (appointment && participantOf(appointment, 'Practitioner')?.id) ??
      refId(encounter.participant?.[0]?.individual?.reference, 'Practitioner'),
    siteId:
      (appointment && participantOf(appointment, 'Location')?.id) ??
      refId(encounter.location?.[0]?.location?.reference, 'Location'),
    sex: patient.gender === 'male' || patient.gender === 'female' ? patient.gender : undefined,
    ageDays,
    ageMonths: ageDays === undefined ? undefined : ageDays / MONTH_DAYS,
  };
}
