import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { latestVitals, series } from '../../web/src/chart/vitals.js';

const loinc = (code: string) => ({ coding: [{ system: 'http://loinc.org', code }] });
const subject = { reference: 'Patient/p1' };

function bp(when: string, sys: number, dia: number): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    subject,
    code: loinc('85354-9'),
    effectiveDateTime: when,
    component: [
      { code: loinc('8480-6'), valueQuantity: { value: sys, unit: 'mmHg' } },
      { code: loinc('8462-4'), valueQuantity: { value: dia, unit: 'mmHg' } },
    ],
  };
}

function weight(when: string, kg: number, status: Observation['status'] = 'final'): Observation {
  return {
    resourceType: 'Observation',
    status,
    subject,
    code: loinc('29463-7'),
    effectiveDateTime: when,
    valueQuantity: { value: kg, unit: 'kg' },
  };
}

describe('latestVitals', () => {
  it('takes the newest reading of each sign, skipping readings entered in error', () => {
    const latest = latestVitals([
      bp('2025-01-01T10:00:00Z', 150, 95),
      weight('2026-01-01T10:00:00Z', 99, 'entered-in-error'),
      bp('2026-01-01T10:00:00Z', 128, 82),
      weight('2025-06-01T10:00:00Z', 81.5),
    ]);
    expect(latest).toEqual([
      { code: '85354-9', label: 'Blood pressure', value: '128/82 mmHg', when: '2026-01-01T10:00:00Z' },
      { code: '29463-7', label: 'Weight', value: '81.5 kg', when: '2025-06-01T10:00:00Z' },
    ]);
  });
});

describe('series', () => {
  it('gives the last readings oldest first, from components for blood pressure', () => {
    const obs = [bp('2026-03-01', 130, 85), bp('2026-01-01', 120, 80), bp('2026-02-01', 125, 82)];
    expect(series(obs, '85354-9', 2, '8480-6')).toEqual([
      { when: '2026-02-01', value: 125 },
      { when: '2026-03-01', value: 130 },
    ]);
    expect(series(obs, '85354-9', 5, '8462-4').map((p) => p.value)).toEqual([80, 82, 85]);
  });
});
