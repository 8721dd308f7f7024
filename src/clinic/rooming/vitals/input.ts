import { badRequest } from '../../../fhir/outcome.js';
import { decimalsOf, type LengthEntry, type TemperatureUnit, type WeightEntry } from './units.js';

/**
 * The body of POST /api/rooming/encounters/:id/vitals (docs/rooming/vitals.md). Every sign is optional, at
 * least one is given. Shape errors (a word where a number belongs, an unknown position) answer 400 naming the
 * field; impossible values are checks.ts's 422.
 */
export const POSITIONS = ['sitting', 'standing', 'lying'] as const;
export const ARMS = ['left', 'right'] as const;
export const CUFF_SIZES = ['infant', 'child', 'small-adult', 'adult', 'large-adult', 'thigh'] as const;
export const TEMPERATURE_METHODS = ['oral', 'tympanic', 'temporal', 'axillary', 'rectal'] as const;
export const CONFIRMATIONS = ['weight-change'] as const;

export type Position = (typeof POSITIONS)[number];
export type Arm = (typeof ARMS)[number];
export type CuffSize = (typeof CUFF_SIZES)[number];
export type TemperatureMethod = (typeof TEMPERATURE_METHODS)[number];
export type Confirmation = (typeof CONFIRMATIONS)[number];

export interface BloodPressureInput {
  systolic: number;
  diastolic: number;
  position?: Position;
  arm?: Arm;
  cuff?: CuffSize;
}

export interface VitalsInput {
  /** One reading or more: each is its own blood pressure Observation (repeat readings). */
  bloodPressure?: BloodPressureInput[];
  heartRate?: number;
  respiratoryRate?: number;
  temperature?: { value: number; unit: TemperatureUnit; method?: TemperatureMethod };
  /**
   * SpO2 %, always with the oxygen state said: `onOxygen: false` is room air; `onOxygen: true` needs the
   * `oxygenFlow` in L/min (a missing flow must not read as room air).
   */
  oxygenSaturation?:
    { value: number; onOxygen: false } | { value: number; onOxygen: true; oxygenFlow: number };
  height?: LengthEntry;
  weight?: WeightEntry;
  headCircumference?: LengthEntry;
  pain?: number;
  confirm: Confirmation[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * No vital sign in any unit comes near a million: a larger number is a typing slip, refused here before the
 * unit conversion (ucum-lhc answers no value for numbers near the float limit).
 */
const MAX_MAGNITUDE = 1e6;

/**
 * No vital sign is measured finer than 0.0001 of its unit (0.1 g in kg, 0.0001 in): more decimals are a slip
 * or a machine's float, refused here. Without this limit a value like 1e-320 asks the unit conversion for 320
 * decimals (units.ts roundTripDigits) and ends as NaN.
 */
export const MAX_DECIMALS = 4;

function num(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequest(`${field} must be a number`, field);
  }
  if (Math.abs(value) > MAX_MAGNITUDE) {
    throw badRequest(`${field} (${value}) is not a possible measurement`, field);
  }
  if (decimalsOf(value) > MAX_DECIMALS) {
    throw badRequest(
      `${field} (${value}) has more than ${MAX_DECIMALS} decimals: no vital sign is measured that finely`,
      field
    );
  }
  return value;
}

function optNum(value: unknown, field: string): number | undefined {
  return value === undefined || value === null ? undefined : num(value, field);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')}`, field);
  }
  return value as T;
}

function onlyKeys(value: Obj, keys: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw badRequest(`${field} has no "${key}" (it takes ${keys.join(', ')})`, `${field}.${key}`);
    }
  }
}

function length(value: unknown, field: string): LengthEntry | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) throw badRequest(`${field} must be { cm } or { ft, in }`, field);
  onlyKeys(value, ['cm', 'ft', 'in'], field);
  const cm = optNum(value.cm, `${field}.cm`);
  const ft = optNum(value.ft, `${field}.ft`);
  const inches = optNum(value.in, `${field}.in`);
  if (cm !== undefined) {
    if (ft !== undefined || inches !== undefined) {
      throw badRequest(`${field}: give cm, or ft and in, not both`, field);
    }
    return { cm };
  }
  if (ft === undefined && inches === undefined)
    throw badRequest(`${field} must be { cm } or { ft, in }`, field);
  if (ft !== undefined && (!Number.isInteger(ft) || ft < 0)) {
    throw badRequest(`${field}.ft must be whole feet`, `${field}.ft`);
  }
  if (inches !== undefined && (inches < 0 || (ft !== undefined && inches >= 12))) {
    throw badRequest(`${field}.in must be 0 to under 12 next to feet`, `${field}.in`);
  }
  return ft === undefined ? { in: inches as number } : { ft, in: inches };
}

function weight(value: unknown): WeightEntry | undefined {
  if (value === undefined || value === null) return undefined;
  const field = 'weight';
  if (!isObj(value)) throw badRequest('weight must be { kg }, { g } or { lb, oz }', field);
  onlyKeys(value, ['kg', 'g', 'lb', 'oz'], field);
  const kg = optNum(value.kg, 'weight.kg');
  const g = optNum(value.g, 'weight.g');
  const lb = optNum(value.lb, 'weight.lb');
  const oz = optNum(value.oz, 'weight.oz');
  const given = [kg, g, lb ?? oz].filter((v) => v !== undefined).length;
  if (given !== 1) throw badRequest('weight must be one of { kg }, { g } or { lb, oz }', field);
  if (kg !== undefined) return { kg };
  if (g !== undefined) return { g };
  if (lb !== undefined && (!Number.isInteger(lb) || lb < 0) && oz !== undefined) {
    throw badRequest('weight.lb must be whole pounds next to ounces', 'weight.lb');
  }
  if (oz !== undefined && (oz < 0 || (lb !== undefined && oz >= 16))) {
    throw badRequest('weight.oz must be 0 to under 16 next to pounds', 'weight.oz');
  }
  return lb === undefined ? { oz: oz as number } : { lb, oz };
}

