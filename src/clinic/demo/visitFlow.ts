/**
 * How each demo visit went through the clinic (src/clinic/flow/status.ts): arrival a few minutes before the
 * appointment, a wait, rooming and vitals, the provider, check-out. The times feed the flow board's live rows
 * today and the wait-time report over the past. Drawn from their own random stream per patient, so adding
 * them leaves every other demo value as it was.
 */
import type { Appointment, Extension, Patient, Reference } from '@medplum/fhirtypes';
import { FLOW_HISTORY_URL, FLOW_STATUS_URL, type FlowStatus } from '../flow/status.js';
import type { ClinicClock } from './clock.js';
import { APPOINTMENT_REASON_DISPLAY, SYSTEM, VISIT_TYPES, concept, type VisitType } from './codes.js';
import { siteRef, staffAt, staffRef, type SiteDef, type StaffDef } from './practice.js';
import type { Rng } from './random.js';

/** One change of flow status, at a wall-clock time (minutes after local midnight). */
export interface FlowStep {
  readonly status: FlowStatus;
  readonly at: number;
  readonly by: StaffDef;
}

export interface FlowPlan {
  readonly steps: readonly FlowStep[];
  /** When the patient was roomed (absent for telehealth and for a patient who left). */
  readonly roomed?: number;
}

export interface FlowPeople {
  readonly site: SiteDef;
  readonly weekday: number;
  readonly provider: StaffDef;
  readonly ma: StaffDef;
}

/** The front-desk person who checks patients in and out at a site that day (the provider, if none). */
function frontDesk(people: FlowPeople): StaffDef {
  return staffAt(people.site.key, people.weekday, ['front-desk'])[0] ?? people.provider;
}

/**
 * Plans the steps of one visit that starts (by appointment) at `start` and is booked for `minutes`:
 * - arrival 3-20 minutes early, as patients are asked to come (one in eight 1-10 minutes late); check-in
 *   takes 1-3 minutes;
 * - waiting room: 3-25 minutes, mostly under 12;
 * - rooming and vitals 4-10 minutes, then 1-12 minutes until the provider comes in;
 * - with the provider 60-120% of the booked time, then 2-8 minutes to check out.
 * `outcome` 'left' is a patient who left the waiting room after 30-55 minutes; `virtual` skips the room.
 */
export function planFlow(
  rng: Rng,
  start: number,
  minutes: number,
  people: FlowPeople,
  outcome: 'seen' | 'left' = 'seen',
  virtual = false
): FlowPlan {
  const desk = frontDesk(people);
  const arrived = rng.chance(0.125) ? start + rng.int(1, 10) : start - rng.int(3, 20);
  const waiting = arrived + rng.int(1, 3);
  const steps: FlowStep[] = [
    { status: 'arrived', at: arrived, by: desk },
    { status: 'waiting', at: waiting, by: desk },
  ];
  if (outcome === 'left') {
    steps.push({ status: 'left-without-being-seen', at: waiting + rng.int(30, 55), by: desk });
    return { steps };
  }
  const wait = rng.chance(0.75) ? rng.int(3, 12) : rng.int(13, 25);
  let at = waiting + wait;
  let roomed: number | undefined;
  if (!virtual) {
    roomed = at;
    steps.push({ status: 'roomed', at, by: people.ma });
    at += rng.int(4, 10);
    steps.push({ status: 'ready-for-provider', at, by: people.ma });
    at += rng.int(1, 12);
  }
  steps.push({ status: 'with-provider', at, by: people.provider });
  at += Math.max(5, Math.round(minutes * rng.between(0.6, 1.2)));
  steps.push({ status: 'ready-for-checkout', at, by: people.provider });
  at += rng.int(2, 8);
  steps.push({ status: 'checked-out', at, by: desk });
  return { steps, roomed };
}

