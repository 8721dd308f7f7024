import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleEntry } from '@medplum/fhirtypes';
import pg from 'pg';
import { createEntry, LOINC, patient, vital } from './fixtures.js';
import { cpuSnapshot, othersCpuPercent } from './machineLoad.js';
import { postTransaction } from './seed.js';
import { POSTGRES_ADMIN_URL } from './server.js';

const SNOMED = 'http://snomed.info/sct';

const ENCOUNTER_TYPES = [
  ['185345009', 'Encounter for symptom'],
  ['162673000', 'General examination of patient'],
  ['410620009', 'Well child visit'],
  ['185349003', 'Encounter for check up'],
] as const;
const CONDITIONS = [
  ['44054006', 'Diabetes mellitus type 2'],
  ['38341003', 'Hypertensive disorder'],
  ['195662009', 'Acute viral pharyngitis'],
  ['10509002', 'Acute bronchitis'],
  ['15777000', 'Prediabetes'],
  ['40055000', 'Chronic sinusitis'],
] as const;
const LABS = [
  ['2339-0', 'Glucose [Mass/volume] in Blood', 'mg/dL', 70, 60],
  ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 4.5, 3],
  ['2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 150, 100],
  ['718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 11, 6],
] as const;

/**
 * One Synthea-like patient record as a transaction Bundle: a Patient, 6-12 Encounters, each with vital
 * signs, sometimes labs and a Condition, all linked by urn:uuid fullUrls (as Synthea writes them).
 */
export function syntheaLikeBundle(rand: () => number, index: number): BundleEntry[] {
  const patientRef = `urn:uuid:${randomUUID()}`;
  const entries = [createEntry(patient(rand, index * 50 + 3), patientRef)];
  const encounters = 6 + Math.floor(rand() * 7);
  for (let e = 0; e < encounters; e++) {
    const start = new Date(Date.UTC(2015, 0, 1) + Math.floor(rand() * 9 * 365 * 86_400_000));
    const end = new Date(start.getTime() + 30 * 60_000);
    const [typeCode, typeText] = ENCOUNTER_TYPES[Math.floor(rand() * ENCOUNTER_TYPES.length)];
    const encounterRef = `urn:uuid:${randomUUID()}`;
    entries.push(
      createEntry(
        {
          resourceType: 'Encounter',
          status: 'finished',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
          type: [{ coding: [{ system: SNOMED, code: typeCode, display: typeText }], text: typeText }],
          subject: { reference: patientRef },
          period: { start: start.toISOString(), end: end.toISOString() },
        },
        encounterRef
      )
    );
    for (let k = 0; k < 6; k++) {
      entries.push(createEntry(vital(rand, Math.floor(rand() * 10), patientRef, encounterRef)));
    }
    if (rand() < 0.5) {
      for (const [code, display, unit, base, spread] of LABS) {
        entries.push(
          createEntry({
            resourceType: 'Observation',
            status: 'final',
            category: [
              {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                    code: 'laboratory',
                  },
                ],
              },
            ],
            code: { coding: [{ system: LOINC, code, display }], text: display },
            subject: { reference: patientRef },
            encounter: { reference: encounterRef },
            effectiveDateTime: start.toISOString(),
            valueQuantity: {
              value: Math.round((base + rand() * spread) * 10) / 10,
              unit,
              system: 'http://unitsofmeasure.org',
              code: unit,
            },
          })
        );
      }
    }
    if (rand() < 0.4) {
      const [code, display] = CONDITIONS[Math.floor(rand() * CONDITIONS.length)];
      entries.push(
        createEntry({
          resourceType: 'Condition',
          clinicalStatus: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
          },
          verificationStatus: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' },
            ],
          },
          category: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/condition-category',
                  code: 'encounter-diagnosis',
                },
              ],
            },
          ],
          code: { coding: [{ system: SNOMED, code, display }], text: display },
          subject: { reference: patientRef },
          encounter: { reference: encounterRef },
          onsetDateTime: start.toISOString(),
          recordedDate: start.toISOString(),
        })
      );
    }
  }
  return entries;
}

