import { randomUUID } from 'node:crypto';
import type {
  CodeableConcept,
  Communication,
  Observation,
  ObservationComponent,
  ObservationReferenceRange,
  Quantity,
} from '@medplum/fhirtypes';
import { assertAllowed } from '../../../auth/policy.js';
import { notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { assertId, lockCurrent, planCreate } from '../../../store/repository.js';
import { applyWrites } from '../../../store/writes.js';
import { findById, findReferencing, refId } from '../../flow/visit.js';
import { authorOf } from '../author.js';
import { growthPercentiles } from '../growth/percentiles.js';
import {
  AS_ENTERED_URL,
  LOINC,
  NOTICE_CATEGORY_SYSTEM,
  OBSERVATION_CATEGORY_SYSTEM,
  SNOMED,
  UCUM,
  VITAL_LOINC,
} from '../model.js';
import { noticeToProvider } from '../notices.js';
import { roomingVisitOf, type RoomingVisit } from '../visit.js';
import { checkImpossible, weightChangeConflict, weightChangeToConfirm, type MeasuredSet } from './checks.js';
import type { BloodPressureInput, CuffSize, VitalsInput } from './input.js';
import {
  AGE_GROUP_LABEL,
  ageGroupOf,
  FLAG_DISPLAY,
  flagOf,
  INTERPRETATION_SYSTEM,
  isCritical,
  rangeOf,
  worseFlag,
  type Flag,
  type Range,
  type RangedSign,
} from './ranges.js';
import {
  BODY_POSITION_LOINC,
  CUFF_SIZE_SYSTEM,
  CUFF_SIZE_URL,
  OXYGEN_FLOW_LOINC,
  patientObservations,
  readingOf,
  TEMPERATURE_METHOD_SYSTEM,
  type VitalReading,
} from './read.js';
import { bmiOf, convert, lengthInCm, temperatureInCel, weightInKg, type Measured } from './units.js';

/**
 * Saving a set of vital signs (POST /api/rooming/encounters/:id/vitals), in one transaction: checks, one
 * Observation per sign (FHIR R4 vital-signs profiles), BMI and children's growth percentiles derived from
 * them, and one urgent notice per visit and sign to the provider when a value is critical.
 */

const DISPLAY: Record<keyof typeof VITAL_LOINC, string> = {
  panel: 'Vital signs panel',
  bloodPressure: 'Blood pressure panel with all children optional',
  systolic: 'Systolic blood pressure',
  diastolic: 'Diastolic blood pressure',
  heartRate: 'Heart rate',
  respiratoryRate: 'Respiratory rate',
  temperature: 'Body temperature',
  oxygenSaturation: 'Oxygen saturation in Arterial blood',
  pulseOximetry: 'Oxygen saturation in Arterial blood by Pulse oximetry',
  height: 'Body height',
  weight: 'Body weight',
  bmi: 'Body mass index (BMI) [Ratio]',
  headCircumference: 'Head Occipital-frontal circumference',
  pain: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported',
};

/** Words of a sign in a notice (no value). */
const NOTICE_WORDS: Partial<Record<keyof typeof VITAL_LOINC, string>> = {
  bloodPressure: 'blood pressure',
  heartRate: 'heart rate',
  respiratoryRate: 'respiratory rate',
  temperature: 'temperature',
  oxygenSaturation: 'oxygen saturation',
};

/** SNOMED CT body positions (LOINC 8361-8 answers) and upper-arm body sites. */
const POSITION_SNOMED = {
  sitting: { code: '33586001', display: 'Sitting position' },
  standing: { code: '10904000', display: 'Orthostatic body position' },
  lying: { code: '40199007', display: 'Supine body position' },
} as const;
const ARM_SNOMED = {
  left: { code: '368208006', display: 'Left upper arm structure' },
  right: { code: '368209003', display: 'Right upper arm structure' },
} as const;
const CUFF_DISPLAY: Record<CuffSize, string> = {
  infant: 'Infant cuff',
  child: 'Child cuff',
  'small-adult': 'Small adult cuff',
  adult: 'Adult cuff',
  'large-adult': 'Large adult cuff',
  thigh: 'Thigh cuff',
};

const PROFILE = 'http://hl7.org/fhir/StructureDefinition';
const VITAL_CATEGORY: CodeableConcept = {
  coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'vital-signs', display: 'Vital Signs' }],
  text: 'Vital Signs',
};

