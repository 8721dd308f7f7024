/**
 * Vital signs: how long saving a full set takes on the server (issue 6: p99 <= 100 ms), on each engine.
 * A practice with 400 patients, each with a visit today (Appointment + roomed Encounter) and a weight and
 * height from a visit 30 days ago, plus 4,000 older vital signs spread over them. Each run calls
 * `recordVitals` in-process (the function the API route calls) as an MA user (role medical-assistant,
 * linked to a Practitioner, so the access filters of a real user apply) for a different visit: BP, HR, RR,
 * temperature (°F), SpO2, height (ft+in), weight (lb), pain -> BMI; 9 Observations in one transaction.
 *
 *   npx tsx bench/vitals.ts [--engine pglite|postgres] [--quick]
 *   npm run bench   (runs it after the server benchmarks)
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { Resource } from '@medplum/fhirtypes';
import { systemPrincipal, type Principal } from '../src/auth/principal.js';
import { parseVitals } from '../src/clinic/rooming/vitals/input.js';
import { recordVitals } from '../src/clinic/rooming/vitals/record.js';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { ensurePractice } from '../src/store/practice.js';
import { planCreate } from '../src/store/repository.js';
import { applyWrites } from '../src/store/writes.js';
import { prng } from './fixtures.js';

const ADMIN_URL = process.env.MEDASSIST_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'medassist_bench_vitals';
const PATIENTS = 400;
const OLDER_VITALS = 4000;
const TARGET_MS = 100;

export interface VitalsReport {
  engine: 'pglite' | 'postgres';
  runs: number;
  observationsPerSave: number;
  p50: number;
  p99: number;
  max: number;
  seedSeconds: number;
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

const vital = (patient: number, code: string, unit: string, value: number, at: Date): Resource => ({
  resourceType: 'Observation',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
    },
  ],
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: `Patient/bench-pat-${patient}` },
  encounter: { reference: `Encounter/bench-old-${patient}` },
  effectiveDateTime: at.toISOString(),
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});

/** Site, provider, MA, patients with today's visit, last month's weight and height, older vital signs. */
async function seed(db: Database, practiceId: string, now: Date): Promise<void> {
  const ctx = {
    practiceId,
    baseUrl: 'http://bench/fhir/R4',
    principal: systemPrincipal(practiceId, 'bench'),
  };
  const rand = prng(6);
  const resources: Resource[] = [
    {
      resourceType: 'Location',
      id: 'bench-site',
      name: 'Bench clinic',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/Chicago' }],
    },
    { resourceType: 'Practitioner', id: 'bench-prov', name: [{ family: 'Provider' }] },
    { resourceType: 'Practitioner', id: 'bench-ma', name: [{ family: 'Assistant' }] },
  ];
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
  for (let i = 0; i < PATIENTS; i++) {
    resources.push({
      resourceType: 'Patient',
      id: `bench-pat-${i}`,
      name: [{ family: `Patient${i}` }],
      gender: i % 2 ? 'male' : 'female',
      birthDate: `${1940 + (i % 60)}-0${1 + (i % 9)}-15`,
    });
    resources.push({
      resourceType: 'Appointment',
      id: `bench-appt-${i}`,
      status: 'arrived',
      start: now.toISOString(),
      end: new Date(now.getTime() + 20 * 60_000).toISOString(),
      participant: [
        { actor: { reference: `Patient/bench-pat-${i}` }, status: 'accepted' },
        { actor: { reference: 'Practitioner/bench-prov' }, status: 'accepted' },
        { actor: { reference: 'Location/bench-site' }, status: 'accepted' },
      ],
    });
    resources.push({
      resourceType: 'Encounter',
      id: `bench-enc-${i}`,
      status: 'triaged',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/bench-pat-${i}` },
      appointment: [{ reference: `Appointment/bench-appt-${i}` }],
      location: [{ location: { reference: 'Location/bench-site' }, status: 'active' }],
    });
    resources.push(vital(i, '29463-7', 'kg', 68, monthAgo), vital(i, '8302-2', 'cm', 170, monthAgo));
  }
  for (let n = 0; n < OLDER_VITALS; n++) {
    const patient = Math.floor(rand() * PATIENTS);
    const at = new Date(now.getTime() - (40 + Math.floor(rand() * 700)) * 86_400_000);
    resources.push(vital(patient, n % 2 ? '8867-4' : '29463-7', n % 2 ? '/min' : 'kg', n % 2 ? 70 : 68, at));
  }
  for (let i = 0; i < resources.length; i += 1000) {
    const batch = resources.slice(i, i + 1000).map((r) => (r.id ? planCreate(r, r.id) : planCreate(r)));
    await db.transaction((tx) => applyWrites(tx, ctx, batch));
  }
  await db.query('ANALYZE');
}

/** The full set every run saves (an adult in imperial units; 150 lb against last month's 68 kg: no 409). */
const FULL_SET = parseVitals({
  bloodPressure: [{ systolic: 128, diastolic: 82, position: 'sitting', arm: 'left', cuff: 'adult' }],
  heartRate: 72,
  respiratoryRate: 16,
  temperature: { value: 98.6, unit: '[degF]', method: 'oral' },
  oxygenSaturation: { value: 98, onOxygen: false },
  height: { ft: 5, in: 7 },
  weight: { lb: 150 },
  pain: 2,
});

/** Seeds one engine and times `runs` saves, each for another visit. */
export async function vitalsBench(
  engine: 'pglite' | 'postgres',
  options: { runs?: number; log?: (line: string) => void } = {}
): Promise<VitalsReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const runs = Math.min(options.runs ?? 300, PATIENTS - 20);
  loadDefinitions();
  const db = await openEngine(engine);
  try {
    await migrate(db);
    const practiceId = `bench-vitals-${randomUUID().slice(0, 8)}`;
    await ensurePractice(db, practiceId, 'Vitals bench');
    const now = new Date();
    log(
      `  vitals [${engine}]: seeding ${PATIENTS} patients, their visits and ${OLDER_VITALS} older vital signs...`
    );
    const seedStarted = performance.now();
    await seed(db, practiceId, now);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const principal: Principal = {
      kind: 'user',
      id: 'bench-ma-user',
      name: 'bench.ma',
      practiceId,
      roles: ['medical-assistant'],
      permissions: [],
      practitionerId: 'bench-ma',
      emergencyPatients: [],
    };
    const ctx = { practiceId, baseUrl: 'http://bench/fhir/R4', principal };
    let observationsPerSave = 0;
    // Warm-up: the last 20 visits.
    for (let i = PATIENTS - 20; i < PATIENTS; i++) {
      observationsPerSave = (await recordVitals(db, ctx, `bench-enc-${i}`, FULL_SET, now)).readings.length;
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await recordVitals(db, ctx, `bench-enc-${i}`, FULL_SET, now);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const report: VitalsReport = {
      engine,
      runs,
      observationsPerSave,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: times[times.length - 1],
      seedSeconds,
    };
    log(
      `  vitals [${engine}] full set saved (${observationsPerSave} Observations): p50 ${report.p50.toFixed(1)} ms, ` +
        `p99 ${report.p99.toFixed(1)} ms, max ${report.max.toFixed(1)} ms (${runs} saves)`
    );
    return report;
  } finally {
    await db.close();
  }
}

/** Prints a report (the p99 target: 100 ms). */
export function printVitalsReport(report: VitalsReport): void {
  console.log(`\nVital signs, recordVitals [${report.engine}] (target p99 <= ${TARGET_MS} ms)`);
  console.table([
    {
      scenario: `full set (${report.observationsPerSave} Observations), ${report.runs} saves`,
      'p50 ms': Number(report.p50.toFixed(1)),
      'p99 ms': Number(report.p99.toFixed(1)),
      'max ms': Number(report.max.toFixed(1)),
      pass: report.p99 <= TARGET_MS,
    },
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { engine: { type: 'string' }, quick: { type: 'boolean', default: false } },
  });
  const engines = values.engine
    ? [values.engine as 'pglite' | 'postgres']
    : (['pglite', 'postgres'] as const);
  for (const engine of engines) {
    printVitalsReport(await vitalsBench(engine, { runs: values.quick ? 200 : 380 }));
  }
}
