/**
 * Allergies at a glance, for the banner: a list, "No known drug allergies", or "Allergies not recorded".
 * Pure: no I/O, no DOM.
 */
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { conceptText } from './display.js';

/** SNOMED CT codes that assert an absence of allergies rather than an allergy. */
const SNOMED = 'http://snomed.info/sct';
export const NO_KNOWN_DRUG_ALLERGY = '409137002';
const NO_KNOWN_ALLERGY_CODES = new Set([NO_KNOWN_DRUG_ALLERGY, '716186003' /* no known allergy */]);

export type AllergySummary =
  | { kind: 'not-recorded' }
  | { kind: 'no-known-drug-allergies' }
  | { kind: 'allergies'; items: AllergyItem[] };

export interface AllergyItem {
  id?: string;
  text: string;
  /** "high" criticality, or a severe reaction: shown first and marked. */
  high: boolean;
  reactions: string[];
}

/** True for an entry that records "no known (drug) allergy" rather than an allergy. */
export function isNoKnownAllergy(allergy: AllergyIntolerance): boolean {
  return (
    allergy.code?.coding?.some(
      (c) => (c.system === SNOMED || !c.system) && NO_KNOWN_ALLERGY_CODES.has(c.code ?? '')
    ) ?? false
  );
}

/** Entries that no longer apply (entered in error, refuted, resolved) are left out. */
export function isCurrentAllergy(allergy: AllergyIntolerance): boolean {
  const verification = allergy.verificationStatus?.coding?.map((c) => c.code) ?? [];
  const clinical = allergy.clinicalStatus?.coding?.map((c) => c.code) ?? [];
  if (verification.includes('entered-in-error') || verification.includes('refuted')) return false;
  return !clinical.includes('inactive') && !clinical.includes('resolved');
}

/** Summarises a patient's AllergyIntolerance entries for the banner. */
export function summarizeAllergies(allergies: readonly AllergyIntolerance[]): AllergySummary {
  const current = allergies.filter(isCurrentAllergy);
  if (current.length === 0) return { kind: 'not-recorded' };
  const real = current.filter((a) => !isNoKnownAllergy(a));
  if (real.length === 0) return { kind: 'no-known-drug-allergies' };
  const items = real.map((a): AllergyItem => {
    const reactions = (a.reaction ?? []).flatMap((r) => r.manifestation.map(conceptText)).filter(Boolean);
    const high = a.criticality === 'high' || (a.reaction ?? []).some((r) => r.severity === 'severe');
    return {
      id: a.id,
      text: conceptText(a.code) || 'Unnamed allergy',
      high,
      reactions: [...new Set(reactions)],
    };
  });
  items.sort((x, y) => Number(y.high) - Number(x.high) || x.text.localeCompare(y.text));
  return { kind: 'allergies', items };
}
