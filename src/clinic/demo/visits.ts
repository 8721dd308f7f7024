/**
 * Past office visits (Encounter): well-child and annual check-ups, follow-ups of chronic problems, and a sick visit
 * on the onset day of each acute problem. All on weekdays, in clinic hours, at the patient's usual site.
 */
import type { Encounter, EncounterLocation, EncounterParticipant } from '@medplum/fhirtypes';
import { FLOW_TO_ENCOUNTER_STATUS } from '../flow/status.js';
import type { ClinicClock } from './clock.js';
import { SYSTEM, concept } from './codes.js';
import { ageOn, type PatientProfile } from './people.js';
import {
  MEDICAL_ASSISTANTS,
  PRACTICE_REF,
  SITES,
  roomRef,
  siteByKey,
  siteRef,
  staffAt,
  staffRef,
  type SiteDef,
  type StaffDef,
} from './practice.js';
import { conditionRef, type PlannedProblem } from './problems.js';
import type { Rng } from './random.js';
import { dayInstants, flowExtensions, stepAt, type FlowStep } from './visitFlow.js';

export type VisitKind = 'well-child' | 'check-up' | 'follow-up' | 'sick';

export interface Visit {
  readonly id: string;
  readonly day: number;
  /** Minutes after local midnight. */
  readonly start: number;
  readonly minutes: number;
  readonly kind: VisitKind;
  readonly problems: readonly PlannedProblem[];
  readonly site: SiteDef;
  readonly room: number;
  readonly provider: StaffDef;
  readonly ma: StaffDef;
}

// Well-child visits by age in days: newborn, 1, 2, 4, 6, 9, 12, 15, 18, 24, 30 months.
const WELL_CHILD_DAYS = [5, 30, 61, 122, 183, 274, 365, 456, 548, 730, 913] as const;

const KIND_MINUTES: Record<VisitKind, number> = {
  'well-child': 30,
  'check-up': 40,
  'follow-up': 20,
  sick: 20,
};

const ENCOUNTER_TYPES: Record<VisitKind, readonly [string, string]> = {
  'well-child': ['410620009', 'Well child visit'],
  'check-up': ['185349003', 'Encounter for check up'],
  'follow-up': ['390906007', 'Follow-up encounter'],
  sick: ['185345009', 'Encounter for symptom'],
};

interface PlannedDay {
  day: number;
  kind: VisitKind;
  problems: PlannedProblem[];
}

/** Plans the patient's visits between `historyStart` and yesterday, and links acute problems to their visit. */
export function planVisits(
  rng: Rng,
  profile: PatientProfile,
  clock: ClinicClock,
  problems: readonly PlannedProblem[],
  historyStart: number
): Visit[] {
  const lastDay = clock.today - 1;
  if (profile.isNew || lastDay < historyStart) {
    return [];
  }
  const planned: PlannedDay[] = [];
  const add = (day: number, kind: VisitKind, problem?: PlannedProblem): void => {
    let weekday = clock.nextWeekday(day);
    if (weekday > lastDay) {
      weekday = day;
      while (!clock.isWeekday(weekday)) weekday--;
    }
    if (weekday < historyStart || weekday > lastDay) {
      return;
    }
    const existing = planned.find((candidate) => candidate.day === weekday);
    if (existing) {
      if (problem) existing.problems.push(problem);
      if (kind === 'sick' || kind === 'well-child' || kind === 'check-up') existing.kind = kind;
      return;
    }
    planned.push({ day: weekday, kind, problems: problem ? [problem] : [] });
  };

  for (const ageDays of WELL_CHILD_DAYS) {
    add(profile.birthDay + ageDays + rng.int(0, 6), 'well-child');
  }
  const adult = ageOn(profile, clock.today) >= 18;
  const senior = ageOn(profile, clock.today) >= 65;
  for (let yearsBack = 0; yearsBack < 3; yearsBack++) {
    const day = clock.today - yearsBack * 365 - rng.int(20, 345);
    if (ageOn(profile, day) >= 2.9 && rng.chance(senior ? 0.9 : adult ? 0.7 : 0.85)) {
      add(day, ageOn(profile, day) < 18 ? 'well-child' : 'check-up');
    }
  }
  for (const problem of problems) {
    if (problem.def.chronic) {
      const from = Math.max(historyStart, problem.onsetDay);
      const years = (lastDay - from) / 365;
      const count = Math.round((problem.def.followUpsPerYear ?? 0) * years * rng.between(0.6, 1.2));
      for (let i = 0; i < count; i++) {
        add(rng.int(from, lastDay), 'follow-up', problem);
      }
    } else if (problem.diagnosedHere) {
      add(problem.onsetDay, 'sick', problem);
    }
  }

  planned.sort((a, b) => a.day - b.day);
  const homeSite = siteByKey(profile.site);
  return planned.map((plan, index): Visit => {
    const weekday = clock.weekday(plan.day);
    const site = rng.chance(0.9) ? homeSite : (SITES.find((other) => other !== homeSite) ?? homeSite);
    const providers = staffAt(site.key, weekday, ['provider']);
    const provider = providers.includes(profile.gp) && rng.chance(0.85) ? profile.gp : rng.pick(providers);
    const mas = MEDICAL_ASSISTANTS.filter((staff) => staff.week[weekday - 1] === site.key);
    const minutes = KIND_MINUTES[plan.kind];
    // Start on a 10-minute grid between 8:00 and the last slot that ends by 17:00, skipping the 12:00-13:00 lunch.
    let start = 8 * 60 + 10 * rng.int(0, (17 * 60 - minutes - 8 * 60) / 10);
    if (start < 13 * 60 && start + minutes > 12 * 60) start = 13 * 60 + 10 * rng.int(0, 6);
    const visit: Visit = {
      id: `demo-enc-${profile.key}-${String(index + 1).padStart(2, '0')}`,
      day: plan.day,
      start,
      minutes,
      kind: plan.kind,
      problems: plan.problems,
      site,
      room: rng.int(1, site.rooms),
      provider,
      ma: rng.pick(mas),
    };
    for (const problem of plan.problems) {
      if (!problem.def.chronic && problem.encounterId === undefined) {
        problem.encounterId = visit.id;
      }
    }
    return visit;
  });
}

