import { createRequire } from 'node:module';

/**
 * Vital-sign units: what the MA may type (imperial or metric) and the canonical UCUM unit each sign is stored
 * in. Conversions go through @lhncbc/ucum-lhc (the NLM's UCUM implementation), never through hand-written
 * factors. The value as entered is kept next to the canonical value (model.ts AS_ENTERED_URL), and the
 * canonical value carries enough decimals that converting it back gives the entered value to the precision it
 * was entered with (roundTripDigits below).
 */

/** The part of ucum-lhc medassist uses (the package ships no types). */
interface UcumUtils {
  convertUnitTo(
    fromUnit: string,
    fromVal: number,
    toUnit: string
  ): { status: 'succeeded' | 'failed' | 'error'; toVal: number | null; msg: string[] };
}

const require = createRequire(import.meta.url);
const ucum = (
  require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } }
).UcumLhcUtils.getInstance();

/** Converts a value between two UCUM units (throws on a unit ucum-lhc does not know: a programming error). */
export function convert(value: number, from: string, to: string): number {
  if (from === to) {
    return value;
  }
  const answer = ucum.convertUnitTo(from, value, to);
  if (answer.status !== 'succeeded' || answer.toVal === null) {
    throw new Error(`ucum-lhc cannot convert ${from} to ${to}: ${answer.msg.join('; ')}`);
  }
  return answer.toVal;
}

/** Decimal places of a number as typed (1.50 typed as the number 1.5 has 1; 1e-7 has 7, 1.5e-7 has 8). */
export function decimalsOf(value: number): number {
  const [mantissa, exponent = '0'] = String(value).split('e');
  const dot = mantissa.indexOf('.');
  const places = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, places - Number(exponent));
}

/** Rounds to `decimals` places (at most 15: beyond that 10 ** decimals overflows a double's precision). */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** Math.min(decimals, 15);
  return Math.round(value * factor) / factor;
}

/**
 * The canonical value rounded to the fewest decimals (at least `minimum`) for which converting it back to the
 * entered unit and rounding to the entered precision gives the entered value again.
 */
export function roundTripDigits(
  entered: number,
  enteredUnit: string,
  canonical: number,
  canonicalUnit: string,
  minimum: number
): number {
  const precision = decimalsOf(entered);
  for (let digits = minimum; digits <= 8; digits++) {
    const stored = roundTo(canonical, digits);
    if (roundTo(convert(stored, canonicalUnit, enteredUnit), precision) === roundTo(entered, precision)) {
      return stored;
    }
  }
  return roundTo(canonical, 8);
}

/** A measurement as stored: canonical UCUM value and unit, and the words of what was typed. */
export interface Measured {
  value: number;
  /** UCUM code of the canonical unit. */
  code: string;
  /** Human unit shown next to the value. */
  unit: string;
  /** As entered, e.g. "5 ft 7 in", "150 lb 4 oz", "98.6 °F", "170.2 cm". */
  asEntered: string;
  /** Whether the entry was in imperial units. */
  imperial: boolean;
  /** Whether the value was converted (imperial, or grams): only then is the entry kept next to it. */
  converted: boolean;
}

/** Length units the MA may type for height and head circumference. */
export type LengthEntry = { cm: number } | { ft?: number; in: number } | { ft: number; in?: number };
/** Weight as typed: kilograms, grams (newborns), or pounds and ounces. */
export type WeightEntry =
  { kg: number } | { g: number } | { lb?: number; oz: number } | { lb: number; oz?: number };
export type TemperatureUnit = 'Cel' | '[degF]';

/**
 * A length in cm: centimetres as typed, or feet + inches summed to inches (5 ft 7 in = 67 in) and converted
 * [in_i] -> cm (67 in = 170.18 cm, exact: 1 in = 2.54 cm).
 */
export function lengthInCm(entry: LengthEntry): Measured {
  if ('cm' in entry && entry.cm !== undefined) {
    return {
      value: entry.cm,
      code: 'cm',
      unit: 'cm',
      asEntered: `${entry.cm} cm`,
      imperial: false,
      converted: false,
    };
  }
  const e = entry as { ft?: number; in?: number };
  const ft = e.ft ?? 0;
  const inches = e.in ?? 0;
  const totalInches = roundTo(ft * 12 + inches, decimalsOf(inches));
  const cm = roundTripDigits(totalInches, '[in_i]', convert(totalInches, '[in_i]', 'cm'), 'cm', 2);
  const words = e.ft !== undefined ? `${ft} ft ${inches} in` : `${inches} in`;
  return { value: cm, code: 'cm', unit: 'cm', asEntered: words, imperial: true, converted: true };
}

/**
 * A weight in kg: kilograms as typed, grams / 1000, or pounds + ounces converted as pounds
 * ([lb_av] -> kg; 150 lb = 150 x 0.45359237 = 68.0388555 kg, stored 68.0389: back to lb 149.99998 -> 150).
 * Canonical kg keeps at least 4 decimals (0.1 g), enough for any newborn's weight in ounces.
 */
export function weightInKg(entry: WeightEntry): Measured {
  if ('kg' in entry && entry.kg !== undefined) {
    return {
      value: entry.kg,
      code: 'kg',
      unit: 'kg',
      asEntered: `${entry.kg} kg`,
      imperial: false,
      converted: false,
    };
  }
  if ('g' in entry && entry.g !== undefined) {
    const kg = roundTripDigits(entry.g, 'g', convert(entry.g, 'g', 'kg'), 'kg', 3);
    return { value: kg, code: 'kg', unit: 'kg', asEntered: `${entry.g} g`, imperial: false, converted: true };
  }
  const e = entry as { lb?: number; oz?: number };
  const lb = e.lb ?? 0;
  const oz = e.oz ?? 0;
  // Round-trip in the smallest unit typed: ounces when ounces were given, pounds otherwise.
  const kgExact = convert(lb, '[lb_av]', 'kg') + convert(oz, '[oz_av]', 'kg');
  const kg =
    e.oz !== undefined
      ? roundTripDigits(roundTo(lb * 16 + oz, decimalsOf(oz)), '[oz_av]', kgExact, 'kg', 4)
      : roundTripDigits(lb, '[lb_av]', kgExact, 'kg', 4);
  const words = e.oz !== undefined ? (e.lb !== undefined ? `${lb} lb ${oz} oz` : `${oz} oz`) : `${lb} lb`;
  return { value: kg, code: 'kg', unit: 'kg', asEntered: words, imperial: true, converted: true };
}

/** A temperature in Cel: [degF] -> Cel through ucum-lhc (98.6 °F = (98.6 - 32) x 5/9 = 37.0 °C). */
export function temperatureInCel(value: number, unit: TemperatureUnit): Measured {
  if (unit === 'Cel') {
    return { value, code: 'Cel', unit: 'Cel', asEntered: `${value} °C`, imperial: false, converted: false };
  }
  const cel = roundTripDigits(value, '[degF]', convert(value, '[degF]', 'Cel'), 'Cel', 1);
  return { value: cel, code: 'Cel', unit: 'Cel', asEntered: `${value} °F`, imperial: true, converted: true };
}

/** BMI = kg / m², one decimal (the R4 bmi profile's kg/m2). 68.0389 / 1.7018² = 23.49 -> 23.5. */
export function bmiOf(weightKg: number, heightCm: number): number {
  const m = heightCm / 100;
  return roundTo(weightKg / (m * m), 1);
}
