/** Who each demo patient is: demographics, home site, primary care provider, insurance. */
import type { Coverage, Patient, Reference } from '@medplum/fhirtypes';
import type { ClinicClock } from './clock.js';
import { SYSTEM, concept } from './codes.js';
import { NAMED_PATIENTS, NAME_TWINS, inventName, isSmith, type PersonName } from './names.js';
import {
  PAYERS,
  PRACTICE_REF,
  PROVIDERS,
  STATE,
  staffRef,
  type PayerDef,
  type SiteKey,
  type StaffDef,
} from './practice.js';
import { Rng, streamSeed } from './random.js';

const DAYS_PER_YEAR = 365.25;

/** The facts about a patient every other part of the demo builds on. */
export interface PatientProfile {
  /** The demo seed, so per-patient random streams follow options.seed. */
  readonly seed: number;
  /** 1-based patient number; ids are built from `key`. */
  readonly number: number;
  readonly key: string;
  readonly id: string;
  readonly ref: Reference<Patient>;
  readonly name: PersonName;
  readonly gender: 'male' | 'female' | 'other';
  /** Sex used for growth charts and sex-specific problems. */
  readonly sex: 'male' | 'female';
  readonly birthDay: number;
  readonly site: SiteKey;
  readonly gp: StaffDef;
  /** Registered but not yet seen: no history, waiting for a new-patient visit. */
  readonly isNew: boolean;
  readonly payer: PayerDef;
  readonly spanish: boolean;
  /** Multipliers on the growth-chart median and the adult BMI the patient tends to. */
  readonly heightFactor: number;
  readonly weightFactor: number;
  readonly adultBmi: number;
}

/**
 * The patient whose chart is restricted: Jamal Pettigrew, who works here as a medical assistant (names.ts).
 * Staff are patients of their own clinic, and their colleagues must not browse their charts: the label hides
 * the chart from every user but one who opens it with emergency access (src/auth/policy.ts).
 */
export const RESTRICTED_PATIENT_NUMBER = 32;

/** v3-Confidentiality R, the label src/auth/policy.ts isRestrictedPatient looks for. */
const RESTRICTED_LABEL = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  code: 'R',
  display: 'restricted',
} as const;

export function patientKey(number: number): string {
  return String(number).padStart(4, '0');
}

export function ageOn(profile: PatientProfile, day: number): number {
  return (day - profile.birthDay) / DAYS_PER_YEAR;
}

/** Builds the profile of patient `number` from its own random stream. */
export function patientProfile(seed: number, number: number, clock: ClinicClock): PatientProfile {
  const rng = new Rng(streamSeed(seed, 'patient', number));
  const named = NAMED_PATIENTS.get(number);
  const sex = named?.sex ?? (rng.chance(0.52) ? 'female' : 'male');
  const gender = !named && number % 250 === 125 ? 'other' : sex;
  let name = named?.name ?? inventName(rng, sex);
  if (!named && isSmith(number)) {
    name = { ...name, family: 'Smith', hispanic: false };
  }
  const ageDays = Math.round(pickAgeYears(rng) * DAYS_PER_YEAR);
  // Name twins get a birth date offset from their twin's, so the two are never the same person on paper.
  const twin = NAME_TWINS.get(number);
  const birthDay =
    twin === undefined ? clock.today - ageDays : patientProfile(seed, twin, clock).birthDay - 2 * 365 - 41;
  const age = (clock.today - birthDay) / DAYS_PER_YEAR;
  const site: SiteKey = rng.chance(0.65) ? 'main' : 'oak';
  const gpChoices = PROVIDERS.filter((provider) => provider.week.includes(site));
  const key = patientKey(number);
  const id = `demo-pat-${key}`;
  const display = `${name.given.join(' ')} ${name.family}`;
  return {
    seed,
    number,
    key,
    id,
    ref: { reference: `Patient/${id}`, display },
    name,
    gender,
    sex,
    birthDay,
    site,
    gp: rng.pick(gpChoices),
    isNew: rng.chance(0.04),
    payer: pickPayer(rng, age),
    spanish: name.hispanic && rng.chance(0.45),
    heightFactor: rng.normal(1, 0.035),
    weightFactor: Math.max(0.8, rng.normal(1.04, 0.12)),
    adultBmi: Math.min(44, Math.max(18.5, rng.normal(28.5, 5.2))),
  };
}

/** Ages from newborns to 95, weighted roughly like a family practice panel. */
function pickAgeYears(rng: Rng): number {
  const band = rng.weighted([
    ['newborn', 2],
    ['infant', 4],
    ['child', 16],
    ['adult', 52],
    ['senior', 26],
  ] as const);
  switch (band) {
    case 'newborn':
      return rng.between(2 / DAYS_PER_YEAR, 0.08);
    case 'infant':
      return rng.between(0.08, 2);
    case 'child':
      return rng.between(2, 18);
    case 'adult':
      return rng.between(18, 65);
    case 'senior':
      return rng.between(65, 95.9);
  }
}

