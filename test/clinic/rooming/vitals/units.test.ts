import { describe, expect, it } from 'vitest';
import {
  bmiOf,
  convert,
  decimalsOf,
  lengthInCm,
  temperatureInCel,
  weightInKg,
} from '../../../../src/clinic/rooming/vitals/units.js';

describe('vital-sign units (ucum-lhc)', () => {
  it('height: 5 ft 7 in = 67 in = 67 x 2.54 = 170.18 cm, kept as entered', () => {
    expect(lengthInCm({ ft: 5, in: 7 })).toEqual({
      value: 170.18,
      code: 'cm',
      unit: 'cm',
      asEntered: '5 ft 7 in',
      imperial: true,
      converted: true,
    });
    // 67.5 in x 2.54 = 171.45 cm (exact); 6 ft 0 in = 72 in = 182.88 cm.
    expect(lengthInCm({ in: 67.5 }).value).toBe(171.45);
    expect(lengthInCm({ ft: 6, in: 0 }).value).toBe(182.88);
    expect(lengthInCm({ cm: 170.2 })).toMatchObject({ value: 170.2, asEntered: '170.2 cm', imperial: false });
  });

  it('weight: 150 lb = 150 x 0.45359237 = 68.0388555 kg, stored 68.0389 (back: 149.99998 lb -> 150)', () => {
    const w = weightInKg({ lb: 150 });
    expect(w).toMatchObject({ value: 68.0389, code: 'kg', asEntered: '150 lb', imperial: true });
    expect(Math.round(convert(w.value, 'kg', '[lb_av]'))).toBe(150);
  });

  it('weight: 7 lb 8 oz = 120 oz x 0.028349523125 = 3.4019427750 kg -> 3.4019 kg, and back to 120 oz', () => {
    const w = weightInKg({ lb: 7, oz: 8 });
    expect(w.value).toBe(3.4019);
    expect(w.asEntered).toBe('7 lb 8 oz');
    // 3.4019 kg / 0.028349523125 = 119.99990 oz -> 120.
    expect(Math.round(convert(w.value, 'kg', '[oz_av]'))).toBe(120);
  });

  it('weight: ounces to a tenth keep enough kg decimals to come back: 7 lb 8.3 oz = 120.3 oz', () => {
    // 120.3 x 0.028349523125 = 3.41044763 kg; at 4 decimals 3.4104 kg -> 120.2984 oz -> 120.3 (one decimal).
    const w = weightInKg({ lb: 7, oz: 8.3 });
    expect(w.value).toBe(3.4104);
    expect(Math.round(convert(w.value, 'kg', '[oz_av]') * 10) / 10).toBe(120.3);
  });

  it('weight in kg and grams', () => {
    expect(weightInKg({ kg: 72.5 })).toMatchObject({ value: 72.5, imperial: false, asEntered: '72.5 kg' });
    expect(weightInKg({ g: 3450 })).toMatchObject({ value: 3.45, asEntered: '3450 g', converted: true });
  });

  it('temperature: 98.6 °F = (98.6 - 32) x 5/9 = 37.0 °C; 98.7 °F = 37.0556 -> 37.06 (37.1 would read back 98.8)', () => {
    expect(temperatureInCel(98.6, '[degF]')).toMatchObject({ value: 37, code: 'Cel', asEntered: '98.6 °F' });
    expect(temperatureInCel(98.7, '[degF]').value).toBe(37.06);
    // 100.4 °F = 68.4 x 5/9 = 38.0 °C.
    expect(temperatureInCel(100.4, '[degF]').value).toBe(38);
    expect(temperatureInCel(36.8, 'Cel')).toMatchObject({ value: 36.8, imperial: false, converted: false });
  });

  it('BMI: 68.0389 / 1.7018^2 = 68.0389 / 2.89612324 = 23.493 -> 23.5', () => {
    expect(bmiOf(68.0389, 170.18)).toBe(23.5);
    // 90 / 1.8^2 = 27.777 -> 27.8
    expect(bmiOf(90, 180)).toBe(27.8);
  });

  it('decimals as typed', () => {
    expect(decimalsOf(150)).toBe(0);
    expect(decimalsOf(98.6)).toBe(1);
    expect(decimalsOf(0.25)).toBe(2);
    // Exponent notation: 1e-7 = 0.0000001 (7 places), 1.5e-7 = 0.00000015 (8 places).
    expect(decimalsOf(1e-7)).toBe(7);
    expect(decimalsOf(1.5e-7)).toBe(8);
  });
});
