import type { MedicationStatement } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { isNoMedications } from '../../web/src/patient/medicationSummary.js';

const statement = (coding: { system: string; code: string }[]): MedicationStatement => ({
  resourceType: 'MedicationStatement',
  status: 'active',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { coding },
});

describe('the "no known medications" entry', () => {
  it('is SNOMED CT 787481004 and nothing else', () => {
    expect(isNoMedications(statement([{ system: 'http://snomed.info/sct', code: '787481004' }]))).toBe(true);
    // RxNorm 197361 (amlodipine 5 mg tablet) is a drug; the same digits in another system are not the entry.
    expect(
      isNoMedications(statement([{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197361' }]))
    ).toBe(false);
    expect(isNoMedications(statement([{ system: 'http://example.org', code: '787481004' }]))).toBe(false);
    expect(
      isNoMedications({
        resourceType: 'MedicationStatement',
        status: 'active',
        subject: { reference: 'Patient/p1' },
      })
    ).toBe(false);
  });
});
