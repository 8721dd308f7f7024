import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { authHeader } from './auth.js';
import { patientWithVitals, prng, VITALS_PER_PATIENT } from './fixtures.js';

export interface SeedResult {
  patients: number;
  observations: number;
  bundles: number;
  entriesPerBundle: number;
  seconds: number;
  resourcesPerSecond: number;
  /** Server-assigned ids of every seeded patient (the read and search scenarios rotate over them). */
  patientIds: string[];
}

/** POSTs a transaction Bundle; throws with the server's answer when it is not 200. */
export async function postTransaction(fhirBase: string, entries: BundleEntry[]): Promise<Bundle> {
  // POST to `${fhirBase}/`: the server does not route POST /fhir/R4 without the slash (reported).
  const res = await fetch(`${fhirBase}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', ...authHeader() },
    body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries }),
  });
  const text = await res.text();
  if (res.status !== 200) {
    throw new Error(
      `transaction of ${entries.length} entries answered ${res.status}: ${text.slice(0, 2000)}`
    );
  }
  return JSON.parse(text) as Bundle;
}

const PATIENT_LOCATION = /\/Patient\/([^/]+)\/_history\//;

/**
 * Seeds `patients` patients with VITALS_PER_PATIENT vital signs each, in transaction Bundles of about
 * `entriesPerBundle` entries posted one after another. Doubles as a bulk-ingest measurement.
 */
export async function seed(
  fhirBase: string,
  patients: number,
  entriesPerBundle = 495,
  progress: (done: number) => void = () => undefined
): Promise<SeedResult> {
  const rand = prng(20240601);
  const perBundle = Math.max(1, Math.floor(entriesPerBundle / (1 + VITALS_PER_PATIENT)));
  const patientIds: string[] = [];
  let bundles = 0;
  let resources = 0;
  const started = performance.now();
  for (let first = 0; first < patients; first += perBundle) {
    const entries: BundleEntry[] = [];
    for (let i = first; i < Math.min(patients, first + perBundle); i++) {
      entries.push(...patientWithVitals(rand, i, VITALS_PER_PATIENT));
    }
    const response = await postTransaction(fhirBase, entries);
    for (const entry of response.entry ?? []) {
      const m = PATIENT_LOCATION.exec(entry.response?.location ?? '');
      if (m) {
        patientIds.push(m[1]);
      }
    }
    bundles++;
    resources += entries.length;
    progress(patientIds.length);
  }
  const seconds = (performance.now() - started) / 1000;
  if (patientIds.length !== patients) {
    throw new Error(`seeding created ${patientIds.length} patients, expected ${patients}`);
  }
  return {
    patients,
    observations: patients * VITALS_PER_PATIENT,
    bundles,
    entriesPerBundle: perBundle * (1 + VITALS_PER_PATIENT),
    seconds,
    resourcesPerSecond: resources / seconds,
    patientIds,
  };
}