export interface CriticalSign {
  sign: string;
  flag: Flag;
  observationId: string;
}

export interface RecordedVitals {
  patientId: string;
  /** This save's Observations (the measured signs, BMI, percentiles) as the screen shows them. */
  readings: VitalReading[];
  bmi?: { value: number; unit: 'kg/m2'; heightFrom: 'this visit' | 'latest' };
  /** A value is critical: take the reading again (the provider has been told). */
  repeatAdvised: boolean;
  critical: CriticalSign[];
  /** The notices sent by this save (a sign already noticed this visit sends none). */
  notices: string[];
}

function concept(system: string, code: string, display: string, text?: string): CodeableConcept {
  return { coding: [{ system, code, display }], ...(text ? { text } : {}) };
}

function quantity(value: number, code: string, unit = code): Quantity {
  return { value, unit, system: UCUM, code };
}

function measuredQuantity(m: Measured): Quantity {
  const q = quantity(m.value, m.code, m.unit);
  // The value as the MA typed it (model.ts AS_ENTERED_URL), when it is not already the canonical one.
  return m.converted ? { ...q, extension: [{ url: AS_ENTERED_URL, valueString: m.asEntered }] } : q;
}

function interpretation(flag: Flag): CodeableConcept[] {
  return [concept(INTERPRETATION_SYSTEM, flag, FLAG_DISPLAY[flag])];
}

function referenceRange(
  range: Range,
  unit: string,
  ageDays: number | undefined
): ObservationReferenceRange[] {
  if (range.low === undefined && range.high === undefined) return [];
  return [
    {
      ...(range.low !== undefined ? { low: quantity(range.low, unit) } : {}),
      ...(range.high !== undefined ? { high: quantity(range.high, unit) } : {}),
      text: `${AGE_GROUP_LABEL[ageGroupOf(ageDays)]}: ${range.source}`,
    },
  ];
}

/** The canonical measurements of the signs that have units to convert. */
export function measure(input: VitalsInput): MeasuredSet {
  return {
    temperature: input.temperature
      ? temperatureInCel(input.temperature.value, input.temperature.unit)
      : undefined,
    height: input.height ? lengthInCm(input.height) : undefined,
    weight: input.weight ? weightInKg(input.weight) : undefined,
    headCircumference: input.headCircumference ? lengthInCm(input.headCircumference) : undefined,
  };
}

interface Building {
  visit: RoomingVisit;
  ctx: RequestContext;
  effective: string;
  observations: Observation[];
  critical: (CriticalSign & { notice: keyof typeof VITAL_LOINC })[];
}

function observation(b: Building, sign: keyof typeof VITAL_LOINC, profile: string | undefined): Observation {
  const id = randomUUID();
  const coding = [{ system: LOINC, code: VITAL_LOINC[sign], display: DISPLAY[sign] }];
  if (sign === 'oxygenSaturation') {
    // Pulse oximetry: the R4 oxygensat profile's 2708-6 and US Core's 59408-5.
    coding.push({ system: LOINC, code: VITAL_LOINC.pulseOximetry, display: DISPLAY.pulseOximetry });
  }
  return {
    resourceType: 'Observation',
    id,
    ...(profile ? { meta: { profile: [`${PROFILE}/${profile}`] } } : {}),
    status: 'final',
    category: [VITAL_CATEGORY],
    code: { coding, text: DISPLAY[sign] },
    subject: { reference: `Patient/${b.visit.patient.id}` },
    encounter: { reference: `Encounter/${b.visit.encounter.id}` },
    effectiveDateTime: b.effective,
    performer: [authorOf(b.ctx)],
  };
}