/** The steps that had happened by `now` (minutes after midnight); the whole plan when `now` is undefined. */
export function stepsBy(plan: FlowPlan, now: number | undefined): FlowStep[] {
  return plan.steps.filter((step) => now === undefined || step.at <= now);
}

/** The minute a status was entered, if it was. */
export function stepAt(steps: readonly FlowStep[], status: FlowStatus): number | undefined {
  return steps.find((step) => step.status === status)?.at;
}

const midnights = new WeakMap<ClinicClock, Map<number, number>>();

/**
 * A function from minutes after local midnight of `day` to a FHIR instant. The zone offset is taken at noon
 * (the clinic's hours never span a daylight-saving change, which happens at night), so one Intl lookup serves
 * the whole day: ClinicClock.instant per time stamp made the demo several times slower to generate.
 */
export function dayInstants(clock: ClinicClock, day: number): (minutes: number) => string {
  let bases = midnights.get(clock);
  if (!bases) {
    bases = new Map();
    midnights.set(clock, bases);
  }
  let base = bases.get(day);
  if (base === undefined) {
    base = clock.instantMs(day, 12 * 60) - 12 * 60 * 60_000;
    bases.set(day, base);
  }
  const start = base;
  return (minutes) => new Date(start + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

/** Encounter.extension: the current flow status and one history entry per step (status.ts). */
export function flowExtensions(steps: readonly FlowStep[], day: number, clock: ClinicClock): Extension[] {
  const last = steps[steps.length - 1];
  const instant = dayInstants(clock, day);
  return [
    { url: FLOW_STATUS_URL, valueCode: last.status },
    ...steps.map((step): Extension => ({
      url: FLOW_HISTORY_URL,
      extension: [
        { url: 'status', valueCode: step.status },
        { url: 'start', valueDateTime: instant(step.at) },
        { url: 'by', valueReference: staffRef(step.by) },
      ],
    })),
  ];
}

/** The visit-type coding (urn:medassist:visit-type) of a past visit's kind, when one fits. */
const PAST_VISIT_TYPE: Partial<Record<string, VisitType>> = {
  'follow-up': VISIT_TYPES.followUp,
  sick: VISIT_TYPES.followUp,
};

export interface PastBooking {
  readonly id: string;
  readonly day: number;
  readonly start: number;
  readonly minutes: number;
  /** Visit kind (visits.ts) or a visit-type code. */
  readonly kind: string;
  readonly display: string;
  readonly provider: StaffDef;
  readonly site: SiteDef;
  readonly status: Appointment['status'];
}

/** A past Appointment, as the schedule would have booked it (schedule.ts), with how it ended. */
export function pastAppointment(
  booking: PastBooking,
  patient: Reference<Patient>,
  clock: ClinicClock
): Appointment {
  const instant = dayInstants(clock, booking.day);
  const type = PAST_VISIT_TYPE[booking.kind];
  const reason = type?.reason ?? 'ROUTINE';
  return {
    resourceType: 'Appointment',
    id: booking.id,
    status: booking.status,
    serviceCategory: [concept(SYSTEM.serviceCategory, '17', 'General Practice')],
    serviceType: [concept(SYSTEM.serviceType, '124', 'General Practice')],
    appointmentType: {
      coding: [
        ...(type ? [{ system: SYSTEM.visitType, code: type.code, display: type.display }] : []),
        { system: SYSTEM.appointmentReason, code: reason, display: APPOINTMENT_REASON_DISPLAY[reason] },
      ],
      text: type?.display ?? booking.display,
    },
    description: `${type?.display ?? booking.display} with ${staffRef(booking.provider).display}`,
    start: instant(booking.start),
    end: instant(booking.start + booking.minutes),
    minutesDuration: booking.minutes,
    created: clock.date(booking.day - 14),
    participant: [
      { actor: patient, required: 'required', status: 'accepted' },
      { actor: staffRef(booking.provider), required: 'required', status: 'accepted' },
      { actor: siteRef(booking.site), required: 'required', status: 'accepted' },
    ],
  };
}
