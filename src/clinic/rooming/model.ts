/**
 * The rooming model shared by every part of rooming (docs/rooming-api.md, docs/decisions/0016-rooming.md):
 * the checklist, the conventions each part writes its data by (so the checklist, the provider's view and the
 * huddle sheet read them without calling each other), the extension URLs and the notice to the provider.
 *
 * Conventions (FHIR R4; every clinical write names its author, see author.ts, and is audited by the store):
 * - Vital signs: one Observation per sign, category `vital-signs`, `encounter` = the visit's Encounter,
 *   LOINC codes of ../../../shared/STANDARDS.md (VITAL_LOINC below), UCUM units; BMI its own Observation;
 *   growth percentiles (GROWTH_LOINC) Observations with `derivedFrom` the measurements.
 * - Reviews ("allergies reviewed today", "medications reconciled", "problem list reviewed", "pharmacy
 *   confirmed"): an extension REVIEWED_URL on the Encounter, one per review, sub-extensions `what`
 *   (valueCode, one of REVIEW_KINDS), `at` (valueDateTime) and `by` (valueReference to the Practitioner, or
 *   display only). The newest entry of a kind wins.
 * - Chief complaint: Observation LOINC 8661-1 (Chief complaint - Reported), `encounter` = the visit,
 *   valueString; MA-entered intake notes: Observation LOINC 34109-9 (Note) ... both `status: preliminary`
 *   until the provider co-signs (then `final`, and a Provenance with the signer as `attester`/verifier).
 * - Pain: Observation LOINC 72514-3 valueQuantity {score} 0-10 (a vital sign, category vital-signs).
 * - Screenings: QuestionnaireResponse (questionnaire = the canonical URL of SCREENINGS) with `encounter`, and
 *   the score as an Observation (category `survey`) with the screening's LOINC code and `derivedFrom` the
 *   response; tobacco use as Observation 72166-2, pregnancy status as Observation 82810-3.
 * - Procedure consent: Consent (category consent-type `procedure-consent` in CONSENT_CATEGORY_SYSTEM,
 *   provision.type permit/deny) with the signed PDF as a DocumentReference.
 * - Notices to the provider (critical vital sign, positive screening, ready for provider): Communication, see
 *   NOTICE_CATEGORY below; the text never names clinical values (the front desk reads messages): details
 *   are in `about` (the Observation / QuestionnaireResponse).
 */
import { SYSTEM } from '../demo/codes.js';

export const LOINC = SYSTEM.loinc;
export const UCUM = SYSTEM.ucum;
export const SNOMED = SYSTEM.snomed;
export const RXNORM = SYSTEM.rxnorm;

/** R4 observation-category codes. */
export const OBSERVATION_CATEGORY_SYSTEM = SYSTEM.observationCategory;

/** The vital-sign LOINC codes (FHIR R4 vital-signs profile; STANDARDS.md "Vital signs"). */
export const VITAL_LOINC = {
  panel: '85353-1',
  bloodPressure: '85354-9',
  systolic: '8480-6',
  diastolic: '8462-4',
  heartRate: '8867-4',
  respiratoryRate: '9279-1',
  temperature: '8310-5',
  oxygenSaturation: '2708-6',
  pulseOximetry: '59408-5',
  height: '8302-2',
  weight: '29463-7',
  bmi: '39156-5',
  headCircumference: '9843-4',
  pain: '72514-3',
} as const;

/** Growth percentiles stored as Observations (CDC/WHO reference; src/clinic/rooming/growth). */
export const GROWTH_LOINC = {
  bmiPercentile: '59576-9',
  headCircumferencePercentile: '8289-1',
  weightForLengthPercentile: '77606-2',
} as const;

/** Chief complaint and MA intake note (queued for the provider's co-signature). */
export const INTAKE_LOINC = {
  chiefComplaint: '8661-1',
  note: '34109-9',
} as const;