/** A sign with one number and an age-specific range (HR, RR, temperature, SpO2). */
function rangedObservation(
  b: Building,
  sign: 'heartRate' | 'respiratoryRate' | 'temperature' | 'oxygenSaturation',
  profile: string,
  value: Quantity,
  rangeSign: RangedSign
): Observation {
  const range = rangeOf(rangeSign, b.visit.ageDays, b.visit.sex);
  const flag = flagOf(value.value as number, range);
  const obs: Observation = {
    ...observation(b, sign, profile),
    valueQuantity: value,
    interpretation: interpretation(flag),
    referenceRange: referenceRange(range, value.code as string, b.visit.ageDays),
  };
  if (isCritical(flag)) b.critical.push({ sign, flag, observationId: obs.id as string, notice: sign });
  return obs;
}

function bloodPressure(b: Building, bp: BloodPressureInput): Observation {
  const part = (
    component: 'systolic' | 'diastolic',
    value: number
  ): { c: ObservationComponent; flag: Flag } => {
    const range = rangeOf(component, b.visit.ageDays, b.visit.sex);
    const flag = flagOf(value, range);
    return {
      flag,
      c: {
        code: concept(LOINC, VITAL_LOINC[component], DISPLAY[component]),
        valueQuantity: quantity(value, 'mm[Hg]', 'mmHg'),
        interpretation: interpretation(flag),
        referenceRange: referenceRange(range, 'mm[Hg]', b.visit.ageDays),
      },
    };
  };
  const systolic = part('systolic', bp.systolic);
  const diastolic = part('diastolic', bp.diastolic);
  const flag = worseFlag(systolic.flag, diastolic.flag);
  const components = [systolic.c, diastolic.c];
  if (bp.position) {
    const p = POSITION_SNOMED[bp.position];
    components.push({
      code: concept(LOINC, BODY_POSITION_LOINC, 'Body position with respect to gravity'),
      valueCodeableConcept: concept(SNOMED, p.code, p.display, bp.position),
    });
  }
  const obs: Observation = {
    ...observation(b, 'bloodPressure', 'bp'),
    ...(bp.cuff
      ? {
          extension: [
            {
              url: CUFF_SIZE_URL,
              valueCodeableConcept: concept(CUFF_SIZE_SYSTEM, bp.cuff, CUFF_DISPLAY[bp.cuff]),
            },
          ],
        }
      : {}),
    interpretation: interpretation(flag),
    component: components,
    ...(bp.arm
      ? { bodySite: concept(SNOMED, ARM_SNOMED[bp.arm].code, ARM_SNOMED[bp.arm].display, `${bp.arm} arm`) }
      : {}),
  };
  if (isCritical(flag))
    b.critical.push({
      sign: 'bloodPressure',
      flag,
      observationId: obs.id as string,
      notice: 'bloodPressure',
    });
  return obs;
}

