/**
 * Scheduling: how fast `findSlots` answers (issue 5: 20 providers over 90 days, p99 <= 50 ms), on each engine.
 * A practice with 20 providers (10 per site, Mon-Fri 08-12 and 13-17, America/Chicago) and 90 days of their
 * calendars 60% booked with follow-ups and a weekly meeting block each; one provider is fully booked for the
 * first 80 days, so a search for them walks every window of days. Each scenario runs `findSlots` in-process
 * (the function the API route calls) and reports p50 / p99 / max.
 *
 *   npx tsx bench/scheduling.ts [--engine pglite|postgres] [--quick]
 *   npm run bench   (runs it after the server benchmarks)
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Appointment, Resource } from '@medplum/fhirtypes';
import { systemPrincipal } from '../src/auth/principal.js';
import { AVAILABILITY_URL } from '../src/clinic/scheduling/availability.js';
import { findSlots, type FindQuery } from '../src/clinic/scheduling/find.js';
import { dateOf, weekdayOf, Zone } from '../src/clinic/scheduling/time.js';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { ensurePractice } from '../src/store/practice.js';
import { planCreate } from '../src/store/repository.js';
import { applyWrites } from '../src/store/writes.js';
import { prng } from './fixtures.js';

const ADMIN_URL = process.env.MEDASSIST_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'medassist_bench_scheduling';
const PROVIDERS = 20;
const DAYS = 90;
const FILL = 0.6;
const ZONE = 'America/Chicago';

export interface SchedulingScenario {
  name: string;
  runs: number;
  p50: number;
  p99: number;
  max: number;
  slots: number;
}

export interface SchedulingReport {
  engine: 'pglite' | 'postgres';
  appointments: number;
  seedSeconds: number;
  scenarios: SchedulingScenario[];
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function openEngine(engine: 'pglite' | 'postgres'): Promise<Database> {
  if (engine === 'pglite') {
    return openDatabase({ engine: 'pglite', dir: null });
  }
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  return openDatabase({ engine: 'postgres', url: url.toString() });
}

/** The bench clinic: sites, providers, schedules with availability, and 90 days of appointments and blocks. */
async function seedClinic(db: Database, practiceId: string, firstDay: number): Promise<number> {
  const ctx = {
    practiceId,
    baseUrl: 'http://bench/fhir/R4',
    principal: systemPrincipal(practiceId, 'bench'),
  };
  const zone = Zone.of(ZONE);
  const rand = prng(20260);
  const resources: Resource[] = [];
  for (const site of ['north', 'south']) {
    resources.push({
      resourceType: 'Location',
      id: `bench-site-${site}`,
      name: `Bench ${site} clinic`,
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: ZONE }],
    });
  }
  const rule = (start: string, end: string) => ({
    url: AVAILABILITY_URL,
    extension: [
      { url: 'rrule', valueString: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
      { url: 'start', valueTime: start },
      { url: 'end', valueTime: end },
    ],
  });
  for (let p = 0; p < PROVIDERS; p++) {
    const site = p % 2 === 0 ? 'north' : 'south';
    resources.push({
      resourceType: 'Practitioner',
      id: `bench-prov-${p}`,
      name: [{ family: `Provider${p}` }],
    });
    resources.push({
      resourceType: 'Schedule',
      id: `bench-sched-${p}`,
      extension: [rule('08:00:00', '12:00:00'), rule('13:00:00', '17:00:00')],
      active: true,
      actor: [
        { reference: `Practitioner/bench-prov-${p}`, display: `Provider ${p}` },
        { reference: `Location/bench-site-${site}` },
      ],
    });
  }
  for (let i = 0; i < 500; i++) {
    resources.push({ resourceType: 'Patient', id: `bench-pat-${i}`, name: [{ family: `Patient${i}` }] });
  }
  let appointments = 0;
  for (let p = 0; p < PROVIDERS; p++) {
    const site = p % 2 === 0 ? 'north' : 'south';
    for (let day = firstDay; day < firstDay + DAYS; day++) {
      const weekday = weekdayOf(day);
      if (weekday === 0 || weekday === 6) continue;
      if (weekday === 3) {
        resources.push({
          resourceType: 'Slot',
          schedule: { reference: `Schedule/bench-sched-${p}` },
          status: 'busy-unavailable',
          start: new Date(zone.instant(day, 16 * 60)).toISOString(),
          end: new Date(zone.instant(day, 17 * 60)).toISOString(),
          comment: 'meeting',
        });
      }
      const fullyBooked = p === 0 && day < firstDay + 80;
      for (const [open, close] of [
        [8 * 60, 12 * 60],
        [13 * 60, 17 * 60],
      ]) {
        for (let minute = open; minute + 20 <= close; minute += 20) {
          if (!fullyBooked && rand() > FILL) continue;
          if (weekday === 3 && minute >= 16 * 60) continue;
          const appointment: Appointment = {
            resourceType: 'Appointment',
            status: 'booked',
            appointmentType: { coding: [{ system: 'urn:medassist:visit-type', code: 'follow-up' }] },
            start: new Date(zone.instant(day, minute)).toISOString(),
            end: new Date(zone.instant(day, minute + 20)).toISOString(),
            minutesDuration: 20,
            participant: [
              { actor: { reference: `Patient/bench-pat-${Math.floor(rand() * 500)}` }, status: 'accepted' },
              { actor: { reference: `Practitioner/bench-prov-${p}` }, status: 'accepted' },
              { actor: { reference: `Location/bench-site-${site}` }, status: 'accepted' },
            ],
          };
          resources.push(appointment);
          appointments++;
        }
      }
    }
  }
  for (let i = 0; i < resources.length; i += 1000) {
    const batch = resources.slice(i, i + 1000).map((r) => (r.id ? planCreate(r, r.id) : planCreate(r)));
    await db.transaction((tx) => applyWrites(tx, ctx, batch));
  }
  await db.query('ANALYZE');
  return appointments;
}

