import { describe, expect, it } from 'vitest';
import {
  ageGroupOf,
  bloodPressureRange,
  flagOf,
  rangeOf,
  worseFlag,
} from '../../../../src/clinic/rooming/vitals/ranges.js';

const YEAR = 365.25;
const adult = 40 * YEAR;
const flag = (sign: Parameters<typeof rangeOf>[0], value: number, ageDays = adult, sex?: 'male' | 'female') =>
  flagOf(value, rangeOf(sign, ageDays, sex));

describe('age groups', () => {
  it('PALS bands at their edges', () => {
    expect(ageGroupOf(0)).toBe('newborn');
    expect(ageGroupOf(27)).toBe('newborn');
    expect(ageGroupOf(28)).toBe('infant');
    expect(ageGroupOf(364)).toBe('infant');
    expect(ageGroupOf(366)).toBe('toddler');
    expect(ageGroupOf(3 * YEAR)).toBe('child');
    expect(ageGroupOf(12 * YEAR)).toBe('adolescent');
    expect(ageGroupOf(18 * YEAR)).toBe('adult');
    expect(ageGroupOf(undefined)).toBe('adult');
  });
});

describe('adult flags at the boundaries', () => {
  it('heart rate: normal 60-100; NEWS2 red <= 40 and >= 131', () => {
    expect(flag('heartRate', 60)).toBe('N');
    expect(flag('heartRate', 100)).toBe('N');
    expect(flag('heartRate', 101)).toBe('H');
    expect(flag('heartRate', 130)).toBe('H');
    expect(flag('heartRate', 131)).toBe('HH');
    expect(flag('heartRate', 59)).toBe('L');
    expect(flag('heartRate', 41)).toBe('L');
    expect(flag('heartRate', 40)).toBe('LL');
  });

  it('respiratory rate: normal 12-20; <= 8 LL, >= 25 HH', () => {
    expect(flag('respiratoryRate', 20)).toBe('N');
    expect(flag('respiratoryRate', 21)).toBe('H');
    expect(flag('respiratoryRate', 25)).toBe('HH');
    expect(flag('respiratoryRate', 9)).toBe('L');
    expect(flag('respiratoryRate', 8)).toBe('LL');
  });

  it('blood pressure: 129 N, 130 H, 179 H, 180 HH; diastolic 79 N, 80 H, 120 HH; systolic 89 L, 79 LL', () => {
    expect(flag('systolic', 129)).toBe('N');
    expect(flag('systolic', 130)).toBe('H');
    expect(flag('systolic', 179)).toBe('H');
    expect(flag('systolic', 180)).toBe('HH');
    expect(flag('diastolic', 79)).toBe('N');
    expect(flag('diastolic', 80)).toBe('H');
    expect(flag('diastolic', 119)).toBe('H');
    expect(flag('diastolic', 120)).toBe('HH');
    expect(flag('systolic', 89)).toBe('L');
    expect(flag('systolic', 79)).toBe('LL');
  });

  it('SpO2: 95 N, 94 L, 90 L, 89 LL (critical below 90)', () => {
    expect(flag('oxygenSaturation', 100)).toBe('N');
    expect(flag('oxygenSaturation', 95)).toBe('N');
    expect(flag('oxygenSaturation', 94)).toBe('L');
    expect(flag('oxygenSaturation', 90)).toBe('L');
    expect(flag('oxygenSaturation', 89)).toBe('LL');
  });

  it('temperature: 37.9 N, 38.0 H (fever), 40.0 HH; 35.9 L, 34.9 LL', () => {
    expect(flag('temperature', 37.9)).toBe('N');
    expect(flag('temperature', 38.0)).toBe('H');
    expect(flag('temperature', 39.9)).toBe('H');
    expect(flag('temperature', 40.0)).toBe('HH');
    expect(flag('temperature', 35.9)).toBe('L');
    expect(flag('temperature', 35.0)).toBe('L');
    expect(flag('temperature', 34.9)).toBe('LL');
  });
});

describe('children', () => {
  it('a fever of 38.0 in a 10-day-old is critical (AAP 2021), in a 2-year-old only high', () => {
    expect(flag('temperature', 38.0, 10)).toBe('HH');
    expect(flag('temperature', 38.0, 2 * YEAR)).toBe('H');
  });

  it('heart rate 150 is normal for an infant (100-180), high for a child (75-120), critical for an adult', () => {
    expect(flag('heartRate', 150, 100)).toBe('N');
    expect(flag('heartRate', 150, 7 * YEAR)).toBe('H');
    expect(flag('heartRate', 150, adult)).toBe('HH');
    // Infant 201 -> HH (critical from 201), 79 -> LL (below 80).
    expect(flag('heartRate', 201, 100)).toBe('HH');
    expect(flag('heartRate', 79, 100)).toBe('LL');
  });

  it('respiratory rate 40 is normal for a newborn (30-60), high for a toddler (22-37)', () => {
    expect(flag('respiratoryRate', 40, 5)).toBe('N');
    expect(flag('respiratoryRate', 40, 2 * YEAR)).toBe('H');
  });

  it('AAP 2017 screening table: a 5-year-old boy is high from 103 systolic, a girl from 104', () => {
    const age5 = 5 * YEAR + 30;
    expect(flag('systolic', 102, age5, 'male')).toBe('N');
    expect(flag('systolic', 103, age5, 'male')).toBe('H');
    expect(flag('systolic', 103, age5, 'female')).toBe('N');
    expect(flag('systolic', 104, age5, 'female')).toBe('H');
    // Sex unknown: the lower of the two (103).
    expect(flag('systolic', 103, age5, undefined)).toBe('H');
    // HH from screening + 35 = 138 (boy); LL below PALS hypotension 70 + 2 x 5 = 80.
    expect(flag('systolic', 137, age5, 'male')).toBe('H');
    expect(flag('systolic', 138, age5, 'male')).toBe('HH');
    expect(flag('systolic', 80, age5, 'male')).toBe('L');
    expect(flag('systolic', 79, age5, 'male')).toBe('LL');
    // Diastolic: boy 5 y screening 63.
    expect(flag('diastolic', 62, age5, 'male')).toBe('N');
    expect(flag('diastolic', 63, age5, 'male')).toBe('H');
  });

  it('an adolescent (15 y) follows the AAP 2017 adult-like cut-offs: 120 H, 180 HH', () => {
    const range = bloodPressureRange('systolic', 15 * YEAR, 'female');
    expect(flagOf(119, range)).toBe('N');
    expect(flagOf(120, range)).toBe('H');
    expect(flagOf(180, range)).toBe('HH');
  });

  it('a newborn below PALS hypotension (< 60) is LL', () => {
    expect(flag('systolic', 59, 3)).toBe('LL');
    expect(flag('systolic', 70, 3)).toBe('N');
  });
});

describe('worse flag', () => {
  it('critical beats abnormal beats normal', () => {
    expect(worseFlag('N', 'H')).toBe('H');
    expect(worseFlag('H', 'HH')).toBe('HH');
    expect(worseFlag('LL', 'H')).toBe('LL');
  });
});
