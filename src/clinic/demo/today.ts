/**
 * Today's visits that have begun: every appointment the schedule marks `arrived` or `fulfilled` gets an
 * Encounter with its flow so far (visitFlow.ts), so the flow board has live rows when the demo starts. Rooms
 * are handed out so that no two patients share one at the same time, and the room Locations show who is in
 * them now (occupied) or who just left (needs cleaning).
 */
import type { Appointment, Encounter, Resource } from '@medplum/fhirtypes';
import { ROOM_STATUS, ROOM_STATUS_SYSTEM } from '../flow/status.js';
import type { ClinicClock } from './clock.js';
import type { PatientProfile } from './people.js';
import { MEDICAL_ASSISTANTS, SITES, STAFF, roomId, type SiteDef } from './practice.js';
import { Rng, streamSeed } from './random.js';
import { encounterResource, type Visit } from './visits.js';
import { planFlow, stepAt, stepsBy } from './visitFlow.js';

/** How long a room stays "needs cleaning" after its patient leaves. */
const CLEANING_MINUTES = 10;

interface RoomUse {
  room: number;
  from: number;
  to: number;
}

function freeRoom(uses: RoomUse[], site: SiteDef, from: number, to: number): number {
  for (let room = 1; room <= site.rooms; room++) {
    if (!uses.some((use) => use.room === room && use.from < to && from < use.to)) return room;
  }
  // More patients than rooms: the room that frees first.
  const busy = uses.filter((use) => use.from < to && from < use.to).sort((a, b) => a.to - b.to);
  return busy[0]?.room ?? 1;
}

export interface TodaysVisits {
  /** Encounters by patient number. */
  encounters: Map<number, Encounter[]>;
  /** Room Location ids that are occupied now, and that need cleaning now. */
  occupied: Set<string>;
  needsCleaning: Set<string>;
}

/**
 * Builds today's Encounters. An appointment marked `fulfilled` whose visit has not reached check-out by now
 * is set back to `arrived` (the patient is still here).
 */
export function todaysVisits(
  seed: number,
  clock: ClinicClock,
  profiles: readonly PatientProfile[],
  appointments: Map<number, Appointment[]>
): TodaysVisits {
  const midnight = clock.instantMs(clock.today, 0);
  const begun: { profile: PatientProfile; appointment: Appointment; start: number }[] = [];
  for (const profile of profiles) {
    for (const appointment of appointments.get(profile.number) ?? []) {
      if (appointment.status !== 'arrived' && appointment.status !== 'fulfilled') continue;
      const start = Math.round((Date.parse(appointment.start ?? '') - midnight) / 60_000);
      begun.push({ profile, appointment, start });
    }
  }
  begun.sort((a, b) => a.start - b.start || (a.appointment.id ?? '').localeCompare(b.appointment.id ?? ''));

  const result: TodaysVisits = { encounters: new Map(), occupied: new Set(), needsCleaning: new Set() };
  const uses = new Map<string, RoomUse[]>();
  const weekday = clock.weekday(clock.today);
  for (const { profile, appointment, start } of begun) {
    const rng = new Rng(streamSeed(seed, 'flow-today', appointment.id ?? ''));
    const staffId = appointment.participant[1]?.actor?.reference?.split('/')[1];
    const siteId = appointment.participant[2]?.actor?.reference?.split('/')[1];
    const provider = STAFF.find((staff) => staff.id === staffId);
    const site = SITES.find((candidate) => candidate.id === siteId);
    if (!provider || !site) continue;
    const mas = MEDICAL_ASSISTANTS.filter((staff) => staff.week[weekday - 1] === site.key);
    const ma = provider.role === 'provider' ? (mas.length > 0 ? rng.pick(mas) : provider) : provider;
    const code = appointment.appointmentType?.coding?.[0]?.code;
    const virtual = code === 'telehealth';
    const minutes = appointment.minutesDuration ?? 20;
    const plan = planFlow(rng, start, minutes, { site, weekday, provider, ma }, 'seen', virtual);
    const steps = stepsBy(plan, clock.nowMinutes);
    if (steps.length === 0) continue;
    appointment.status = stepAt(steps, 'checked-out') === undefined ? 'arrived' : 'fulfilled';

    let room = 1;
    const roomed = stepAt(steps, 'roomed');
    if (roomed !== undefined) {
      const left = stepAt(steps, 'checked-out');
      const siteUses = uses.get(site.id) ?? [];
      room = freeRoom(siteUses, site, roomed, (left ?? Infinity) + CLEANING_MINUTES);
      siteUses.push({ room, from: roomed, to: (left ?? Infinity) + CLEANING_MINUTES });
      uses.set(site.id, siteUses);
      if (left === undefined) result.occupied.add(roomId(site, room));
      else if (clock.nowMinutes < left + CLEANING_MINUTES) result.needsCleaning.add(roomId(site, room));
    }
    const visit: Visit = {
      id: (appointment.id ?? '').replace('demo-appt-', 'demo-enc-').replace(/-(\d+)$/, '-a$1'),
      day: clock.today,
      start,
      minutes,
      kind: code === 'new-patient' ? 'check-up' : 'follow-up',
      problems: [],
      site,
      room,
      provider,
      ma,
    };
    const encounter = encounterResource(visit, profile, clock, {
      steps,
      appointmentId: appointment.id,
      virtual,
    });
    const list = result.encounters.get(profile.number) ?? [];
    list.push(encounter);
    result.encounters.set(profile.number, list);
  }
  for (const id of result.occupied) result.needsCleaning.delete(id);
  return result;
}

/** The practice's room Locations with today's room states. */
export function withRoomStates(resources: Resource[], today: TodaysVisits): Resource[] {
  return resources.map((resource) => {
    if (resource.resourceType !== 'Location') return resource;
    const state = today.occupied.has(resource.id ?? '')
      ? ROOM_STATUS.occupied
      : today.needsCleaning.has(resource.id ?? '')
        ? ROOM_STATUS.needsCleaning
        : undefined;
    return state ? { ...resource, operationalStatus: { system: ROOM_STATUS_SYSTEM, ...state } } : resource;
  });
}
