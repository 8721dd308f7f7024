import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { summarizeAllergies } from '../../web/src/patient/allergySummary.js';

const patient = { reference: 'Patient/p1' };
const nkda: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  patient,
  code: {
    coding: [{ system: 'http://snomed.info/sct', code: '409137002' }],
    text: 'No known history of drug allergy',
  },
};
const penicillin: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  patient,
  code: { text: 'Penicillin' },
  criticality: 'high',
  reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'severe' }],
};
const latex: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  id: 'a2',
  patient,
  code: { text: 'Latex' },
};

describe('summarizeAllergies', () => {
  it('warns when nothing is recorded', () => {
    expect(summarizeAllergies([])).toEqual({ kind: 'not-recorded' });
  });

  it('says "no known drug allergies" when the only entries are the NKDA code', () => {
    expect(summarizeAllergies([nkda])).toEqual({ kind: 'no-known-drug-allergies' });
  });

  it('lists allergies, high risk first, ignoring an NKDA entry beside them', () => {
    const summary = summarizeAllergies([latex, nkda, penicillin]);
    expect(summary).toEqual({
      kind: 'allergies',
      items: [
        { id: 'a1', text: 'Penicillin', high: true, reactions: ['Hives'] },
        { id: 'a2', text: 'Latex', high: false, reactions: [] },
      ],
    });
  });

  it('leaves out entries entered in error or resolved', () => {
    const wrong: AllergyIntolerance = {
      ...latex,
      verificationStatus: { coding: [{ code: 'entered-in-error' }] },
    };
    const resolved: AllergyIntolerance = {
      ...penicillin,
      clinicalStatus: { coding: [{ code: 'resolved' }] },
    };
    expect(summarizeAllergies([wrong, resolved])).toEqual({ kind: 'not-recorded' });
  });
});
