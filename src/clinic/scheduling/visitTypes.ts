import { SYSTEM, VISIT_TYPES } from '../demo/codes.js';

/** Who performs a visit type: a provider's schedule, or a nurse line (an MA line such as a site's nurse schedule). */
export type Performer = 'provider' | 'nurse';
/** The room a visit needs: an exam room, a procedure room, or none (telehealth). */
export type RoomNeed = 'exam' | 'procedure' | 'none';

export interface VisitTypeDef {
  code: string;
  display: string;
  minutes: number;
  performers: readonly Performer[];
  room: RoomNeed;
  /** v2-0276 appointment reason code the demo also puts on Appointment.appointmentType. */
  reason: 'ROUTINE' | 'FOLLOWUP';
}

export const VISIT_TYPE_SYSTEM = SYSTEM.visitType;

/**
 * The visit types (appointment types) the schedule books, with the demo's codes (demo/codes.ts VISIT_TYPES)
 * so the demo's appointments and new bookings read alike.
 */
export const SCHEDULING_VISIT_TYPES: readonly VisitTypeDef[] = [
  { ...VISIT_TYPES.newPatient, performers: ['provider'], room: 'exam' },
  { ...VISIT_TYPES.followUp, performers: ['provider'], room: 'exam' },
  { ...VISIT_TYPES.nurseVisit, performers: ['nurse'], room: 'exam' },
  { ...VISIT_TYPES.labDraw, performers: ['nurse'], room: 'procedure' },
  { ...VISIT_TYPES.procedure, performers: ['provider'], room: 'procedure' },
  { ...VISIT_TYPES.telehealth, performers: ['provider'], room: 'none' },
];

export function visitTypeByCode(code: string): VisitTypeDef | undefined {
  return SCHEDULING_VISIT_TYPES.find((type) => type.code === code);
}

/** The visit-type code an Appointment carries (appointmentType coding in VISIT_TYPE_SYSTEM). */
export function visitTypeCodeOf(appointment: {
  appointmentType?: { coding?: { system?: string; code?: string }[] };
}): string | undefined {
  return appointment.appointmentType?.coding?.find((c) => c.system === VISIT_TYPE_SYSTEM)?.code;
}