/** Seeds one engine and times the scenarios. */
export async function schedulingBench(
  engine: 'pglite' | 'postgres',
  options: { runs?: number; log?: (line: string) => void } = {}
): Promise<SchedulingReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const runs = options.runs ?? 200;
  loadDefinitions();
  const db = await openEngine(engine);
  try {
    await migrate(db);
    const practiceId = `bench-sched-${randomUUID().slice(0, 8)}`;
    await ensurePractice(db, practiceId, 'Scheduling bench');
    const now = new Date();
    // Tomorrow, local: the 90 days start there, so every slot is in the future.
    const firstDay = Zone.of(ZONE).local(now.getTime()).day + 1;
    log(`  scheduling [${engine}]: seeding ${PROVIDERS} providers x ${DAYS} days...`);
    const seedStarted = performance.now();
    const appointments = await seedClinic(db, practiceId, firstDay);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`  scheduling [${engine}]: ${appointments} appointments in ${seedSeconds.toFixed(1)} s`);
    const user = {
      practiceId,
      baseUrl: 'http://bench/fhir/R4',
      principal: systemPrincipal(practiceId, 'bench'),
    };
    const all = Array.from({ length: PROVIDERS }, (_, p) => `bench-prov-${p}`);
    const range = { from: dateOf(firstDay), to: dateOf(firstDay + DAYS - 1) };
    const scenarios: [string, FindQuery][] = [
      [
        '20 providers, 90 days, next 20 follow-ups',
        { visitType: 'follow-up', practitioners: all, ...range, limit: 20 },
      ],
      [
        '20 providers, 90 days, 200 afternoon follow-ups',
        { visitType: 'follow-up', practitioners: all, ...range, timeOfDay: 'afternoon', limit: 200 },
      ],
      [
        'one provider, 90 days, next 20 new-patient',
        { visitType: 'new-patient', practitioners: ['bench-prov-7'], ...range, limit: 20 },
      ],
      [
        'fully booked provider: the whole 90 days searched',
        { visitType: 'follow-up', practitioners: ['bench-prov-0'], ...range, limit: 20 },
      ],
    ];
    const results: SchedulingScenario[] = [];
    for (const [name, query] of scenarios) {
      let slots = 0;
      for (let i = 0; i < 20; i++) slots = (await findSlots(db, user, query, now)).length;
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await findSlots(db, user, query, now);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const result = {
        name,
        runs,
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        max: times[times.length - 1],
        slots,
      };
      results.push(result);
      log(
        `  scheduling [${engine}] ${name}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms (${slots} slots, ${runs} runs)`
      );
    }
    return { engine, appointments, seedSeconds, scenarios: results };
  } finally {
    await db.close();
  }
}

/** Prints the table of a report (the p99 target: 50 ms). */
export function printSchedulingReport(report: SchedulingReport): void {
  console.log(
    `\nScheduling, findSlots [${report.engine}] (${report.appointments} appointments; target p99 <= 50 ms)`
  );
  console.table(
    report.scenarios.map((s) => ({
      scenario: s.name,
      'p50 ms': Number(s.p50.toFixed(1)),
      'p99 ms': Number(s.p99.toFixed(1)),
      'max ms': Number(s.max.toFixed(1)),
      slots: s.slots,
      pass: s.p99 <= 50,
    }))
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { engine: { type: 'string' }, quick: { type: 'boolean', default: false } },
  });
  const engines = values.engine
    ? [values.engine as 'pglite' | 'postgres']
    : (['pglite', 'postgres'] as const);
  for (const engine of engines) {
    printSchedulingReport(await schedulingBench(engine, { runs: values.quick ? 50 : 200 }));
  }
}
