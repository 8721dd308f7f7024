import { describe, expect, it } from 'vitest';
import {
  findAllergen,
  findDrug,
  matches,
  searchAllergens,
  searchDrugs,
} from '../../../../src/clinic/rooming/review/catalog.js';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SNOMED = 'http://snomed.info/sct';

describe('rooming catalogs (reference/catalogs)', () => {
  it('a query matches when each of its words starts a word of the display', () => {
    expect(matches('amox 500', 'Amoxicillin 500 MG Oral Tablet', '308192')).toBe(true);
    // "cillin" is inside a word, not at its start.
    expect(matches('cillin', 'Amoxicillin 500 MG Oral Tablet', '308192')).toBe(false);
    expect(matches('500 amox', 'Amoxicillin 500 MG Oral Tablet', '308192')).toBe(true);
    expect(matches('308192', 'Amoxicillin 500 MG Oral Tablet', '308192')).toBe(true);
    expect(matches('', 'anything', '1')).toBe(true);
  });

  it('drug search: by words, by code; displays starting with the query first', () => {
    expect(searchDrugs('amox 500').map((d) => d.code)).toEqual(['308192']);
    // Two amoxicillin products: 500 MG tablet (308192) and the clavulanate tablet (562251); both start
    // with "Amoxicillin", so alphabetical: "Amoxicillin 250..." before "Amoxicillin 500...".
    expect(searchDrugs('amoxicillin').map((d) => d.code)).toEqual(['562251', '308192']);
    expect(searchDrugs('314076').map((d) => d.display)).toEqual(['lisinopril 10 MG Oral Tablet']);
    expect(searchDrugs('', 5)).toHaveLength(5);
    expect(findDrug('860975')?.display).toBe(
      '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet'
    );
  });

  it('allergens: drugs as RxNorm ingredients, foods and environment as SNOMED substances', () => {
    expect(findAllergen(RXNORM, '723')).toMatchObject({ display: 'Amoxicillin', category: 'medication' });
    expect(findAllergen(RXNORM, '7052')).toMatchObject({ display: 'Morphine', category: 'medication' });
    expect(findAllergen(SNOMED, '762952008')).toMatchObject({ display: 'Peanut', category: 'food' });
    expect(findAllergen(SNOMED, '111088007')).toMatchObject({ display: 'Latex', category: 'environment' });
    expect(findAllergen(SNOMED, '723')).toBeUndefined();
    expect(searchAllergens('bee').map((a) => a.code)).toEqual(['288328004']);
    // Every drug allergen is coded RxNorm or SNOMED; none is left without a system URI.
    for (const a of searchAllergens('', 100)) expect([RXNORM, SNOMED]).toContain(a.system);
  });
});