export interface IngestRun {
  posters: number;
  bundles: number;
  resources: number;
  seconds: number;
  resourcesPerSecond: number;
  /** Median and slowest bundle round trip, ms. */
  bundleP50Ms: number;
  bundleMaxMs: number;
  /** Share of the machine (0-100) other processes used meanwhile. */
  othersCpu: number | null;
}

/** Posts `bundles` one after another on each of `posters` concurrent posters; resources/s over the wall time. */
export async function postBundles(
  fhirBase: string,
  bundles: BundleEntry[][],
  posters: number,
  serverPid: number
): Promise<IngestRun> {
  let next = 0;
  const cpuBefore = cpuSnapshot([process.pid, serverPid]);
  const times: number[] = [];
  const started = performance.now();
  const poster = async (): Promise<void> => {
    while (next < bundles.length) {
      const bundle = bundles[next++];
      const t0 = performance.now();
      await postTransaction(fhirBase, bundle);
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: posters }, poster));
  const seconds = (performance.now() - started) / 1000;
  const resources = bundles.reduce((n, b) => n + b.length, 0);
  times.sort((a, b) => a - b);
  return {
    posters,
    bundles: bundles.length,
    resources,
    seconds,
    resourcesPerSecond: resources / seconds,
    bundleP50Ms: times[Math.floor(times.length / 2)],
    bundleMaxMs: times[times.length - 1],
    othersCpu: othersCpuPercent(cpuBefore, cpuSnapshot([process.pid, serverPid])),
  };
}

export interface CopyFloor {
  rows: number;
  bytes: number;
  /** Each attempt's COPY time as psql's \timing reports it, ms. */
  attemptsMs: number[];
  rowsPerSecond: number;
  postgresVersion: string;
}

const FLOOR_DB = 'medassist_bench_floor';

/**
 * The floor no FHIR store can beat: the same resources' JSON loaded with COPY (psql's \copy) into a bare
 * `copy_floor (id text, content jsonb)` table in a database of its own. Three attempts; the median counts.
 */
export async function copyFloor(bundles: BundleEntry[][]): Promise<CopyFloor> {
  const lines: string[] = [];
  for (const bundle of bundles) {
    for (const entry of bundle) {
      // COPY text format: tab-separated, backslash escapes. JSON.stringify never writes a raw tab or newline,
      // so doubling backslashes is all the escaping needed.
      lines.push(
        `${(entry.fullUrl ?? randomUUID()).replace('urn:uuid:', '')}\t${JSON.stringify(entry.resource).replace(/\\/g, '\\\\')}`
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'medassist-floor-'));
  const file = join(dir, 'rows.tsv');
  const text = lines.join('\n') + '\n';
  writeFileSync(file, text);
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  let postgresVersion: string;
  try {
    postgresVersion = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v"))
      .rows[0].v;
    await admin.query(`DROP DATABASE IF EXISTS ${FLOOR_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${FLOOR_DB}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${FLOOR_DB}`;
  const attemptsMs: number[] = [];
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const out = execFileSync(
        'psql',
        [
          url.toString(),
          '-X',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          'SET client_min_messages = warning; DROP TABLE IF EXISTS copy_floor; CREATE TABLE copy_floor (id text, content jsonb)',
          '-c',
          '\\timing on',
          '-c',
          `\\copy copy_floor (id, content) FROM '${file.replace(/'/g, "''")}'`,
        ],
        { encoding: 'utf8' }
      );
      const copied = /COPY (\d+)/.exec(out);
      const time = /Time: ([\d.]+) ms/.exec(out);
      if (!copied || Number(copied[1]) !== lines.length || !time) {
        throw new Error(`unexpected psql output: ${out}`);
      }
      attemptsMs.push(Number(time[1]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${FLOOR_DB} WITH (FORCE)`);
    await cleanup.end();
  }
  const median = [...attemptsMs].sort((a, b) => a - b)[1];
  return {
    rows: lines.length,
    bytes: Buffer.byteLength(text),
    attemptsMs,
    rowsPerSecond: lines.length / (median / 1000),
    postgresVersion,
  };
}
