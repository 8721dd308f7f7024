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
    // The oxygen state is always said (the server refuses SpO2 without it): room air only when unticked.
    body.oxygenSaturation = form.onOxygen
      ? withoutUndefined({ value: spo2, onOxygen: true, oxygenFlow: fieldValue(form.oxygenFlow) })
      : { value: spo2, onOxygen: false };
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

/** A problem the form catches before sending: the field (as the server would name it) and the words. */
export interface FormProblem {
  field: string;
  message: string;
}

/**
 * What the form refuses before sending. "On supplemental O2" ticked with no flow would otherwise lose the
 * oxygen and chart the reading as if on room air; a flow with no SpO2 would be lost without a word.
 */
export function formProblem(form: VitalsForm): FormProblem | undefined {
  if (!form.onOxygen) return undefined;
  const spo2 = form.spo2.trim() !== '';
  const flow = form.oxygenFlow.trim() !== '';
  if (spo2 && !flow) {
    return {
      field: 'oxygenSaturation.oxygenFlow',
      message: 'Enter the O2 flow (L/min), or untick "On supplemental O2" if the patient is on room air',
    };
  }
  if (flow && !spo2) {
    return { field: 'oxygenSaturation.value', message: 'Enter the oxygen saturation measured on this flow' };
  }
  return undefined;
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
  // Room air only when recorded so: an older or imported reading without either says nothing.
  const oxygen =
    reading.sign !== 'oxygenSaturation'
      ? ''
      : reading.oxygenFlow !== undefined
        ? ` on ${reading.oxygenFlow} L/min oxygen`
        : reading.roomAir
          ? ' on room air'
          : '';
  return `${main}${entered}${oxygen}`;
}

/** A saved set's critical values, as far as the banner needs them (vitalsApi.ts RecordedVitals). */
export interface CriticalNotices {
  repeatAdvised: boolean;
  critical: { sign: string; notice?: { status: 'sent' | 'already-open' } }[];
}

function signList(signs: string[]): string {
  const words = [...new Set(signs)].map((s) =>
    s === 'oxygenSaturation' ? 'SpO2' : (SIGN_WORDS[s] ?? s).toLowerCase()
  );
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words[0];
}

const OPEN_NOTICE = '(open notice, not yet acknowledged)';

/**
 * The critical-value banner's words, true to what the save did: "has been notified" only for a notice sent
 * now; "was already notified (open notice ...)" for a sign whose notice of the same flag the provider has not
 * acknowledged yet (the server sent no second one).
 */
export function criticalBanner(saved: CriticalNotices): string | undefined {
  if (!saved.repeatAdvised) return undefined;
  const sent = saved.critical.filter((c) => c.notice?.status === 'sent').map((c) => c.sign);
  const open = saved.critical.filter((c) => c.notice?.status === 'already-open').map((c) => c.sign);
  if (sent.length && open.length) {
    return (
      `Repeat the reading; the provider has been notified of the ${signList(sent)} and was already ` +
      `notified of the ${signList(open)} ${OPEN_NOTICE}.`
    );
  }
  if (sent.length) return 'Repeat the reading; the provider has been notified.';
  if (open.length)
    return `Repeat the reading; the provider was already notified ${OPEN_NOTICE}: no new notice was sent.`;
  return 'Repeat the reading and tell the provider: no notice was sent.';
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
