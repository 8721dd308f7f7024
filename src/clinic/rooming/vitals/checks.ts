import { OutcomeError, outcome, unprocessable } from '../../../fhir/outcome.js';
import type { VitalsInput } from './input.js';
import { convert, type Measured } from './units.js';

/**
 * Safety checks on a set of vital signs, before anything is written:
 * - impossible values answer 422 (OperationOutcome code business-rule) naming the field;
 * - a weight far from the patient's last one answers 409 naming `weight` (code business-rule) unless the
 *   request carries `confirm: ["weight-change"]` (the MA looked again: a real change, or the unit was wrong).
 */

/**
 * Human limits, canonical units. Heights: 20 cm (a very premature newborn) to 272 cm (the tallest person
 * recorded); weights 0.2 kg (the smallest surviving newborns) to 650 kg (the heaviest recorded, 635 kg);
 * head circumference 15-70 cm. Heart rate 20-300 /min, respiratory rate 2-150 /min, systolic 20-300,
 * diastolic 10-250 mm[Hg]: outside them the reading is a device or typing error. SpO2 over 100% cannot be;
 * below 50% a pulse oximeter is not reliable (check the probe). Temperature 25-45 Cel (77-113 °F, issue 6).
 */
export const LIMITS = {
  heightCm: [20, 272],
  weightKg: [0.2, 650],
  headCircumferenceCm: [15, 70],
  heartRate: [20, 300],
  respiratoryRate: [2, 150],
  systolic: [20, 300],
  diastolic: [10, 250],
  oxygenSaturation: [50, 100],
  oxygenFlow: [0.1, 60],
  temperatureCel: [25, 45],
  temperatureDegF: [77, 113],
} as const;

/** Head circumference is measured to 36 months (CDC/WHO head-circumference-for-age). */
export const HEAD_CIRCUMFERENCE_MAX_DAYS = 3 * 365.25;

function outside(value: number, [min, max]: readonly [number, number]): boolean {
  return value < min || value > max;
}

function refuse(text: string, field: string): never {
  throw unprocessable(text, field);
}

/** The measurements in canonical units that the checks and the record need. */
export interface MeasuredSet {
  temperature?: Measured;
  height?: Measured;
  weight?: Measured;
  headCircumference?: Measured;
}

