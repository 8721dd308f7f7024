import type { Appointment, Encounter, Extension, Location, Observation, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAST_APPOINTMENT_DAYS } from '../../../src/clinic/demo/history.js';
import { generateDemoClinic, RESTRICTED_DEMO_PATIENT } from '../../../src/clinic/demo/index.js';
import {
  FLOW_HISTORY_URL,
  FLOW_STATUS_URL,
  FLOW_TO_ENCOUNTER_STATUS,
} from '../../../src/clinic/flow/status.js';

// Tuesday 10 March 2026, 14:30 in Chicago (CDT, UTC-5): the afternoon clinic is under way.
const NOW = new Date('2026-03-10T19:30:00Z');
const MINUTE = 60_000;

/** The order a seen visit goes through (status.ts); a telehealth visit skips the two room steps. */
const SEEN = [
  'arrived',
  'waiting',
  'roomed',
  'ready-for-provider',
  'with-provider',
  'ready-for-checkout',
  'checked-out',
];
const VIRTUAL = ['arrived', 'waiting', 'with-provider', 'ready-for-checkout', 'checked-out'];
const LEFT = ['arrived', 'waiting', 'left-without-being-seen'];

interface Entry {
  status: string;
  start: number;
  by: string;
}

function history(encounter: Encounter): Entry[] {
  return (encounter.extension ?? [])
    .filter((ext) => ext.url === FLOW_HISTORY_URL)
    .map((ext) => {
      const sub = (url: string): Extension | undefined => ext.extension?.find((e) => e.url === url);
      return {
        status: sub('status')?.valueCode ?? '',
        start: Date.parse(sub('start')?.valueDateTime ?? ''),
        by: sub('by')?.valueReference?.reference ?? '',
      };
    });
}

const current = (encounter: Encounter): string | undefined =>
  encounter.extension?.find((ext) => ext.url === FLOW_STATUS_URL)?.valueCode;

const at = (h: Entry[], status: string): number | undefined => h.find((e) => e.status === status)?.start;