/** How the visit went through the clinic, and the Appointment it was booked as (if kept). */
export interface VisitFlow {
  readonly steps: readonly FlowStep[];
  readonly appointmentId?: string;
  /** A telehealth visit: no room, class VR. */
  readonly virtual?: boolean;
}

export function encounterResource(
  visit: Visit,
  profile: PatientProfile,
  clock: ClinicClock,
  flow: VisitFlow
): Encounter {
  const { steps } = flow;
  const last = steps[steps.length - 1];
  const done = last.status === 'checked-out' || last.status === 'left-without-being-seen';
  const instant = dayInstants(clock, visit.day);
  const at = (minutes: number | undefined): string | undefined =>
    minutes === undefined ? undefined : instant(minutes);
  const between = (from: number | undefined, to: number | undefined) => ({
    ...(from !== undefined ? { start: at(from) } : {}),
    ...(to !== undefined ? { end: at(to) } : {}),
  });
  const arrived = stepAt(steps, 'arrived');
  const roomed = stepAt(steps, 'roomed');
  const withProvider = stepAt(steps, 'with-provider');
  const period = between(arrived, done ? last.at : undefined);
  const [typeCode, typeDisplay] = ENCOUNTER_TYPES[visit.kind];
  const participant: EncounterParticipant[] = [];
  if (withProvider !== undefined) {
    participant.push({
      type: [concept(SYSTEM.participationType, 'PPRF', 'primary performer')],
      individual: staffRef(visit.provider),
      period: between(withProvider, stepAt(steps, 'ready-for-checkout')),
    });
  }
  if (roomed !== undefined) {
    participant.push({
      type: [concept(SYSTEM.participationType, 'PART', 'Participation')],
      individual: staffRef(visit.ma),
      period: between(roomed, stepAt(steps, 'ready-for-provider')),
    });
  }
  const location: EncounterLocation[] = [
    { location: siteRef(visit.site), status: done ? 'completed' : 'active', period },
  ];
  if (roomed !== undefined) {
    location.push({
      location: roomRef(visit.site, visit.room),
      status: done ? 'completed' : 'active',
      physicalType: concept('http://terminology.hl7.org/CodeSystem/location-physical-type', 'ro', 'Room'),
      period: between(roomed, stepAt(steps, 'checked-out')),
    });
  }
  const encounter: Encounter = {
    resourceType: 'Encounter',
    id: visit.id,
    extension: flowExtensions(steps, visit.day, clock),
    status: FLOW_TO_ENCOUNTER_STATUS[last.status as keyof typeof FLOW_TO_ENCOUNTER_STATUS] ?? 'unknown',
    class: flow.virtual
      ? { system: SYSTEM.actCode, code: 'VR', display: 'virtual' }
      : { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' },
    type: [concept(SYSTEM.snomed, typeCode, typeDisplay)],
    subject: profile.ref,
    ...(participant.length > 0 ? { participant } : {}),
    ...(flow.appointmentId ? { appointment: [{ reference: `Appointment/${flow.appointmentId}` }] } : {}),
    period,
    location,
    serviceProvider: PRACTICE_REF,
  };
  if (visit.problems.length > 0) {
    encounter.reasonReference = visit.problems.map(conditionRef);
  }
  return encounter;
}
