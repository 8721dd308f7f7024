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
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { assertId, planCreate } from '../../../store/repository.js';
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
  latestObservation,
  OXYGEN_FLOW_LOINC,
  readingOf,
  ROOM_AIR_NOTE,
  TEMPERATURE_METHOD_SYSTEM,
  type VitalReading,
} from './read.js';
import { bmiOf, convert, lengthInCm, temperatureInCel, weightInKg, type Measured } from './units.js';
import { yearBefore } from '../screenings/due.js';

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
  /**
   * The provider's notice of it: `sent` by this save, or `already-open`: a notice of the same sign and flag
   * at this visit that the provider has not acknowledged yet (no second one is sent).
   */
  notice: { id: string; status: 'sent' | 'already-open' };
}

export interface RecordedVitals {
  patientId: string;
  /** This save's Observations (the measured signs, BMI, percentiles) as the screen shows them. */
  readings: VitalReading[];
  /**
   * BMI from this save's weight and a height from this visit, or for an adult (20 years and over) from the
   * last 12 months (`heightTaken` its date).
   */
  bmi?: { value: number; unit: 'kg/m2'; heightFrom: 'this visit' | 'earlier visit'; heightTaken?: string };
  /** Why a weight was saved without a BMI (no height that may be used, or under 2 years of age). */
  bmiNotComputed?: string;
  /** A value is critical: take the reading again (`critical[].notice` says whether the provider was told now). */
  repeatAdvised: boolean;
  critical: CriticalSign[];
  /** The notices sent by this save (none for a sign and flag whose notice is still open). */
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
  /** This save's critical values; `notice` is the sign whose notice they share. */
  critical: { sign: string; flag: Flag; observationId: string; notice: keyof typeof VITAL_LOINC }[];
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

/** A critical-vital notice of the visit that the provider has not acknowledged yet. */
interface OpenNotice {
  id: string;
  /** LOINC code and flag of the Observation it is about: the notice's key with `noticeKey`. */
  key: string;
}

const noticeKey = (loinc: string, flag: string): string => `${loinc}|${flag}`;

/**
 * The visit's critical-vital notices still open (Communication in-progress), keyed by the sign and flag of
 * the Observation each is about. An acknowledged notice (completed) no longer counts: a later critical value
 * must reach the provider again.
 */
async function openCriticalNotices(
  tx: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<OpenNotice[]> {
  const communications = await findReferencing<Communication>(
    tx,
    ctx,
    'Communication',
    'encounter',
    `Encounter/${encounterId}`
  );
  const open: OpenNotice[] = [];
  for (const c of communications) {
    const critical = (c.category ?? []).some((k) =>
      (k.coding ?? []).some((x) => x.system === NOTICE_CATEGORY_SYSTEM && x.code === 'critical-vital')
    );
    if (!critical || c.status !== 'in-progress') continue;
    for (const about of c.about ?? []) {
      const id = refId(about.reference, 'Observation');
      const obs = id ? await findById<Observation>(tx, ctx, 'Observation', id) : undefined;
      const code = obs?.code.coding?.find((x) => x.system === LOINC)?.code;
      const flag = obs?.interpretation?.[0]?.coding?.find((x) => x.system === INTERPRETATION_SYSTEM)?.code;
      if (code && flag) open.push({ id: c.id as string, key: noticeKey(code, flag) });
    }
  }
  return open;
}

/**
 * Takes the row lock of a stored resource for the rest of the transaction and answers only whether its status
 * is in-progress (the caller reads content through the access-filtered readers). For a notice this is read
 * again under the lock: a provider acknowledging it at the same moment is either before (a new notice is
 * sent) or after (it was open when this save looked).
 */
async function lockRow(tx: SqlConnection, ctx: RequestContext, type: string, id: string): Promise<boolean> {
  const result = await tx.query<{ open: boolean }>(
    `SELECT (content->>'status' = 'in-progress') AS open FROM resource
      WHERE practice_id = $1 AND resource_type = $2 AND id = $3 AND NOT deleted FOR UPDATE`,
    [ctx.practiceId, type, id]
  );
  return result.rows[0]?.open ?? false;
}

/** 20 years in the mean months of the growth references (CDC: BMI-for-age to 20 years, then adult BMI). */
const ADULT_MONTHS = 240;
/** CDC BMI-for-age starts at 2 years. */
const BMI_FROM_DAYS = 2 * 365.25;

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
    // Saves for one visit serialize on its Encounter row: two at once cannot both send the notice. The lock
    // reads nothing; roomingVisitOf reads the Encounter once, as the caller may see it (404 otherwise).
    await lockRow(tx, ctx, 'Encounter', encounterId);
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    checkImpossible(input, measured, visit.ageDays);
    const patientId = visit.patient.id as string;

    if (measured.weight && !input.confirm.includes('weight-change')) {
      const last = await latestObservation(tx, ctx, patientId, VITAL_LOINC.weight, {
        notAtEncounter: encounterId,
      });
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
      const spo2 = input.oxygenSaturation;
      const obs = rangedObservation(
        b,
        'oxygenSaturation',
        'oxygensat',
        quantity(spo2.value, '%'),
        'oxygenSaturation'
      );
      // Room air only when the MA said so (input.ts: on oxygen always carries its flow).
      add(
        spo2.onOxygen
          ? {
              ...obs,
              component: [
                {
                  code: concept(LOINC, OXYGEN_FLOW_LOINC, 'Inhaled oxygen flow rate'),
                  valueQuantity: quantity(spo2.oxygenFlow, 'L/min'),
                },
              ],
            }
          : { ...obs, note: [{ text: ROOM_AIR_NOTE }] }
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

    // BMI (CDC: from 2 years of age) from this save's weight and a height that still describes the patient:
    // this visit's; for an adult (20 years and over, grown) one from the last 12 months; a child grows, so
    // only this visit's. An unknown age counts as a child's (only this visit's height).
    let bmi: RecordedVitals['bmi'];
    let bmiNotComputed: string | undefined;
    let bmiObservation: Observation | undefined;
    const adult = visit.ageMonths !== undefined && visit.ageMonths >= ADULT_MONTHS;
    const bmiAge = visit.ageDays === undefined || visit.ageDays >= BMI_FROM_DAYS;
    let heightObs: Observation | undefined = height;
    if (weight && !bmiAge) {
      bmiNotComputed = 'No BMI under 2 years of age (CDC BMI-for-age starts at 2 years).';
    } else if (weight && !height) {
      heightObs = await latestObservation(tx, ctx, patientId, VITAL_LOINC.height, {
        atEncounter: encounterId,
        orSince: adult ? yearBefore(now) : undefined,
      });
      if (!heightObs) {
        bmiNotComputed = adult
          ? 'No BMI: no height from this visit or the last 12 months. Measure the height for a BMI.'
          : "No BMI: a child's BMI needs a height from this visit (children grow). Measure the height for a BMI.";
      }
    }
    const heightCm = heightObs ? toCm(heightObs.valueQuantity as Quantity) : undefined;
    if (weight && heightObs && heightCm && bmiAge) {
      const value = bmiOf(measured.weight?.value as number, heightCm);
      bmiObservation = add({
        ...observation(b, 'bmi', 'bmi'),
        valueQuantity: quantity(value, 'kg/m2'),
        derivedFrom: [
          { reference: `Observation/${weight.id}` },
          { reference: `Observation/${heightObs.id}` },
        ],
      });
      const here = heightObs === height || heightObs.encounter?.reference === `Encounter/${encounterId}`;
      bmi = here
        ? { value, unit: 'kg/m2', heightFrom: 'this visit' }
        : { value, unit: 'kg/m2', heightFrom: 'earlier visit', heightTaken: heightObs.effectiveDateTime };
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

    // One urgent notice per sign and flag while it is open: a repeat reading still critical the same way
    // (HH again) does not tell the provider twice before they acknowledge; an acknowledged notice, or the
    // other way (HH then LL), sends a new one.
    const notices: string[] = [];
    const critical: CriticalSign[] = [];
    if (b.critical.length > 0) {
      const open = await openCriticalNotices(tx, ctx, encounterId);
      const confirmed = new Map<string, boolean>();
      const sentNow = new Map<string, string>();
      for (const c of b.critical) {
        const key = noticeKey(VITAL_LOINC[c.notice], c.flag);
        const result = { sign: c.sign, flag: c.flag, observationId: c.observationId };
        const already = sentNow.get(key);
        if (already) {
          critical.push({ ...result, notice: { id: already, status: 'sent' } });
          continue;
        }
        let openId: string | undefined;
        for (const o of open.filter((n) => n.key === key)) {
          if (!confirmed.has(o.id)) confirmed.set(o.id, await lockRow(tx, ctx, 'Communication', o.id));
          if (confirmed.get(o.id)) {
            openId = o.id;
            break;
          }
        }
        if (openId) {
          critical.push({ ...result, notice: { id: openId, status: 'already-open' } });
          continue;
        }
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
        sentNow.set(key, sent.id as string);
        critical.push({ ...result, notice: { id: sent.id as string, status: 'sent' } });
      }
    }
    return {
      patientId,
      readings: b.observations.map(readingOf),
      ...(bmi ? { bmi } : {}),
      ...(bmiNotComputed ? { bmiNotComputed } : {}),
      repeatAdvised: b.critical.length > 0,
      critical,
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
