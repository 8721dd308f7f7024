/**
 * The vitals entry form as data, and the request it becomes (POST /api/rooming/encounters/:id/vitals,
 * docs/rooming/vitals.md). Pure: no I/O, no DOM (tested in test/web/rooming/vitals).
 */

export type UnitSystem = 'imperial' | 'metric';
export type Flag = 'N' | 'L' | 'H' | 'LL' | 'HH';

export interface BpRow {
  systolic: string;
  diastolic: string;
  position: string;
  arm: string;
  cuff: string;
}

export interface VitalsForm {
  units: UnitSystem;
  bp: BpRow[];
  heartRate: string;
  respiratoryRate: string;
  temperature: string;
  temperatureUnit: 'F' | 'C';
  temperatureMethod: string;
  spo2: string;
  onOxygen: boolean;
  oxygenFlow: string;
  heightFt: string;
  heightIn: string;
  heightCm: string;
  weightLb: string;
  weightOz: string;
  weightKg: string;
  head: string;
  pain: string;
}

export const POSITIONS = [
  { value: 'sitting', label: 'Sitting' },
  { value: 'standing', label: 'Standing' },
  { value: 'lying', label: 'Lying' },
];
export const ARMS = [
  { value: 'left', label: 'Left arm' },
  { value: 'right', label: 'Right arm' },
];
export const CUFFS = [
  { value: 'infant', label: 'Infant' },
  { value: 'child', label: 'Child' },
  { value: 'small-adult', label: 'Small adult' },
  { value: 'adult', label: 'Adult' },
  { value: 'large-adult', label: 'Large adult' },
  { value: 'thigh', label: 'Thigh' },
];
export const TEMPERATURE_METHODS = [
  { value: 'oral', label: 'Oral' },
  { value: 'tympanic', label: 'Tympanic (ear)' },
  { value: 'temporal', label: 'Temporal (forehead)' },
  { value: 'axillary', label: 'Axillary' },
  { value: 'rectal', label: 'Rectal' },
];

export function emptyBp(previous?: BpRow): BpRow {
  // A repeat reading keeps the position, arm and cuff of the one before (usually the same).
  return {
    systolic: '',
    diastolic: '',
    position: previous?.position ?? 'sitting',
    arm: previous?.arm ?? '',
    cuff: previous?.cuff ?? '',
  };
}

export function emptyForm(units: UnitSystem = 'imperial'): VitalsForm {
  return {
    units,
    bp: [emptyBp()],
    heartRate: '',
    respiratoryRate: '',
    temperature: '',
    temperatureUnit: units === 'imperial' ? 'F' : 'C',
    temperatureMethod: 'oral',
    spo2: '',
    onOxygen: false,
    oxygenFlow: '',
    heightFt: '',
    heightIn: '',
    heightCm: '',
    weightLb: '',
    weightOz: '',
    weightKg: '',
    head: '',
    pain: '',
  };
}

/**
 * A typed field as the request sends it: undefined when blank, a number when it reads as one, and the text
 * itself otherwise (the server then answers 400 naming the field, shown next to it).
 */
export function fieldValue(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && v !== '');
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

