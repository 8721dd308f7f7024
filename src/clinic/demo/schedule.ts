/**
 * Upcoming appointments: today and the next 14 days, weekdays 8:00-17:00 in the clinic's zone, about 20-30 a day at
 * each site. Each provider's day and each site's nurse/lab column is laid out without overlaps, then thinned to the
 * day's volume, then filled with patients (new-patient slots with registered-but-unseen patients).
 */
import type { Appointment } from '@medplum/fhirtypes';
import type { ClinicClock } from './clock.js';
import { APPOINTMENT_REASON_DISPLAY, SYSTEM, VISIT_TYPES, concept, type VisitType } from './codes.js';
import { ageOn, patientKey, type PatientProfile } from './people.js';
import {
  CLINIC_HOURS,
  MEDICAL_ASSISTANTS,
  SITES,
  siteRef,
  staffAt,
  staffRef,
  type SiteDef,
  type StaffDef,
} from './practice.js';
import { Rng, streamSeed } from './random.js';

export const SCHEDULE_DAYS = 15;

// The Schedules' availability (practice.ts): appointments fall inside it, never over lunch.
const { open: OPEN, lunchStart: LUNCH_START, lunchEnd: LUNCH_END, close: CLOSE } = CLINIC_HOURS;
const MAX_UPCOMING_PER_PATIENT = 2;

const NURSE_LINE_MIX: readonly (readonly [VisitType, number])[] = [
  [VISIT_TYPES.nurseVisit, 55],
  [VISIT_TYPES.labDraw, 45],
];
const PROVIDER_MIX: readonly (readonly [VisitType, number])[] = [
  [VISIT_TYPES.followUp, 60],
  [VISIT_TYPES.newPatient, 9],
  [VISIT_TYPES.procedure, 12],
  [VISIT_TYPES.telehealth, 12],
];

interface Slot {
  day: number;
  start: number;
  type: VisitType;
  staff: StaffDef;
  site: SiteDef;
}

/** Lays out one column (a provider, or the site's nurse/lab line) from opening to closing. */
function column(rng: Rng, day: number, site: SiteDef, staff: StaffDef, nurseLine: boolean): Slot[] {
  const slots: Slot[] = [];
  let cursor = OPEN;
  for (;;) {
    if (rng.chance(0.1)) cursor += 10;
    const type = rng.weighted<VisitType>(nurseLine ? NURSE_LINE_MIX : PROVIDER_MIX);
    if (cursor < LUNCH_END && cursor + type.minutes > LUNCH_START) cursor = Math.max(cursor, LUNCH_END);
    if (cursor + type.minutes > CLOSE) break;
    slots.push({ day, start: cursor, type, staff, site });
    cursor += type.minutes;
  }
  return slots;
}

/** Picks `count` slots from a column, keeping their order. */
function thin(rng: Rng, slots: readonly Slot[], count: number): Slot[] {
  const keep = new Set(rng.shuffle(slots.map((_, index) => index)).slice(0, count));
  return slots.filter((_, index) => keep.has(index));
}

function daySlots(rng: Rng, clock: ClinicClock, day: number, site: SiteDef): Slot[] {
  const weekday = clock.weekday(day);
  const providers = staffAt(site.key, weekday, ['provider']);
  const nurse =
    MEDICAL_ASSISTANTS.find((staff) => staff.role === 'ma' && staff.week[weekday - 1] === site.key) ??
    providers[0];
  const total = rng.int(20, 30);
  const nurseCount = rng.int(3, 7);
  const slots = thin(rng, column(rng, day, site, nurse, true), nurseCount);
  const perProvider = Math.ceil((total - slots.length) / providers.length);
  for (const provider of providers) {
    slots.push(...thin(rng, column(rng, day, site, provider, false), perProvider));
  }
  return slots.slice(0, total);
}