function pickPayer(rng: Rng, age: number): PayerDef {
  if (age >= 65) {
    return rng.chance(0.85) ? PAYERS.medicare : PAYERS.commercial;
  }
  return rng.chance(age < 18 ? 0.4 : 0.15) ? PAYERS.medicaid : PAYERS.commercial;
}

const STREETS = [
  'Elm Street',
  'Pecan Drive',
  'Bluebonnet Lane',
  'Mesquite Trail',
  'Live Oak Avenue',
  'Cypress Court',
  'Mill Creek Road',
  'Prairie View Drive',
  'Sycamore Street',
  'Cottonwood Lane',
] as const;
const CITIES = [
  ['Riverbend', '75001'],
  ['Oak Hollow', '75002'],
  ['Millbrook', '75003'],
  ['Pecan Grove', '75004'],
] as const;
const AREA_CODES = ['512', '737', '254', '830'] as const;

/** The Patient resource. */
export function patientResource(profile: PatientProfile, clock: ClinicClock): Patient {
  const rng = new Rng(streamSeed(profile.seed, 'contact', profile.number));
  const [city, postalCode] = rng.pick(CITIES);
  const phone = `(${rng.pick(AREA_CODES)}) 555-01${String(rng.int(0, 99)).padStart(2, '0')}`;
  const age = ageOn(profile, clock.today);
  const patient: Patient = {
    resourceType: 'Patient',
    id: profile.id,
    ...(profile.number === RESTRICTED_PATIENT_NUMBER
      ? { meta: { security: [{ ...RESTRICTED_LABEL }] } }
      : {}),
    identifier: [
      {
        use: 'usual',
        type: concept(SYSTEM.identifierType, 'MR', 'Medical record number'),
        system: SYSTEM.mrn,
        value: `RB${String(100000 + profile.number * 7)}`,
        assigner: PRACTICE_REF,
      },
    ],
    active: true,
    name: [{ use: 'official', family: profile.name.family, given: [...profile.name.given] }],
    telecom: [{ system: 'phone', value: phone, use: age < 18 || rng.chance(0.3) ? 'home' : 'mobile' }],
    gender: profile.gender,
    birthDate: clock.date(profile.birthDay),
    address: [
      {
        use: 'home',
        line: [`${rng.int(100, 9899)} ${rng.pick(STREETS)}`],
        city,
        state: STATE,
        postalCode,
        country: 'US',
      },
    ],
    generalPractitioner: [staffRef(profile.gp)],
    managingOrganization: PRACTICE_REF,
  };
  if (age >= 16 && rng.chance(0.6)) {
    const local = `${asciiName(profile.name.given[0])}.${asciiName(profile.name.family)}${profile.number}`;
    patient.telecom?.push({ system: 'email', value: `${local}@example.com`, use: 'home' });
  }
  if (profile.spanish) {
    patient.communication = [{ language: concept(SYSTEM.language, 'es', 'Spanish'), preferred: true }];
  } else if (rng.chance(0.15)) {
    patient.communication = [
      { language: concept(SYSTEM.language, 'en-US', 'English (United States)'), preferred: true },
    ];
  }
  if (age >= 18 && rng.chance(0.5)) {
    patient.maritalStatus = rng.chance(0.6)
      ? concept('http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', 'M', 'Married')
      : concept('http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', 'S', 'Never Married');
  }
  return patient;
}

/** Lower-case ASCII for e-mail addresses: "Muñoz" -> "munoz", "O'Brien" -> "obrien". */
function asciiName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** The patient's insurance. Children are covered as dependents on a parent's policy. */
export function coverageResource(profile: PatientProfile, clock: ClinicClock): Coverage {
  const rng = new Rng(streamSeed(profile.seed, 'coverage', profile.number));
  const payer = profile.payer;
  const child = ageOn(profile, clock.today) < 18 && payer !== PAYERS.medicaid;
  const start = Math.max(profile.birthDay, clock.today - rng.int(30, 2500));
  return {
    resourceType: 'Coverage',
    id: `demo-cov-${profile.key}`,
    status: 'active',
    type: concept(SYSTEM.payerType, payer.sop[0], payer.sop[1]),
    subscriberId: `${payer.name.slice(0, 2).toUpperCase()}${String(rng.int(10_000_000, 99_999_999))}`,
    beneficiary: profile.ref,
    ...(child ? { dependent: '01' } : {}),
    relationship: child
      ? concept(SYSTEM.subscriberRelationship, 'child', 'Child')
      : concept(SYSTEM.subscriberRelationship, 'self', 'Self'),
    period: { start: clock.date(start) },
    payor: [{ reference: `Organization/${payer.id}`, display: payer.name }],
    class: [
      {
        type: concept(SYSTEM.coverageClass, 'group', 'Group'),
        value: `G${rng.int(1000, 9999)}`,
        name: payer.name,
      },
      {
        type: concept(SYSTEM.coverageClass, 'plan', 'Plan'),
        value: payer.plan.replace(/\s+/g, '-').toUpperCase(),
        name: payer.plan,
      },
    ],
  };
}
