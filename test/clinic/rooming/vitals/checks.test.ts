import { describe, expect, it } from 'vitest';
import { isOutcomeError } from '../../../../src/fhir/outcome.js';
import { checkImpossible, weightChangeToConfirm } from '../../../../src/clinic/rooming/vitals/checks.js';
import { parseVitals, type VitalsInput } from '../../../../src/clinic/rooming/vitals/input.js';
import { measure } from '../../../../src/clinic/rooming/vitals/record.js';

const YEAR = 365.25;
const NOW = new Date('2026-11-27T15:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();

/** The status and named field of the check's refusal, or undefined when it passes. */
function refusal(input: Omit<VitalsInput, 'confirm'>, ageDays = 40 * YEAR) {
  const full: VitalsInput = { ...input, confirm: [] };
  try {
    checkImpossible(full, measure(full), ageDays);
    return undefined;
  } catch (err) {
    if (!isOutcomeError(err)) throw err;
    const issue = err.outcome.issue?.[0];
    return { status: err.status, code: issue?.code, field: issue?.expression?.[0] };
  }
}

describe('impossible values are refused (422, business-rule) naming the field', () => {
  it.each([
    [{ bloodPressure: [{ systolic: 80, diastolic: 120 }] }, 'bloodPressure[0].systolic'],
    [{ bloodPressure: [{ systolic: 120, diastolic: 120 }] }, 'bloodPressure[0].systolic'],
    [
      {
        bloodPressure: [
          { systolic: 120, diastolic: 80 },
          { systolic: 400, diastolic: 80 },
        ],
      },
      'bloodPressure[1].systolic',
    ],
    [{ temperature: { value: 200, unit: '[degF]' } }, 'temperature.value'],
    [{ temperature: { value: 76.9, unit: '[degF]' } }, 'temperature.value'],
    [{ temperature: { value: 98.6, unit: 'Cel' } }, 'temperature.value'],
    [{ temperature: { value: 24.9, unit: 'Cel' } }, 'temperature.value'],
    [{ oxygenSaturation: { value: 101, onOxygen: false } }, 'oxygenSaturation.value'],
    [{ height: { cm: 300 } }, 'height'],
    [{ height: { ft: 0, in: 5 } }, 'height'],
    [{ weight: { kg: 700 } }, 'weight'],
    [{ weight: { lb: 0.2 } }, 'weight'],
    [{ pain: 11 }, 'pain'],
    [{ pain: 2.5 }, 'pain'],
    [{ pain: -1 }, 'pain'],
    [{ heartRate: 400 }, 'heartRate'],
    [{ headCircumference: { cm: 45 } }, 'headCircumference'],
  ] as [Omit<VitalsInput, 'confirm'>, string][])('%j -> %s', (input, field) => {
    expect(refusal(input)).toEqual({ status: 422, code: 'business-rule', field });
  });

  it('the limits themselves pass: 113 °F, 45 °C, 77 °F, SpO2 100, pain 0 and 10, head circumference at 2 years', () => {
    expect(refusal({ temperature: { value: 113, unit: '[degF]' } })).toBeUndefined();
    expect(refusal({ temperature: { value: 77, unit: '[degF]' } })).toBeUndefined();
    expect(refusal({ temperature: { value: 45, unit: 'Cel' } })).toBeUndefined();
    expect(refusal({ oxygenSaturation: { value: 100, onOxygen: false } })).toBeUndefined();
    expect(refusal({ pain: 0 })).toBeUndefined();
    expect(refusal({ pain: 10 })).toBeUndefined();
    expect(refusal({ headCircumference: { cm: 48 } }, 2 * YEAR)).toBeUndefined();
    expect(refusal({ bloodPressure: [{ systolic: 121, diastolic: 120 }] })).toBeUndefined();
  });
});

describe('weight change rule', () => {
  it('adult: +20% within 30 days asks, +19% does not; 70 kg -> 154 kg (lb typed as kg, +120%) asks', () => {
    // 70 x 1.2 = 84 -> exactly 20%: asks. 83.3 / 70 = 1.19: no.
    expect(weightChangeToConfirm(84, { kg: 70, effective: daysAgo(7) }, 40 * YEAR, NOW)).toBeCloseTo(0.2, 5);
    expect(weightChangeToConfirm(83.3, { kg: 70, effective: daysAgo(7) }, 40 * YEAR, NOW)).toBeUndefined();
    expect(weightChangeToConfirm(154, { kg: 70, effective: daysAgo(7) }, 40 * YEAR, NOW)).toBeCloseTo(1.2, 5);
    // kg typed as lb: 70 kg entered as "70 lb" = 31.75 kg: -55%.
    expect(weightChangeToConfirm(31.75, { kg: 70, effective: daysAgo(7) }, 40 * YEAR, NOW)).toBeCloseTo(
      -0.546,
      3
    );
  });

  it('adult: after 30 days only a 50% change asks; after a year nothing is compared', () => {
    expect(weightChangeToConfirm(90, { kg: 70, effective: daysAgo(60) }, 40 * YEAR, NOW)).toBeUndefined();
    expect(weightChangeToConfirm(105, { kg: 70, effective: daysAgo(60) }, 40 * YEAR, NOW)).toBeCloseTo(
      0.5,
      5
    );
    expect(weightChangeToConfirm(154, { kg: 70, effective: daysAgo(400) }, 40 * YEAR, NOW)).toBeUndefined();
  });

  it('infant: a growing baby (3.5 -> 5.0 kg in 45 days, +43%) passes; x2.2 (lb as kg) asks', () => {
    expect(weightChangeToConfirm(5.0, { kg: 3.5, effective: daysAgo(45) }, 100, NOW)).toBeUndefined();
    expect(weightChangeToConfirm(11, { kg: 5.0, effective: daysAgo(14) }, 100, NOW)).toBeCloseTo(1.2, 5);
  });

  it('no last weight: nothing to compare', () => {
    expect(weightChangeToConfirm(70, undefined, 40 * YEAR, NOW)).toBeUndefined();
  });
});

describe('absurd magnitudes are refused before any unit conversion', () => {
  it('a height of 1e308 inches is a 400 naming the field, not a conversion error', () => {
    let caught: unknown;
    try {
      parseVitals({ height: { in: 1e308 } });
    } catch (err) {
      caught = err;
    }
    expect(isOutcomeError(caught)).toBe(true);
    expect(JSON.stringify(caught)).toContain('height');
  });
});

/** The status and named field of parseVitals' refusal, or undefined when it parses. */
function parseRefusal(body: unknown) {
  try {
    parseVitals(body);
    return undefined;
  } catch (err) {
    if (!isOutcomeError(err)) throw err;
    const issue = err.outcome.issue?.[0];
    return { status: err.status, code: issue?.code, field: issue?.expression?.[0] };
  }
}

describe('values finer than 4 decimals are refused (400 naming the field) before any unit conversion', () => {
  // 1e-320 in would ask the round trip for 320 decimals (10 ** 320 = Infinity -> NaN -> a plain Error: 500).
  it.each([
    [{ height: { in: 1e-320 } }, 'height.in'],
    [{ height: { ft: 5, in: 7.00001 } }, 'height.in'],
    [{ height: { cm: 0.00001 } }, 'height.cm'],
    [{ headCircumference: { in: 1e-320 } }, 'headCircumference.in'],
    [{ headCircumference: { cm: 44.50001 } }, 'headCircumference.cm'],
    [{ weight: { kg: 1e-320 } }, 'weight.kg'],
    [{ weight: { lb: 150, oz: 1.5e-7 } }, 'weight.oz'],
    [{ weight: { g: 3400.00001 } }, 'weight.g'],
    [{ temperature: { value: 98.60001, unit: '[degF]' } }, 'temperature.value'],
    [{ temperature: { value: 1e-320, unit: 'Cel' } }, 'temperature.value'],
  ])('%j -> 400 naming %s', (body, field) => {
    expect(parseRefusal(body)).toEqual({ status: 400, code: 'invalid', field });
  });

  it('4 decimals pass and convert (0.0001 in, 0.1 g in kg); 0 passes the parser (checks.ts judges it)', () => {
    expect(parseRefusal({ height: { ft: 5, in: 7.0001 } })).toBeUndefined();
    expect(parseRefusal({ weight: { kg: 3.4001 } })).toBeUndefined();
    expect(parseRefusal({ temperature: { value: 37.0625, unit: 'Cel' } })).toBeUndefined();
    expect(parseRefusal({ weight: { lb: 7, oz: 0 } })).toBeUndefined();
    // 67.0001 in x 2.54 = 170.180254 cm: kept to the digits that give 67.0001 in back (170.1803 -> 67.00012).
    const parsed = parseVitals({ height: { ft: 5, in: 7.0001 } });
    expect(measure(parsed).height?.value).toBe(170.1803);
  });
});

describe('SpO2 says its oxygen state: onOxygen true needs the flow, false is room air', () => {
  it.each([
    [{ oxygenSaturation: { value: 91, onOxygen: true } }, 'oxygenSaturation.oxygenFlow'],
    [{ oxygenSaturation: { value: 91, onOxygen: false, oxygenFlow: 2 } }, 'oxygenSaturation.oxygenFlow'],
    [{ oxygenSaturation: { value: 91 } }, 'oxygenSaturation.onOxygen'],
    [{ oxygenSaturation: { value: 91, oxygenFlow: 2 } }, 'oxygenSaturation.onOxygen'],
    [{ oxygenSaturation: { value: 91, onOxygen: 'yes', oxygenFlow: 2 } }, 'oxygenSaturation.onOxygen'],
    [{ oxygenSaturation: 91 }, 'oxygenSaturation'],
  ])('%j -> 400 naming %s', (body, field) => {
    expect(parseRefusal(body)).toEqual({ status: 400, code: 'invalid', field });
  });

  it('parses room air and oxygen with its flow', () => {
    expect(parseVitals({ oxygenSaturation: { value: 97, onOxygen: false } }).oxygenSaturation).toEqual({
      value: 97,
      onOxygen: false,
    });
    expect(
      parseVitals({ oxygenSaturation: { value: 91, onOxygen: true, oxygenFlow: 2 } }).oxygenSaturation
    ).toEqual({ value: 91, onOxygen: true, oxygenFlow: 2 });
  });
});