/** Books the upcoming appointments and returns them by patient number. */
export function planAppointments(
  seed: number,
  clock: ClinicClock,
  profiles: readonly PatientProfile[]
): Map<number, Appointment[]> {
  const rng = new Rng(streamSeed(seed, 'schedule'));
  const byPatient = new Map<number, Appointment[]>();
  const bookedDays = new Map<number, Set<number>>();
  const established = profiles.filter((profile) => !profile.isNew);
  const waitingNew = rng.shuffle(profiles.filter((profile) => profile.isNew));

  const canBook = (profile: PatientProfile, day: number): boolean => {
    const days = bookedDays.get(profile.number);
    return !days || (days.size < MAX_UPCOMING_PER_PATIENT && !days.has(day));
  };
  const findEstablished = (slot: Slot): PatientProfile | undefined => {
    for (let attempt = 0; attempt < 40 && established.length > 0; attempt++) {
      const candidate = rng.pick(established);
      const sameSite = attempt >= 20 || candidate.site === slot.site.key;
      const fits = slot.type !== VISIT_TYPES.telehealth || ageOn(candidate, slot.day) >= 12;
      if (sameSite && fits && canBook(candidate, slot.day)) return candidate;
    }
    return undefined;
  };

  for (let day = clock.today; day < clock.today + SCHEDULE_DAYS; day++) {
    if (!clock.isWeekday(day)) continue;
    for (const site of SITES) {
      for (const slot of daySlots(rng, clock, day, site)) {
        let patient: PatientProfile | undefined;
        if (slot.type === VISIT_TYPES.newPatient) {
          patient = waitingNew.shift();
          if (!patient) slot.type = VISIT_TYPES.followUp;
        }
        patient ??= findEstablished(slot);
        if (!patient) continue;
        const days = bookedDays.get(patient.number) ?? new Set<number>();
        days.add(day);
        bookedDays.set(patient.number, days);
        const list = byPatient.get(patient.number) ?? [];
        list.push(appointment(rng, clock, slot, patient));
        byPatient.set(patient.number, list);
      }
    }
  }
  for (const [number, list] of byPatient) {
    list.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
    const key = patientKey(number);
    list.forEach((item, index) => {
      item.id = `demo-appt-${key}-${String(index + 1).padStart(2, '0')}`;
    });
  }
  return byPatient;
}

function status(rng: Rng, clock: ClinicClock, slot: Slot): Appointment['status'] {
  if (slot.day !== clock.today || slot.start > clock.nowMinutes) return 'booked';
  if (slot.start + slot.type.minutes > clock.nowMinutes) return 'arrived';
  return rng.chance(0.06) ? 'noshow' : 'fulfilled';
}

function appointment(rng: Rng, clock: ClinicClock, slot: Slot, patient: PatientProfile): Appointment {
  const created = Math.min(clock.today, slot.day - rng.int(1, 45));
  return {
    resourceType: 'Appointment',
    id: '', // numbered per patient once all their appointments are known
    status: status(rng, clock, slot),
    serviceCategory: [concept(SYSTEM.serviceCategory, '17', 'General Practice')],
    serviceType: [concept(SYSTEM.serviceType, '124', 'General Practice')],
    appointmentType: {
      coding: [
        { system: SYSTEM.visitType, code: slot.type.code, display: slot.type.display },
        {
          system: SYSTEM.appointmentReason,
          code: slot.type.reason,
          display: APPOINTMENT_REASON_DISPLAY[slot.type.reason],
        },
      ],
      text: slot.type.display,
    },
    description: `${slot.type.display} with ${staffRef(slot.staff).display}`,
    start: clock.instant(slot.day, slot.start),
    end: clock.instant(slot.day, slot.start + slot.type.minutes),
    minutesDuration: slot.type.minutes,
    created: clock.date(created),
    participant: [
      { actor: patient.ref, required: 'required', status: 'accepted' },
      { actor: staffRef(slot.staff), required: 'required', status: 'accepted' },
      { actor: siteRef(slot.site), required: 'required', status: 'accepted' },
    ],
  };
}
