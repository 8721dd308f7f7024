import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Coding } from '@medplum/fhirtypes';
import { badRequest } from '../../../fhir/outcome.js';
import { SYSTEM } from '../../demo/codes.js';

/**
 * The patient-education library (issue 6 item 10): plain-language handouts in English and Spanish, written
 * for medassist (reference/handouts/*.json, one file per handout), each linked to the problem codes it fits.
 */
const HANDOUT_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../reference/handouts'
);

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface HandoutCode {
  system: string;
  code: string;
  display: string;
  /** Matches the code and every code under it (ICD-10-CM "E11" matches "E11.9"). */
  prefix?: boolean;
}

export interface HandoutText {
  title: string;
  summary: string;
  body: string[];
}

export interface Handout {
  id: string;
  codes: HandoutCode[];
  en: HandoutText;
  es: HandoutText;
}

let library: Handout[] | undefined;

/** The library, read once. */
export function handouts(): Handout[] {
  if (!library) {
    library = readdirSync(HANDOUT_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(HANDOUT_DIR, f), 'utf8')) as Handout);
  }
  return library;
}

export function parseLanguage(value: unknown, field = 'language'): Language {
  if (value === undefined || value === '') return 'en';
  if (typeof value !== 'string' || !(LANGUAGES as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${LANGUAGES.join(', ')}`, field);
  }
  return value as Language;
}

export function handoutById(id: string): Handout | undefined {
  return handouts().find((h) => h.id === id);
}

/** Whether a coding fits one of the handout's codes. */
export function fits(handout: Handout, coding: Pick<Coding, 'system' | 'code'>): boolean {
  return handout.codes.some(
    (c) =>
      c.system === coding.system &&
      coding.code !== undefined &&
      (c.code === coding.code || (c.prefix === true && coding.code.startsWith(c.code)))
  );
}

/** The handouts that fit any of the codings (a patient's problems), in library order. */
export function suggestedFor(codings: Pick<Coding, 'system' | 'code'>[]): Handout[] {
  return handouts().filter((h) => codings.some((c) => fits(h, c)));
}

/** MedlinePlus Connect's code-system OIDs for problem codes (HL7 Infobutton URL-based implementation). */
export const MEDLINEPLUS_CODE_SYSTEMS: Record<string, string> = {
  [SYSTEM.icd10cm]: '2.16.840.1.113883.6.90',
  [SYSTEM.snomed]: '2.16.840.1.113883.6.96',
};

/**
 * The MedlinePlus Connect web-application link for a problem code (https://medlineplus.gov/medlineplus-
 * connect/web-application/): mainSearchCriteria.v.cs = the code system's OID, mainSearchCriteria.v.c = the
 * code, informationRecipient.languageCode.c = en | es. Undefined for other code systems.
 */
export function medlinePlusUrl(
  coding: Pick<Coding, 'system' | 'code'>,
  language: Language
): string | undefined {
  const oid = coding.system ? MEDLINEPLUS_CODE_SYSTEMS[coding.system] : undefined;
  if (!oid || !coding.code) return undefined;
  const params = new URLSearchParams({
    'mainSearchCriteria.v.cs': oid,
    'mainSearchCriteria.v.c': coding.code,
    'informationRecipient.languageCode.c': language,
  });
  return `https://connect.medlineplus.gov/application?${params.toString()}`;
}

/** One handout in one language, as the library list shows it. */
export function handoutSummary(handout: Handout, language: Language) {
  return {
    id: handout.id,
    language,
    title: handout[language].title,
    summary: handout[language].summary,
    codes: handout.codes.map(({ system, code, display }) => ({ system, code, display })),
  };
}