/** Social history the checklist asks for. */
export const HISTORY_LOINC = {
  tobaccoSmokingStatus: '72166-2',
  pregnancyStatus: '82810-3',
} as const;

export const EXT = 'https://medassist.dev/fhir/StructureDefinition';
/** A review stamp on the Encounter (see the header). */
export const REVIEWED_URL = `${EXT}/rooming-reviewed`;
/**
 * The first form of a tick by hand (valueCode only, no author): read for data written before
 * screen/handTicks.ts HAND_TICK_URL (item, by, at), never written now.
 */
export const CHECKED_URL = `${EXT}/rooming-checked`;
/** The patient's preferred pharmacy on the Patient: valueReference to an Organization, or display only. */
export const PREFERRED_PHARMACY_URL = `${EXT}/preferred-pharmacy`;
/** The value and unit as the MA entered them (e.g. 5 ft 7 in), on an Observation.valueQuantity: valueString. */
export const AS_ENTERED_URL = `${EXT}/as-entered`;

export const REVIEW_KINDS = ['allergies', 'medications', 'problems', 'pharmacy'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export const CONSENT_CATEGORY_SYSTEM = 'urn:medassist:consent-type';

/** The items a rooming checklist can hold, in the order the screen shows them. */
export const CHECKLIST_ITEMS = [
  'vitals',
  'pain',
  'allergies',
  'medications',
  'screenings',
  'fall-risk',
  'tobacco',
  'pregnancy',
  'chief-complaint',
  'pharmacy',
  'consent',
] as const;
export type ChecklistItemId = (typeof CHECKLIST_ITEMS)[number];

export const CHECKLIST_LABELS: Record<ChecklistItemId, string> = {
  vitals: 'Vital signs',
  pain: 'Pain score',
  allergies: 'Allergies reviewed',
  medications: 'Medications reconciled',
  screenings: 'Screenings due',
  'fall-risk': 'Fall risk',
  tobacco: 'Tobacco use',
  pregnancy: 'Pregnancy status',
  'chief-complaint': 'Chief complaint',
  pharmacy: 'Preferred pharmacy',
  consent: 'Procedure consent',
};

/**
 * The checklist by visit type (visit-type codes of src/clinic/scheduling/visitTypes.ts). Items that do not
 * apply to the patient drop out (pregnancy status outside ages 12-50 or for a male patient, fall risk under
 * 65, screenings when none is due). An unknown visit type gets the follow-up list.
 */
export const CHECKLIST_BY_VISIT_TYPE: Record<string, readonly ChecklistItemId[]> = {
  'new-patient': [
    'vitals',
    'pain',
    'allergies',
    'medications',
    'screenings',
    'fall-risk',
    'tobacco',
    'pregnancy',
    'chief-complaint',
    'pharmacy',
  ],
  'follow-up': [
    'vitals',
    'pain',
    'allergies',
    'medications',
    'screenings',
    'fall-risk',
    'pregnancy',
    'chief-complaint',
    'pharmacy',
  ],
  'nurse-visit': ['vitals', 'allergies', 'chief-complaint'],
  'lab-draw': ['allergies', 'chief-complaint'],
  procedure: ['vitals', 'pain', 'allergies', 'medications', 'pregnancy', 'chief-complaint', 'consent'],
  telehealth: ['allergies', 'medications', 'screenings', 'chief-complaint', 'pharmacy'],
};

export interface ChecklistItem {
  id: ChecklistItemId;
  label: string;
  done: boolean;
  /** What is there or missing, in words ("BP, HR, temp taken; weight missing"). */
  detail?: string;
}

/** Notices to the provider: Communication.category (system below), priority routine | urgent | stat. */
export const NOTICE_CATEGORY_SYSTEM = 'urn:medassist:notice';
export const NOTICE_KINDS = [
  'critical-vital',
  'positive-screening',
  'ready-for-provider',
  'cosign-needed',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Sexes the growth references and age-specific ranges know (Patient.gender male/female). */
export type Sex = 'male' | 'female';
