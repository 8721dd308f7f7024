/**
 * The demo patients the end-to-end tests use, worked out from src/clinic/demo/ (names.ts NAMED_PATIENTS and
 * NAME_TWINS, people.ts): ids are `demo-pat-<number, 4 digits>` and the MRN is `RB` + (100000 + 7 * number).
 * Names and which patients exist depend only on the patient count and the seed; birth dates move with the
 * date the demo is loaded (birth day = today - a fixed age), so tests read them from the API.
 */

/** Patients loaded: enough to include patient 314, the name twin of patient 27. */
export const DEMO_PATIENTS = 320;

export interface DemoPersona {
  id: string;
  given: string;
  family: string;
  mrn: string;
}

const persona = (number: number, given: string, family: string): DemoPersona => ({
  id: `demo-pat-${String(number).padStart(4, '0')}`,
  given,
  family,
  mrn: `RB${100000 + 7 * number}`,
});

/** Accented family name; the only "José Muñoz" (another Muñoz, patient 142, has other given names). */
export const JOSE = persona(4, 'José', 'Muñoz');
/** Accented given and family name. */
export const ZOE = persona(9, 'Zoë', 'Brontë');
/** Accented, two given names, hyphenated family name. */
export const ANA = persona(16, 'Ana Sofía', 'García-López');
/** Accented; her name twin (378) is not loaded with 320 patients, so she is unique here. */
export const MARIA = persona(22, 'María', 'Hernández');
/** Daniel Lee Brooks, twice: 27 and 314 (NAME_TWINS), born 2 years and 41 days apart. */
export const DANIEL = persona(27, 'Daniel Lee', 'Brooks');
export const DANIEL_TWIN = persona(314, 'Daniel Lee', 'Brooks');

/** SNOMED CT 409137002 "No known history of drug allergy" (codes.ts NO_KNOWN_DRUG_ALLERGY). */
export const NKDA_CODE = '409137002';