/**
 * SpO2 with the oxygen state said explicitly: a reading on oxygen charted without its flow would read as room
 * air, so `onOxygen` is required, `true` needs `oxygenFlow` and `false` (room air) takes none.
 */
function oxygenSaturation(o: unknown): VitalsInput['oxygenSaturation'] {
  const field = 'oxygenSaturation';
  if (!isObj(o)) throw badRequest(`${field} must be { value, onOxygen, oxygenFlow }`, field);
  onlyKeys(o, ['value', 'onOxygen', 'oxygenFlow'], field);
  const value = num(o.value, `${field}.value`);
  const flow = optNum(o.oxygenFlow, `${field}.oxygenFlow`);
  if (typeof o.onOxygen !== 'boolean') {
    throw badRequest(
      `${field}.onOxygen must say true (on supplemental oxygen) or false (room air)`,
      `${field}.onOxygen`
    );
  }
  if (o.onOxygen) {
    if (flow === undefined) {
      throw badRequest(
        `${field}.oxygenFlow (L/min) is needed when the patient is on oxygen`,
        `${field}.oxygenFlow`
      );
    }
    return { value, onOxygen: true, oxygenFlow: flow };
  }
  if (flow !== undefined) {
    throw badRequest(`${field}.oxygenFlow is given but onOxygen is false (room air)`, `${field}.oxygenFlow`);
  }
  return { value, onOxygen: false };
}

/** Parses the request body (400 naming the field on a shape error). */
export function parseVitals(body: unknown): VitalsInput {
  if (!isObj(body)) throw badRequest('the body must be a JSON object of vital signs');
  onlyKeys(
    body,
    [
      'bloodPressure',
      'heartRate',
      'respiratoryRate',
      'temperature',
      'oxygenSaturation',
      'height',
      'weight',
      'headCircumference',
      'pain',
      'confirm',
    ],
    'body'
  );
  const input: VitalsInput = { confirm: [] };
  if (body.bloodPressure !== undefined && body.bloodPressure !== null) {
    const list = Array.isArray(body.bloodPressure) ? body.bloodPressure : [body.bloodPressure];
    if (list.length > 10) throw badRequest('at most 10 blood pressure readings at once', 'bloodPressure');
    input.bloodPressure = list.map((reading: unknown, i) => {
      const field = `bloodPressure[${i}]`;
      if (!isObj(reading)) throw badRequest(`${field} must be { systolic, diastolic, ... }`, field);
      onlyKeys(reading, ['systolic', 'diastolic', 'position', 'arm', 'cuff'], field);
      return {
        systolic: num(reading.systolic, `${field}.systolic`),
        diastolic: num(reading.diastolic, `${field}.diastolic`),
        position: oneOf(reading.position, POSITIONS, `${field}.position`),
        arm: oneOf(reading.arm, ARMS, `${field}.arm`),
        cuff: oneOf(reading.cuff, CUFF_SIZES, `${field}.cuff`),
      };
    });
    if (input.bloodPressure.length === 0) delete input.bloodPressure;
  }
  input.heartRate = optNum(body.heartRate, 'heartRate');
  input.respiratoryRate = optNum(body.respiratoryRate, 'respiratoryRate');
  input.pain = optNum(body.pain, 'pain');
  if (body.temperature !== undefined && body.temperature !== null) {
    const t = body.temperature;
    if (!isObj(t)) throw badRequest('temperature must be { value, unit, method }', 'temperature');
    onlyKeys(t, ['value', 'unit', 'method'], 'temperature');
    const unit = t.unit === 'F' ? '[degF]' : t.unit === 'C' ? 'Cel' : t.unit;
    input.temperature = {
      value: num(t.value, 'temperature.value'),
      unit: oneOf(unit, ['Cel', '[degF]'] as const, 'temperature.unit') ?? 'Cel',
      method: oneOf(t.method, TEMPERATURE_METHODS, 'temperature.method'),
    };
  }
  if (body.oxygenSaturation !== undefined && body.oxygenSaturation !== null) {
    input.oxygenSaturation = oxygenSaturation(body.oxygenSaturation);
  }
  input.height = length(body.height, 'height');
  input.headCircumference = length(body.headCircumference, 'headCircumference');
  input.weight = weight(body.weight);
  if (body.confirm !== undefined) {
    if (!Array.isArray(body.confirm)) throw badRequest('confirm must be a list', 'confirm');
    input.confirm = body.confirm.map((c, i) => oneOf(c, CONFIRMATIONS, `confirm[${i}]`) as Confirmation);
  }
  const signs = Object.entries(input).filter(([key, v]) => key !== 'confirm' && v !== undefined);
  if (signs.length === 0) throw badRequest('give at least one vital sign', 'body');
  return input;
}