/** The request body of a filled form (blank signs left out; `confirm` after the weight-change question). */
export function toRequest(form: VitalsForm, confirm: string[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const bp = form.bp
    .filter((row) => row.systolic.trim() !== '' || row.diastolic.trim() !== '')
    .map((row) =>
      withoutUndefined({
        systolic: fieldValue(row.systolic),
        diastolic: fieldValue(row.diastolic),
        position: row.position || undefined,
        arm: row.arm || undefined,
        cuff: row.cuff || undefined,
      })
    );
  if (bp.length) body.bloodPressure = bp;
  const put = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  put('heartRate', fieldValue(form.heartRate));
  put('respiratoryRate', fieldValue(form.respiratoryRate));
  const temperature = fieldValue(form.temperature);
  if (temperature !== undefined) {
    body.temperature = withoutUndefined({
      value: temperature,
      unit: form.temperatureUnit === 'F' ? '[degF]' : 'Cel',
      method: form.temperatureMethod || undefined,
    });
  }
  const spo2 = fieldValue(form.spo2);
  if (spo2 !== undefined) {
    body.oxygenSaturation = withoutUndefined({
      value: spo2,
      oxygenFlow: form.onOxygen ? fieldValue(form.oxygenFlow) : undefined,
    });
  }
  if (form.units === 'imperial') {
    const ft = fieldValue(form.heightFt);
    const inches = fieldValue(form.heightIn);
    if (ft !== undefined || inches !== undefined) {
      body.height = withoutUndefined({ ft, in: ft !== undefined && inches === undefined ? 0 : inches });
    }
    const lb = fieldValue(form.weightLb);
    const oz = fieldValue(form.weightOz);
    if (lb !== undefined || oz !== undefined) body.weight = withoutUndefined({ lb, oz });
    const head = fieldValue(form.head);
    if (head !== undefined) body.headCircumference = { in: head };
  } else {
    const cm = fieldValue(form.heightCm);
    if (cm !== undefined) body.height = { cm };
    const kg = fieldValue(form.weightKg);
    if (kg !== undefined) body.weight = { kg };
    const head = fieldValue(form.head);
    if (head !== undefined) body.headCircumference = { cm: head };
  }
  put('pain', fieldValue(form.pain));
  if (confirm.length) body.confirm = confirm;
  return body;
}

/** Whether the form has anything to save. */
export function hasAnything(form: VitalsForm): boolean {
  return Object.keys(toRequest(form)).length > 0;
}

export const FLAG_WORDS: Record<Flag, string> = {
  N: 'Normal',
  L: 'Low',
  H: 'High',
  LL: 'Critical low',
  HH: 'Critical high',
};

export function flagTone(flag: Flag | undefined): 'danger' | 'warning' | undefined {
  return flag === 'HH' || flag === 'LL' ? 'danger' : flag === 'H' || flag === 'L' ? 'warning' : undefined;
}

/** UCUM codes as a person reads them. */
const UNIT_WORDS: Record<string, string> = {
  Cel: '°C',
  '[degF]': '°F',
  'mm[Hg]': 'mmHg',
  '/min': '/min',
  '%': '%',
  kg: 'kg',
  cm: 'cm',
  'kg/m2': 'kg/m²',
  '{score}': '/10',
  'L/min': 'L/min',
};

export function unitWords(code: string | undefined): string {
  return code ? (UNIT_WORDS[code] ?? code) : '';
}

export const SIGN_WORDS: Record<string, string> = {
  bloodPressure: 'Blood pressure',
  heartRate: 'Heart rate',
  respiratoryRate: 'Respiratory rate',
  temperature: 'Temperature',
  oxygenSaturation: 'SpO2',
  height: 'Height',
  weight: 'Weight',
  bmi: 'BMI',
  headCircumference: 'Head circumference',
  pain: 'Pain',
  bmiPercentile: 'BMI-for-age percentile',
  headCircumferencePercentile: 'Head circumference percentile',
  weightForLengthPercentile: 'Weight-for-length percentile',
};

/** The reading's value in words: "128/82 mmHg", "37 °C (98.6 °F entered)", "2 L/min oxygen". */
export function readingWords(reading: {
  sign: string;
  value?: number;
  unit?: string;
  asEntered?: string;
  components?: { value: number; unit: string }[];
  oxygenFlow?: number;
  roomAir?: boolean;
}): string {
  if (reading.sign === 'bloodPressure' && reading.components && reading.components.length >= 2) {
    return `${reading.components[0].value}/${reading.components[1].value} mmHg`;
  }
  const main = reading.value === undefined ? '' : `${reading.value} ${unitWords(reading.unit)}`.trim();
  const entered = reading.asEntered ? ` (entered ${reading.asEntered})` : '';
  const oxygen =
    reading.sign === 'oxygenSaturation'
      ? reading.oxygenFlow !== undefined
        ? ` on ${reading.oxygenFlow} L/min oxygen`
        : ' on room air'
      : '';
  return `${main}${entered}${oxygen}`;
}

/** Whether an error answer is the weight-change question (409 naming `weight`), answered by confirming. */
export function isWeightChangeQuestion(
  status: number | undefined,
  outcome: { issue?: { code?: string; expression?: string[] }[] } | undefined
): boolean {
  return (
    status === 409 &&
    (outcome?.issue ?? []).some((i) => i.code === 'business-rule' && (i.expression ?? []).includes('weight'))
  );
}
