/**
 * Vital signs taken at rooming, one Observation per sign, following the FHIR R4 vital signs profiles
 * (http://hl7.org/fhir/R4/observation-vitalsigns.html): LOINC code, UCUM unit, category vital-signs.
 */
import type { Encounter, Observation, ObservationComponent, Quantity, Reference } from '@medplum/fhirtypes';
import type { ClinicClock } from './clock.js';
import { SYSTEM, concept } from './codes.js';
import { ageOn, type PatientProfile } from './people.js';
import { staffRef } from './practice.js';
import type { Rng } from './random.js';
import type { Visit } from './visits.js';

/** The vital signs the demo records, by the R4 profile each one follows. */
export const VITALS = {
  bloodPressure: {
    loinc: '85354-9',
    display: 'Blood pressure panel with all children optional',
    profile: 'bp',
  },
  systolic: { loinc: '8480-6', display: 'Systolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  diastolic: { loinc: '8462-4', display: 'Diastolic blood pressure', unit: 'mmHg', ucum: 'mm[Hg]' },
  heartRate: {
    loinc: '8867-4',
    display: 'Heart rate',
    unit: 'beats/minute',
    ucum: '/min',
    profile: 'heartrate',
  },
  respiratoryRate: {
    loinc: '9279-1',
    display: 'Respiratory rate',
    unit: 'breaths/minute',
    ucum: '/min',
    profile: 'resprate',
  },
  temperature: { loinc: '8310-5', display: 'Body temperature', unit: 'C', ucum: 'Cel', profile: 'bodytemp' },
  oxygenSaturation: {
    loinc: '2708-6',
    display: 'Oxygen saturation in Arterial blood',
    unit: '%',
    ucum: '%',
    profile: 'oxygensat',
  },
  height: { loinc: '8302-2', display: 'Body height', unit: 'cm', ucum: 'cm', profile: 'bodyheight' },
  weight: { loinc: '29463-7', display: 'Body weight', unit: 'kg', ucum: 'kg', profile: 'bodyweight' },
  bmi: {
    loinc: '39156-5',
    display: 'Body mass index (BMI) [Ratio]',
    unit: 'kg/m2',
    ucum: 'kg/m2',
    profile: 'bmi',
  },
  headCircumference: {
    loinc: '9843-4',
    display: 'Head Occipital-frontal circumference',
    unit: 'cm',
    ucum: 'cm',
    profile: 'headcircum',
  },
} as const;

type Sign = Exclude<keyof typeof VITALS, 'bloodPressure' | 'systolic' | 'diastolic'>;

// CDC growth chart medians (approximate), by age in years.
const HEIGHT_CM = {
  female: [
    [0, 49.5],
    [0.25, 60],
    [0.5, 66],
    [1, 74],
    [1.5, 80.5],
    [2, 86],
    [3, 95],
    [4, 102],
    [5, 109],
    [6, 115],
    [8, 127],
    [10, 138],
    [12, 151],
    [14, 160],
    [16, 162.5],
    [18, 163.5],
  ],
  male: [
    [0, 50],
    [0.25, 61.5],
    [0.5, 67.5],
    [1, 75.5],
    [1.5, 82],
    [2, 87.5],
    [3, 96],
    [4, 103],
    [5, 110],
    [6, 116],
    [8, 128],
    [10, 138.5],
    [12, 149.5],
    [14, 163.5],
    [16, 173],
    [18, 176.5],
  ],
} as const;
const WEIGHT_KG = {
  female: [
    [0, 3.3],
    [0.25, 5.8],
    [0.5, 7.3],
    [1, 9.2],
    [1.5, 10.6],
    [2, 12],
    [3, 14],
    [4, 15.8],
    [5, 17.9],
    [6, 20.2],
    [8, 25.8],
    [10, 32.5],
    [12, 41.5],
    [14, 49.5],
    [16, 54],
    [18, 56.5],
  ],
  male: [
    [0, 3.5],
    [0.25, 6.4],
    [0.5, 7.9],
    [1, 9.9],
    [1.5, 11.3],
    [2, 12.5],
    [3, 14.3],
    [4, 16.3],
    [5, 18.4],
    [6, 20.7],
    [8, 25.6],
    [10, 32],
    [12, 40.5],
    [14, 51],
    [16, 61],
    [18, 67.5],
  ],
} as const;
const HEAD_CM = [
  [0, 34.5],
  [0.25, 40],
  [0.5, 43],
  [1, 46],
  [1.5, 47.4],
  [2, 48.3],
  [3, 49.5],
] as const;

function interpolate(table: readonly (readonly [number, number])[], x: number): number {
  if (x <= table[0][0]) return table[0][1];
  for (let i = 1; i < table.length; i++) {
    const [x1, y1] = table[i];
    if (x <= x1) {
      const [x0, y0] = table[i - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return table[table.length - 1][1];
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function quantity(sign: { unit: string; ucum: string }, value: number): Quantity {
  return { value, unit: sign.unit, system: SYSTEM.ucum, code: sign.ucum };
}

/** Height (cm) and weight (kg) of a patient on a day, before rounding. */
export function bodySize(rng: Rng, profile: PatientProfile, day: number): { height: number; weight: number } {
  const age = ageOn(profile, day);
  const adultHeight = interpolate(HEIGHT_CM[profile.sex], 18) * profile.heightFactor;
  if (age < 18) {
    return {
      height: interpolate(HEIGHT_CM[profile.sex], age) * profile.heightFactor,
      weight: interpolate(WEIGHT_KG[profile.sex], age) * profile.weightFactor * (1 + rng.normal(0, 0.02)),
    };
  }
  const height = adultHeight - Math.max(0, age - 60) * 0.1;
  return { height, weight: profile.adultBmi * (height / 100) ** 2 * (1 + rng.normal(0, 0.02)) };
}

export interface VitalsContext {
  readonly hypertensive: boolean;
  readonly lungDisease: boolean;
  readonly febrile: boolean;
}

/** The vital-sign Observations taken at one visit; ids continue from `nextNumber`. */
export function vitalSigns(
  rng: Rng,
  clock: ClinicClock,
  profile: PatientProfile,
  visit: Visit,
  context: VitalsContext,
  nextNumber: number
): Observation[] {
  const age = ageOn(profile, visit.day);
  const effective = clock.instant(visit.day, visit.start + rng.int(3, 9));
  const encounter: Reference<Encounter> = { reference: `Encounter/${visit.id}` };
  let number = nextNumber;
  const observation = (sign: keyof typeof VITALS, profileName: string): Observation => ({
    resourceType: 'Observation',
    id: `demo-obs-${profile.key}-${String(number++).padStart(4, '0')}`,
    meta: { profile: [`http://hl7.org/fhir/StructureDefinition/${profileName}`] },
    status: 'final',
    category: [
      {
        coding: [{ system: SYSTEM.observationCategory, code: 'vital-signs', display: 'Vital Signs' }],
        text: 'Vital Signs',
      },
    ],
    code: concept(SYSTEM.loinc, VITALS[sign].loinc, VITALS[sign].display),
    subject: profile.ref,
    encounter,
    effectiveDateTime: effective,
    performer: [staffRef(visit.ma)],
  });
  const simple = (sign: Sign, value: number): Observation => ({
    ...observation(sign, VITALS[sign].profile),
    valueQuantity: quantity(VITALS[sign], value),
  });

  const result: Observation[] = [];
  if (age >= 3) {
    const [systolicMean, diastolicMean] = context.hypertensive
      ? [142, 88]
      : age < 13
        ? [102, 62]
        : age < 18
          ? [112, 68]
          : [112 + (age - 18) * 0.3, 72 + Math.min(age - 18, 40) * 0.15];
    const systolic = Math.round(clamp(rng.normal(systolicMean, 9), 85, 190));
    const diastolic = Math.round(clamp(rng.normal(diastolicMean, 6), 45, Math.min(115, systolic - 20)));
    const component = (sign: 'systolic' | 'diastolic', value: number): ObservationComponent => ({
      code: concept(SYSTEM.loinc, VITALS[sign].loinc, VITALS[sign].display),
      valueQuantity: quantity(VITALS[sign], value),
    });
    result.push({
      ...observation('bloodPressure', VITALS.bloodPressure.profile),
      component: [component('systolic', systolic), component('diastolic', diastolic)],
    });
  }
  const [heartMean, respiratoryMean] =
    age < 1 ? [135, 36] : age < 3 ? [115, 28] : age < 12 ? [92, 21] : [74, 16];
  result.push(
    simple('heartRate', Math.round(clamp(rng.normal(heartMean + (context.febrile ? 10 : 0), 8), 45, 190)))
  );
  result.push(
    simple('respiratoryRate', Math.round(clamp(rng.normal(respiratoryMean, respiratoryMean / 10), 10, 60)))
  );
  result.push(
    simple(
      'temperature',
      round(clamp(rng.normal(context.febrile ? 37.9 : 36.8, context.febrile ? 0.5 : 0.25), 35.8, 40.2), 1)
    )
  );
  result.push(
    simple('oxygenSaturation', Math.round(clamp(rng.normal(context.lungDisease ? 94 : 98, 1.2), 88, 100)))
  );

  const size = bodySize(rng, profile, visit.day);
  const height = round(size.height, 1);
  const weight = round(size.weight, 1);
  result.push(simple('height', height), simple('weight', weight));
  if (age >= 2) {
    result.push(simple('bmi', round(weight / (height / 100) ** 2, 1)));
  }
  if (age < 3) {
    result.push(
      simple('headCircumference', round(interpolate(HEAD_CM, age) * (0.5 + profile.heightFactor / 2), 1))
    );
  }
  // Pulse oximetry: US Core adds 59408-5 next to the R4 base code.
  const oxygen = result.find((obs) => obs.code.coding?.[0].code === VITALS.oxygenSaturation.loinc);
  oxygen?.code.coding?.push({
    system: SYSTEM.loinc,
    code: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
  });
  return result;
}