/** The signs already noticed to the provider at this visit (critical-vital Communications' Observations). */
async function noticedSigns(
  tx: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<Set<string>> {
  const communications = await findReferencing<Communication>(
    tx,
    ctx,
    'Communication',
    'encounter',
    `Encounter/${encounterId}`
  );
  const signs = new Set<string>();
  for (const c of communications) {
    const critical = (c.category ?? []).some((k) =>
      (k.coding ?? []).some((x) => x.system === NOTICE_CATEGORY_SYSTEM && x.code === 'critical-vital')
    );
    if (!critical) continue;
    for (const about of c.about ?? []) {
      const id = refId(about.reference, 'Observation');
      const obs = id ? await findById<Observation>(tx, ctx, 'Observation', id) : undefined;
      const code = obs?.code.coding?.find((x) => x.system === LOINC)?.code;
      if (code) signs.add(code);
    }
  }
  return signs;
}

/**
 * Records a set of vital signs for the visit of `encounterId`, in one transaction: 404 for a visit out of
 * the caller's reach, 403 for a role that may not write Observations, 422 for an impossible value, 409 for an
 * unconfirmed weight change; nothing is written on any of them.
 */
export async function recordVitals(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  input: VitalsInput,
  now: Date = new Date()
): Promise<RecordedVitals> {
  assertId(encounterId, 'id');
  if (ctx.principal) assertAllowed(ctx.principal, 'create', 'Observation');
  const measured = measure(input);
  return db.transaction(async (tx) => {
    // Saves for one visit serialize on its Encounter row: two at once cannot both send the notice.
    const row = await lockCurrent(tx, ctx, 'Encounter', encounterId);
    if (!row || row.deleted) throw notFound(`Encounter/${encounterId} was not found`);
    const visit = await roomingVisitOf(tx, ctx, encounterId, now);
    checkImpossible(input, measured, visit.ageDays);

    const body =
      measured.weight || measured.height
        ? await patientObservations(tx, ctx, visit.patient.id as string, [
            VITAL_LOINC.weight,
            VITAL_LOINC.height,
          ])
        : [];
    const isHere = (o: Observation) => o.encounter?.reference === `Encounter/${encounterId}`;
    const codeOf = (o: Observation) => o.code.coding?.find((c) => c.system === LOINC)?.code;

    if (measured.weight && !input.confirm.includes('weight-change')) {
      const last = body.find((o) => codeOf(o) === VITAL_LOINC.weight && !isHere(o) && o.valueQuantity?.value);
      const lastWeight = last
        ? { kg: toKg(last.valueQuantity as Quantity), effective: last.effectiveDateTime ?? '' }
        : undefined;
      const change = weightChangeToConfirm(measured.weight.value, lastWeight, visit.ageDays, now);
      if (change !== undefined && lastWeight) throw weightChangeConflict(measured.weight, lastWeight, change);
    }

    const b: Building = { visit, ctx, effective: now.toISOString(), observations: [], critical: [] };
    const add = (o: Observation): Observation => {
      b.observations.push(o);
      return o;
    };
    for (const bp of input.bloodPressure ?? []) add(bloodPressure(b, bp));
    if (input.heartRate !== undefined) {
      add(
        rangedObservation(
          b,
          'heartRate',
          'heartrate',
          quantity(input.heartRate, '/min', 'beats/minute'),
          'heartRate'
        )
      );
    }
    if (input.respiratoryRate !== undefined) {
      add(
        rangedObservation(
          b,
          'respiratoryRate',
          'resprate',
          quantity(input.respiratoryRate, '/min', 'breaths/minute'),
          'respiratoryRate'
        )
      );
    }
    if (input.temperature && measured.temperature) {
      const obs = rangedObservation(
        b,
        'temperature',
        'bodytemp',
        measuredQuantity(measured.temperature),
        'temperature'
      );
      const method = input.temperature.method;
      add(method ? { ...obs, method: concept(TEMPERATURE_METHOD_SYSTEM, method, method, method) } : obs);
    }
    if (input.oxygenSaturation) {
      const { value, oxygenFlow } = input.oxygenSaturation;
      const obs = rangedObservation(
        b,
        'oxygenSaturation',
        'oxygensat',
        quantity(value, '%'),
        'oxygenSaturation'
      );
      add(
        oxygenFlow !== undefined
          ? {
              ...obs,
              component: [
                {
                  code: concept(LOINC, OXYGEN_FLOW_LOINC, 'Inhaled oxygen flow rate'),
                  valueQuantity: quantity(oxygenFlow, 'L/min'),
                },
              ],
            }
          : { ...obs, note: [{ text: 'On room air' }] }
      );
    }
    const height = measured.height
      ? add({ ...observation(b, 'height', 'bodyheight'), valueQuantity: measuredQuantity(measured.height) })
      : undefined;
    const weight = measured.weight
      ? add({ ...observation(b, 'weight', 'bodyweight'), valueQuantity: measuredQuantity(measured.weight) })
      : undefined;
    const head = measured.headCircumference
      ? add({
          ...observation(b, 'headCircumference', 'headcircum'),
          valueQuantity: measuredQuantity(measured.headCircumference),
        })
      : undefined;
    if (input.pain !== undefined) {
      add({ ...observation(b, 'pain', undefined), valueQuantity: quantity(input.pain, '{score}', 'score') });
    }

    // BMI from this visit's weight and this visit's height, or the latest one (CDC: BMI from 2 years of age).
    let bmi: RecordedVitals['bmi'];
    let bmiObservation: Observation | undefined;
    const heightObs = height ?? body.find((o) => codeOf(o) === VITAL_LOINC.height && o.valueQuantity?.value);
    const heightCm = heightObs ? toCm(heightObs.valueQuantity as Quantity) : undefined;
    const adultish = visit.ageDays === undefined || visit.ageDays >= 2 * 365.25;
    if (weight && heightObs && heightCm && adultish) {
      const value = bmiOf(measured.weight?.value as number, heightCm);
      bmiObservation = add({
        ...observation(b, 'bmi', 'bmi'),
        valueQuantity: quantity(value, 'kg/m2'),
        derivedFrom: [
          { reference: `Observation/${weight.id}` },
          { reference: `Observation/${heightObs.id}` },
        ],
      });
      bmi = { value, unit: 'kg/m2', heightFrom: height ? 'this visit' : 'latest' };
    }

    // Children's growth percentiles (part B's growthPercentiles: CDC/WHO LMS), each its own Observation.
    if (visit.sex && visit.ageMonths !== undefined && visit.ageMonths < 240 && (weight || height || head)) {
      const percentiles = growthPercentiles({
        sex: visit.sex,
        ageMonths: visit.ageMonths,
        weightKg: measured.weight?.value,
        heightCm: height ? heightCm : undefined,
        bmi: bmi?.value,
        headCircumferenceCm: measured.headCircumference?.value,
      });
      for (const p of percentiles) {
        const from =
          p.loinc === '59576-9'
            ? [bmiObservation]
            : p.loinc === '8289-1'
              ? [head]
              : [weight, height ?? heightObs];
        add({
          ...observation(b, 'bmi', undefined),
          code: { coding: [{ system: LOINC, code: p.loinc, display: p.display }], text: p.display },
          valueQuantity: quantity(p.percentile, '%'),
          note: [{ text: `${p.reference}; z = ${p.zScore}` }],
          derivedFrom: from
            .filter((o): o is Observation => !!o)
            .map((o) => ({ reference: `Observation/${o.id}` })),
        });
      }
    }

    await applyWrites(
      tx,
      ctx,
      b.observations.map((o) => planCreate(o, o.id))
    );

    // One urgent notice per visit and sign: a repeat reading that is still critical tells nobody twice.
    const notices: string[] = [];
    if (b.critical.length > 0) {
      const noticed = await noticedSigns(tx, ctx, encounterId);
      const seen = new Set<string>();
      for (const c of b.critical) {
        const code = VITAL_LOINC[c.notice];
        if (noticed.has(code) || seen.has(code)) continue;
        seen.add(code);
        const words = NOTICE_WORDS[c.notice] ?? 'vital sign';
        const sent = await noticeToProvider(
          tx,
          ctx,
          visit,
          {
            kind: 'critical-vital',
            priority: 'urgent',
            text: `Critical ${words}: a repeat reading is advised; please see the patient.`,
            about: [{ reference: `Observation/${c.observationId}` }],
          },
          now
        );
        notices.push(sent.id as string);
      }
    }
    return {
      patientId: visit.patient.id as string,
      readings: b.observations.map(readingOf),
      bmi,
      repeatAdvised: b.critical.length > 0,
      critical: b.critical.map(({ sign, flag, observationId }) => ({ sign, flag, observationId })),
      notices,
    };
  });
}

/** A stored weight or height in the unit asked for (older records may hold lb or in: ucum-lhc converts). */
function inUnit(q: Quantity, unit: string): number {
  const value = q.value as number;
  try {
    return convert(value, q.code ?? unit, unit);
  } catch {
    return value;
  }
}

function toKg(q: Quantity): number {
  return inUnit(q, 'kg');
}

function toCm(q: Quantity): number {
  return inUnit(q, 'cm');
}