/** Refuses (422) impossible values, naming the field. `ageDays` decides whether head circumference applies. */
export function checkImpossible(
  input: VitalsInput,
  measured: MeasuredSet,
  ageDays: number | undefined
): void {
  input.bloodPressure?.forEach((bp, i) => {
    const field = `bloodPressure[${i}]`;
    if (outside(bp.systolic, LIMITS.systolic)) {
      refuse(`systolic ${bp.systolic} mm[Hg] is not a possible reading (20-300)`, `${field}.systolic`);
    }
    if (outside(bp.diastolic, LIMITS.diastolic)) {
      refuse(`diastolic ${bp.diastolic} mm[Hg] is not a possible reading (10-250)`, `${field}.diastolic`);
    }
    if (bp.systolic <= bp.diastolic) {
      refuse(
        `systolic (${bp.systolic}) must be higher than diastolic (${bp.diastolic}): were they swapped?`,
        `${field}.systolic`
      );
    }
  });
  if (input.heartRate !== undefined && outside(input.heartRate, LIMITS.heartRate)) {
    refuse(`heart rate ${input.heartRate} /min is not a possible reading (20-300)`, 'heartRate');
  }
  if (input.respiratoryRate !== undefined && outside(input.respiratoryRate, LIMITS.respiratoryRate)) {
    refuse(
      `respiratory rate ${input.respiratoryRate} /min is not a possible reading (2-150)`,
      'respiratoryRate'
    );
  }
  if (input.temperature) {
    const { value, unit } = input.temperature;
    const fahrenheit = unit === '[degF]';
    if (outside(value, fahrenheit ? LIMITS.temperatureDegF : LIMITS.temperatureCel)) {
      refuse(
        fahrenheit
          ? `temperature ${value} °F is not possible (77-113 °F): was it taken in °C?`
          : `temperature ${value} °C is not possible (25-45 °C): was it taken in °F?`,
        'temperature.value'
      );
    }
  }
  if (input.oxygenSaturation) {
    const { value } = input.oxygenSaturation;
    const oxygenFlow = input.oxygenSaturation.onOxygen ? input.oxygenSaturation.oxygenFlow : undefined;
    if (value > 100) refuse(`oxygen saturation cannot be over 100% (${value})`, 'oxygenSaturation.value');
    if (value < LIMITS.oxygenSaturation[0]) {
      refuse(
        `oxygen saturation ${value}% is below what a pulse oximeter reads reliably: check the probe`,
        'oxygenSaturation.value'
      );
    }
    if (oxygenFlow !== undefined && outside(oxygenFlow, LIMITS.oxygenFlow)) {
      refuse(`oxygen flow ${oxygenFlow} L/min is not possible (0.1-60)`, 'oxygenSaturation.oxygenFlow');
    }
  }
  if (measured.height && outside(measured.height.value, LIMITS.heightCm)) {
    refuse(`height ${measured.height.asEntered} is outside human limits (20-272 cm)`, 'height');
  }
  if (measured.weight && outside(measured.weight.value, LIMITS.weightKg)) {
    refuse(`weight ${measured.weight.asEntered} is outside human limits (0.2-650 kg)`, 'weight');
  }
  if (measured.headCircumference) {
    if (ageDays !== undefined && ageDays >= HEAD_CIRCUMFERENCE_MAX_DAYS) {
      refuse('head circumference is measured under 3 years of age', 'headCircumference');
    }
    if (outside(measured.headCircumference.value, LIMITS.headCircumferenceCm)) {
      refuse(
        `head circumference ${measured.headCircumference.asEntered} is outside human limits (15-70 cm)`,
        'headCircumference'
      );
    }
  }
  if (input.pain !== undefined && (!Number.isInteger(input.pain) || input.pain < 0 || input.pain > 10)) {
    refuse(`pain is a whole number from 0 to 10 (${input.pain})`, 'pain');
  }
}

/** The patient's last weight before this visit. */
export interface LastWeight {
  kg: number;
  effective: string;
}

/**
 * The weight-change rule (docs/rooming/vitals.md). A change is measured as |new - last| / last and asks for
 * confirmation when:
 * - from 1 year of age: >= 20% against a weight at most 30 days old (the "50% in a week" and any
 *   lb/kg swap, +120% or -55%, are caught), or >= 50% against a weight at most 365 days old;
 * - under 1 year (infants double their birth weight in about 5 months): the new weight is at least twice or
 *   at most half the last one taken within 60 days (a lb/kg swap is x2.2 or x0.45: still caught).
 * Older weights are not compared. Returns the change as a fraction, or undefined when no confirmation is due.
 */
export function weightChangeToConfirm(
  newKg: number,
  last: LastWeight | undefined,
  ageDays: number | undefined,
  now: Date
): number | undefined {
  if (!last || last.kg <= 0) return undefined;
  const days = (now.getTime() - new Date(last.effective).getTime()) / 86_400_000;
  const change = (newKg - last.kg) / last.kg;
  if (ageDays !== undefined && ageDays < 365) {
    const ratio = newKg / last.kg;
    return days <= 60 && (ratio >= 2 || ratio <= 0.5) ? change : undefined;
  }
  if (days <= 30 && Math.abs(change) >= 0.2) return change;
  if (days <= 365 && Math.abs(change) >= 0.5) return change;
  return undefined;
}

/** 409, code business-rule, naming `weight`: the answer the MA confirms with `confirm: ["weight-change"]`. */
export function weightChangeConflict(measured: Measured, last: LastWeight, change: number): OutcomeError {
  const lastWords = measured.imperial
    ? `${Math.round(convert(last.kg, 'kg', '[lb_av]') * 10) / 10} lb`
    : `${Math.round(last.kg * 10) / 10} kg`;
  const percent = Math.round(change * 100);
  return new OutcomeError(
    409,
    outcome(
      'error',
      'business-rule',
      `weight ${measured.asEntered} is ${percent > 0 ? '+' : ''}${percent}% from the last weight (${lastWords} on ` +
        `${last.effective.slice(0, 10)}): check the scale and the unit, then confirm`,
      'weight'
    )
  );
}
