import type { CodeableConcept } from '@medplum/fhirtypes';
import { EXT, LOINC, SNOMED } from '../model.js';

/**
 * The codes of procedure consent, procedure assistance and wound documentation (docs/rooming/procedures.md).
 * Every code below was checked against a public source before use (noted per list); anything else a clinic
 * needs is entered as text (CodeableConcept.text without a coding).
 */

/**
 * Office procedures an MA assists with, SNOMED CT. Sources: the Synthea R4 sample data shipped in
 * ../../../shared/data/synthea-r4 (288086009, 65200003, 169553002, 301807007, 28163009), FHIR R4's
 * procedure-followup value set (30549001, 18949003), FHIR specimen examples (240977001 "Biopsy of skin").
 */
export const PROCEDURE_CATALOG = [
  { code: '240977001', display: 'Biopsy of skin' },
  { code: '288086009', display: 'Suture open wound' },
  { code: '30549001', display: 'Removal of suture' },
  { code: '18949003', display: 'Change of dressing' },
  { code: '65200003', display: 'Insertion of intrauterine contraceptive device' },
  { code: '169553002', display: 'Insertion of subcutaneous contraceptive' },
  { code: '301807007', display: 'Removal of subcutaneous contraceptive' },
  { code: '28163009', display: 'Skin test for tuberculosis' },
] as const;

/**
 * Body structures for wounds and procedure sites, SNOMED CT (checked against DICOM/SNOMED anatomy tables
 * in public code: 89545001 Face, 40983000 Upper arm, 14975008 Forearm, 85562004 Hand, 77568009 Back,
 * 68367000 Thigh, 30021000 Lower leg, 56459004 Foot). Laterality travels as text ("left forearm").
 */
export const BODY_SITES = [
  { code: '89545001', display: 'Face' },
  { code: '40983000', display: 'Upper arm' },
  { code: '14975008', display: 'Forearm' },
  { code: '85562004', display: 'Hand' },
  { code: '77568009', display: 'Back' },
  { code: '68367000', display: 'Thigh' },
  { code: '30021000', display: 'Lower leg' },
  { code: '56459004', display: 'Foot' },
] as const;

export const LATERALITIES = ['left', 'right', 'bilateral'] as const;
export type Laterality = (typeof LATERALITIES)[number];

/**
 * Wound size, LOINC (the HL7 Lower Extremity Skin Wound Assessment IG's WoundSize profile uses exactly these:
 * panel 72287-6 with components length 39126-8, width 39125-0, depth 39127-6, area 89260-4).
 */
export const WOUND_LOINC = {
  panel: { code: '72287-6', display: 'Wound size panel' },
  length: { code: '39126-8', display: 'Length of Wound' },
  width: { code: '39125-0', display: 'Width of Wound' },
  depth: { code: '39127-6', display: 'Depth of Wound' },
  area: { code: '89260-4', display: 'Area of wound' },
} as const;

/** LOINC 59284-0 Consent Document (FHIR R4's consent-category examples): the consent's document type. */
export const CONSENT_DOCUMENT_LOINC = { code: '59284-0', display: 'Consent Document' } as const;

/**
 * Procedure.performer.function: HL7 v3 ParticipationType. PPRF "primary performer" for the provider, SPRF
 * "secondary performer" for the MA: HL7 defines SPRF as a person assisting in an act through their
 * substantial presence and involvement, which includes assistants and technicians.
 */
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const PRIMARY_PERFORMER = { code: 'PPRF', display: 'primary performer' } as const;
export const ASSISTANT = { code: 'SPRF', display: 'secondary performer' } as const;

/** The stable id of one wound over visits: Observation.identifier and Media.identifier in this system. */
export const WOUND_ID_SYSTEM = 'urn:medassist:wound';

/** The procedure consent category code (model.ts CONSENT_CATEGORY_SYSTEM). */
export const PROCEDURE_CONSENT_CODE = 'procedure-consent';

/** The visit a procedure consent belongs to, on the Consent: valueReference Encounter/<id>. */
export const CONSENT_ENCOUNTER_URL = `${EXT}/consent-encounter`;
/** Who explained the procedure (the provider), on the Consent: valueReference Practitioner/<id>. */
export const CONSENT_EXPLAINED_BY_URL = `${EXT}/consent-explained-by`;
/** The witness, on the Consent: sub-extensions `name` (valueString) and `signedAt` (valueDateTime). */
export const CONSENT_WITNESS_URL = `${EXT}/consent-witness`;
/** What was explained, on the Consent: sub-extensions `risks`, `benefits`, `alternatives` (valueString). */
export const CONSENT_EXPLANATION_URL = `${EXT}/consent-explanation`;
/** The consent a procedure was done under, on the Procedure: valueReference Consent/<id>. */
export const PROCEDURE_CONSENT_URL = `${EXT}/procedure-consent`;
/** How much of a supply was used, on Procedure.usedCode: valueQuantity. */
export const QUANTITY_USED_URL = `${EXT}/quantity-used`;
/** The wound's description, on the Observation: sub-extensions appearance, drainage, edges (valueString). */
export const WOUND_DESCRIPTION_URL = `${EXT}/wound-description`;

export interface CodedInput {
  /** A catalog code (SNOMED CT). */
  code?: string;
  /** Free text (used alone when nothing in the catalog fits). */
  text?: string;
}

/** A catalog entry or free text as a CodeableConcept (the catalog's display is the text). */
export function conceptOf(
  input: CodedInput,
  catalog: readonly { code: string; display: string }[]
): CodeableConcept {
  const entry = input.code ? catalog.find((c) => c.code === input.code) : undefined;
  if (entry) {
    return {
      coding: [{ system: SNOMED, code: entry.code, display: entry.display }],
      text: input.text ?? entry.display,
    };
  }
  return { text: input.text ?? '' };
}

/** Body site with laterality as text: "Left forearm". */
export function bodySiteOf(input: CodedInput & { laterality?: Laterality }): CodeableConcept {
  const concept = conceptOf(input, BODY_SITES);
  const base = input.text ?? concept.coding?.[0]?.display ?? '';
  const text = input.laterality
    ? `${input.laterality[0].toUpperCase()}${input.laterality.slice(1)} ${base.toLowerCase()}`
    : base;
  return { ...concept, text };
}

export { LOINC, SNOMED };