describe('demo flow history', () => {
  let resources: Resource[];
  let encounters: Encounter[];
  let appointments: Map<string, Appointment>;

  beforeAll(() => {
    resources = generateDemoClinic({ today: NOW, patients: 200 }).flatMap((bundle) =>
      (bundle.entry ?? []).map((entry) => entry.resource as Resource)
    );
    encounters = resources.filter((r): r is Encounter => r.resourceType === 'Encounter');
    appointments = new Map(
      resources.filter((r): r is Appointment => r.resourceType === 'Appointment').map((a) => [a.id ?? '', a])
    );
  });

  it('gives every visit a current flow status and a history in the order of the flow model', () => {
    expect(encounters.length).toBeGreaterThan(500);
    for (const encounter of encounters) {
      const h = history(encounter);
      expect(h.length, encounter.id).toBeGreaterThanOrEqual(2);
      const statuses = h.map((e) => e.status);
      const order = statuses.includes('left-without-being-seen')
        ? LEFT
        : statuses.includes('roomed') || encounter.class.code === 'AMB'
          ? SEEN
          : VIRTUAL;
      // The history is a prefix of its path (today's visits are part-way through).
      expect(statuses, encounter.id).toEqual(order.slice(0, statuses.length));
      expect(current(encounter)).toBe(statuses[statuses.length - 1]);
      expect(encounter.status).toBe(
        FLOW_TO_ENCOUNTER_STATUS[current(encounter) as keyof typeof FLOW_TO_ENCOUNTER_STATUS]
      );
      for (let i = 1; i < h.length; i++) expect(h[i].start, encounter.id).toBeGreaterThan(h[i - 1].start);
      expect(h[h.length - 1].start).toBeLessThanOrEqual(NOW.getTime());
      expect(Date.parse(encounter.period?.start ?? '')).toBe(h[0].start);
      for (const e of h) expect(e.by).toMatch(/^Practitioner\/demo-prac-\d\d$/);
    }
  });

  it('keeps waits plausible: arrival 3-20 min early or up to 10 late, 3-25 min in the waiting room', () => {
    let withAppointment = 0;
    for (const encounter of encounters) {
      const h = history(encounter);
      const waiting = at(h, 'waiting');
      const roomedOrSeen = at(h, 'roomed') ?? at(h, 'with-provider');
      if (waiting !== undefined && roomedOrSeen !== undefined) {
        expect((roomedOrSeen - waiting) / MINUTE).toBeGreaterThanOrEqual(3);
        expect((roomedOrSeen - waiting) / MINUTE).toBeLessThanOrEqual(25);
      }
      const ref = encounter.appointment?.[0]?.reference?.split('/')[1];
      if (!ref) continue;
      withAppointment++;
      const appointment = appointments.get(ref);
      expect(appointment, ref).toBeDefined();
      expect(appointment?.participant[0].actor?.reference).toBe(encounter.subject?.reference);
      const early = (Date.parse(appointment?.start ?? '') - h[0].start) / MINUTE;
      expect(early).toBeGreaterThanOrEqual(-10);
      expect(early).toBeLessThanOrEqual(20);
    }
    expect(withAppointment).toBeGreaterThan(50);
  });

  it('keeps an Appointment for the visits of the last quarter, and no-shows without an Encounter', () => {
    const seenAppointments = new Set(
      encounters.flatMap((e) => (e.appointment ?? []).map((ref) => ref.reference?.split('/')[1]))
    );
    const since = NOW.getTime() - (PAST_APPOINTMENT_DAYS + 1) * 86_400_000;
    for (const encounter of encounters) {
      const start = Date.parse(encounter.period?.start ?? '');
      if (start >= since + 86_400_000) expect(encounter.appointment, encounter.id).toBeDefined();
      if (start < since) expect(encounter.appointment, encounter.id).toBeUndefined();
    }
    const noShows = [...appointments.values()].filter((a) => a.status === 'noshow');
    expect(noShows.length).toBeGreaterThan(0);
    for (const appointment of noShows) {
      expect(seenAppointments.has(appointment.id)).toBe(false);
      expect(Date.parse(appointment.start ?? '')).toBeLessThan(NOW.getTime());
    }
    const left = encounters.filter((e) => current(e) === 'left-without-being-seen');
    expect(left.length).toBeGreaterThan(0);
    for (const encounter of left) {
      expect(encounter.status).toBe('cancelled');
      expect(encounter.participant ?? []).toEqual([]);
    }
  });

  it("gives today's begun appointments an Encounter, live ones in rooms no two patients share", () => {
    const today = [...appointments.values()].filter(
      (a) =>
        (a.status === 'arrived' || a.status === 'fulfilled') &&
        a.start?.slice(0, 10) === NOW.toISOString().slice(0, 10)
    );
    expect(today.length).toBeGreaterThan(10);
    const byAppointment = new Map(
      encounters.map((e) => [e.appointment?.[0]?.reference?.split('/')[1] ?? '', e])
    );
    const roomOf = (e: Encounter): string | undefined =>
      e.location?.find((l) => l.physicalType?.coding?.[0]?.code === 'ro')?.location.reference;
    const live: Encounter[] = [];
    for (const appointment of today) {
      const encounter = byAppointment.get(appointment.id ?? '');
      expect(encounter, appointment.id).toBeDefined();
      if (!encounter) continue;
      // A fulfilled appointment is a checked-out visit; an arrived one is still in the clinic.
      expect(current(encounter) === 'checked-out').toBe(appointment.status === 'fulfilled');
      if (appointment.status === 'arrived' && roomOf(encounter)) live.push(encounter);
    }
    expect(live.length).toBeGreaterThan(0);
    const rooms = live.map(roomOf);
    expect(new Set(rooms).size).toBe(rooms.length);
    const occupied = resources
      .filter((r): r is Location => r.resourceType === 'Location' && r.operationalStatus?.code === 'O')
      .map((r) => `Location/${r.id}`);
    expect(occupied.sort()).toEqual(rooms.sort());
  });

  it('takes vital signs after rooming, and keeps the restricted patient consistent', () => {
    const byEncounter = new Map<string, Observation[]>();
    for (const r of resources) {
      if (r.resourceType !== 'Observation') continue;
      const key = r.encounter?.reference ?? '';
      byEncounter.set(key, [...(byEncounter.get(key) ?? []), r]);
    }
    for (const encounter of encounters) {
      const roomed = at(history(encounter), 'roomed');
      for (const obs of byEncounter.get(`Encounter/${encounter.id}`) ?? []) {
        expect(Date.parse(obs.effectiveDateTime ?? '')).toBeGreaterThan(roomed ?? Infinity);
      }
    }
    const restricted = `Patient/${RESTRICTED_DEMO_PATIENT}`;
    const theirs = encounters.filter((e) => e.subject?.reference === restricted);
    expect(theirs.length).toBeGreaterThan(0);
    for (const encounter of theirs) {
      for (const ref of encounter.appointment ?? []) {
        expect(appointments.get(ref.reference?.split('/')[1] ?? '')?.participant[0].actor?.reference).toBe(
          restricted
        );
      }
    }
  });
});
