/**
 * A deterministic synthetic demo clinic as FHIR R4 transaction Bundles: "Riverbend Family Medicine", two sites, four
 * providers, six staff, and a panel of invented patients with years of history and two weeks of appointments.
 *
 * Every entry is a PUT to `Type/id` with a fixed id, so posting the bundles twice leaves the same data.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { ClinicClock } from './clock.js';
import { patientChart } from './history.js';
import { patientKey, patientProfile, RESTRICTED_PATIENT_NUMBER } from './people.js';
import { practiceResources } from './practice.js';
import { planAppointments } from './schedule.js';
import { todaysVisits, withRoomStates } from './today.js';

export interface DemoOptions {
  /** "Now": the day the schedule starts and the instant that splits today's done and upcoming appointments. */
  today: Date;
  /** Number of patients; default 500. */
  patients?: number;
  /** Seed of the random streams; default 1. */
  seed?: number;
  /** IANA time zone of the clinic; default 'America/Chicago'. */
  timeZone?: string;
}

export const DEMO_DEFAULTS = { patients: 500, seed: 1, timeZone: 'America/Chicago' } as const;

/**
 * The demo patient whose chart is restricted (v3-Confidentiality R): a staff member who is also a patient.
 * Users see it only through emergency access. Present when at least 32 patients are loaded.
 */
export const RESTRICTED_DEMO_PATIENT = `demo-pat-${patientKey(RESTRICTED_PATIENT_NUMBER)}`;

/**
 * Returns transaction Bundles to post in order: first the practice (Organizations, Locations, Practitioners,
 * PractitionerRoles, Schedules), then one Bundle per patient with their history and appointments.
 * Same options, same output, byte for byte.
 */
export function generateDemoClinic(options: DemoOptions): Bundle[] {
  const patients = options.patients ?? DEMO_DEFAULTS.patients;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  if (!Number.isInteger(patients) || patients < 0 || patients > 9999) {
    throw new RangeError(`Demo clinic: patients must be an integer from 0 to 9999, got ${patients}`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`Demo clinic: seed must be an integer, got ${seed}`);
  }
  const clock = new ClinicClock(options.today, options.timeZone ?? DEMO_DEFAULTS.timeZone);
  const profiles = Array.from({ length: patients }, (_, index) => patientProfile(seed, index + 1, clock));
  const appointments = planAppointments(seed, clock, profiles);
  const today = todaysVisits(seed, clock, profiles, appointments);
  return [
    transaction(withRoomStates(practiceResources(clock), today)),
    ...profiles.map((profile) =>
      transaction([
        ...patientChart(profile, clock),
        ...(appointments.get(profile.number) ?? []),
        ...(today.encounters.get(profile.number) ?? []),
      ])
    ),
  ];
}

function transaction(resources: readonly Resource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource): BundleEntry => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
    })),
  };
}
