import { randomUUID } from 'node:crypto';
import type { BundleEntry, Resource } from '@medplum/fhirtypes';

/** The family name shared by ~2% of the bench's patients (the `Patient?name=` scenario searches it). */
export const SHARED_FAMILY = 'Benchsmith';
/** One patient in SHARED_EVERY carries the shared family name. */
const SHARED_EVERY = 50;

export const LOINC = 'http://loinc.org';
export const BP_PANEL = '85354-9';
const UCUM = 'http://unitsofmeasure.org';

const FAMILIES = (
  'Alvarez Baker Chen Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Larsen Moreau Nakamura Okafor ' +
  'Petrov Quinn Rossi Silva Tanaka Ueda Vasquez Weber Xu Yilmaz Zhang Abbott Brennan Castillo Delgado Evans ' +
  'Foster Gallagher Hughes Ibrahim Jovanovic Keller Lindqvist Mendez Novak Oyelaran Park Ramirez Schmidt Torres ' +
  'Underwood Varga Walsh Young Zimmerman Acosta Bjork Coleman Dominguez Ellison Fontaine Gutierrez Holm Iversen ' +
  'Jaramillo Kim Lopez Marsh Nguyen Olsen Patel Reyes Santos Thompson Uribe Vogel Wright Yamamoto Zeller'
).split(' ');
const GIVEN_F =
  'Ana Beatriz Chloe Dana Elena Fatima Grace Hana Iris Julia Keiko Lena Maya Nora Olga Priya Rosa Sofia Tara Zoe'.split(
    ' '
  );
const GIVEN_M =
  'Aaron Bruno Carlos David Emil Felix Gabriel Hugo Ivan Jonas Kenji Luis Marco Nils Omar Pedro Rafael Samuel Tomas Yusuf'.split(
    ' '
  );

/** A small deterministic PRNG (mulberry32), so every run seeds the same shape of data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** A synthetic patient; index decides whether it carries the shared family name. */
export function patient(rand: () => number, index: number): Resource {
  const female = rand() < 0.5;
  const family = index % SHARED_EVERY === 7 ? SHARED_FAMILY : pick(rand, FAMILIES);
  const year = 1940 + Math.floor(rand() * 80);
  const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
  return {
    resourceType: 'Patient',
    identifier: [
      {
        system: 'urn:medassist:bench:mrn',
        value: `MRN${String(index).padStart(7, '0')}-${Math.floor(rand() * 1e6)}`,
      },
    ],
    active: true,
    name: [{ use: 'official', family, given: [pick(rand, female ? GIVEN_F : GIVEN_M)] }],
    gender: female ? 'female' : 'male',
    birthDate: `${year}-${month}-${day}`,
    telecom: [
      { system: 'phone', value: `555-${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`, use: 'home' },
    ],
    address: [
      {
        line: [`${1 + Math.floor(rand() * 999)} Main St`],
        city: 'Riverbend',
        state: 'OR',
        postalCode: '97000',
      },
    ],
  };
}

const VITAL_CATEGORY = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
        display: 'Vital Signs',
      },
    ],
  },
];

const quantity = (value: number, unit: string): Record<string, unknown> => ({
  value,
  unit,
  system: UCUM,
  code: unit,
});

/** The ten vital-sign kinds each seeded patient gets one of (blood pressure twice): 85354-9 is 2 of 10. */
const VITALS: { code: string; display: string; value: (r: () => number) => Record<string, unknown> }[] = [
  { code: BP_PANEL, display: 'Blood pressure panel with all children optional', value: bp },
  { code: BP_PANEL, display: 'Blood pressure panel with all children optional', value: bp },
  {
    code: '8867-4',
    display: 'Heart rate',
    value: (r) => ({ valueQuantity: quantity(55 + Math.floor(r() * 50), '/min') }),
  },
  {
    code: '8867-4',
    display: 'Heart rate',
    value: (r) => ({ valueQuantity: quantity(55 + Math.floor(r() * 50), '/min') }),
  },
  {
    code: '8310-5',
    display: 'Body temperature',
    value: (r) => ({ valueQuantity: quantity(round1(36 + r() * 2), 'Cel') }),
  },
  {
    code: '29463-7',
    display: 'Body weight',
    value: (r) => ({ valueQuantity: quantity(round1(45 + r() * 70), 'kg') }),
  },
  {
    code: '8302-2',
    display: 'Body height',
    value: (r) => ({ valueQuantity: quantity(round1(150 + r() * 45), 'cm') }),
  },
  {
    code: '39156-5',
    display: 'Body mass index (BMI) [Ratio]',
    value: (r) => ({ valueQuantity: quantity(round1(18 + r() * 15), 'kg/m2') }),
  },
  {
    code: '9279-1',
    display: 'Respiratory rate',
    value: (r) => ({ valueQuantity: quantity(12 + Math.floor(r() * 8), '/min') }),
  },
  {
    code: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    value: (r) => ({ valueQuantity: quantity(93 + Math.floor(r() * 7), '%') }),
  },
];
export const VITALS_PER_PATIENT = VITALS.length;

function bp(rand: () => number): Record<string, unknown> {
  const component = (code: string, display: string, value: number): Record<string, unknown> => ({
    code: { coding: [{ system: LOINC, code, display }] },
    valueQuantity: quantity(value, 'mm[Hg]'),
  });
  return {
    component: [
      component('8480-6', 'Systolic blood pressure', 100 + Math.floor(rand() * 60)),
      component('8462-4', 'Diastolic blood pressure', 60 + Math.floor(rand() * 35)),
    ],
  };
}

/** One vital-sign Observation of kind k (0..VITALS_PER_PATIENT-1) about the subject reference. */
export function vital(rand: () => number, k: number, subject: string, encounter?: string): Resource {
  const kind = VITALS[k % VITALS.length];
  const when = new Date(Date.UTC(2020, 0, 1) + Math.floor(rand() * 5 * 365 * 86_400_000)).toISOString();
  return {
    resourceType: 'Observation',
    status: 'final',
    category: VITAL_CATEGORY,
    code: { coding: [{ system: LOINC, code: kind.code, display: kind.display }], text: kind.display },
    subject: { reference: subject },
    ...(encounter ? { encounter: { reference: encounter } } : {}),
    effectiveDateTime: when,
    issued: when,
    ...kind.value(rand),
  };
}

/** A transaction entry that creates `resource` under a fresh urn:uuid fullUrl. */
export function createEntry(resource: Resource, fullUrl = `urn:uuid:${randomUUID()}`): BundleEntry {
  return { fullUrl, resource, request: { method: 'POST', url: resource.resourceType } };
}

/** A transaction Bundle of 1 Patient and `observations` vital signs about it (the 50-entry scenario). */
export function patientWithVitals(rand: () => number, index: number, observations: number): BundleEntry[] {
  const ref = `urn:uuid:${randomUUID()}`;
  const entries = [createEntry(patient(rand, index), ref)];
  for (let k = 0; k < observations; k++) {
    entries.push(createEntry(vital(rand, k, ref)));
  }
  return entries;
}
