import type {
  Address,
  ContactPoint,
  Extension,
  HumanName,
  Patient,
  PatientContact,
} from '@medplum/fhirtypes';
import { badRequest, OutcomeError } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { planCreate, Repository } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import {
  asBody,
  birthDate,
  email,
  id,
  oneOf,
  optionalBody,
  optionalText,
  phone,
  text,
  todayOf,
  type Body,
} from './input.js';
import { findMatches, MRN_SYSTEM, type LikelyMatch } from './matches.js';

/**
 * Registering a new patient at the desk: the demographics US Core asks for, an MRN from the practice's
 * counter, and duplicate protection (a likely match must be explicitly dismissed), in one transaction.
 */
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';
const OMB = 'urn:oid:2.16.840.1.113883.6.238';
const NULL_FLAVOR = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';

/** OMB race categories (US Core us-core-race ombCategory), plus "declined" (ASKU) and "unknown" (UNK). */
export const RACES = {
  '1002-5': 'American Indian or Alaska Native',
  '2028-9': 'Asian',
  '2054-5': 'Black or African American',
  '2076-8': 'Native Hawaiian or Other Pacific Islander',
  '2106-3': 'White',
  ASKU: 'Asked but no answer',
  UNK: 'Unknown',
} as const;
export const ETHNICITIES = {
  '2135-2': 'Hispanic or Latino',
  '2186-5': 'Not Hispanic or Latino',
  ASKU: 'Asked but no answer',
  UNK: 'Unknown',
} as const;
/** US Core gender identity (SNOMED CT), as a short list the desk can ask. */
export const GENDER_IDENTITIES = {
  '446151000124109': 'Identifies as male',
  '446141000124107': 'Identifies as female',
  '33791000087105': 'Identifies as nonbinary',
  OTH: 'Other',
  ASKU: 'Asked but declined',
} as const;
/** Pronouns (LOINC answer list LL5144-2), the individual-pronouns extension. */
export const PRONOUNS = {
  'LA29518-0': 'he/him/his/his/himself',
  'LA29519-8': 'she/her/her/hers/herself',
  'LA29520-6': 'they/them/their/theirs/themselves',
} as const;
export const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
export const BIRTH_SEXES = ['F', 'M', 'UNK'] as const;
export const CONTACT_METHODS = ['home-phone', 'mobile-phone', 'email'] as const;
export const MRN_PREFIX = 'RB';
/** The demo numbers its charts RB(100000 + 7n); new charts continue the sequence. */
export const MRN_START = 100000;
export const MRN_STEP = 7;

export interface RegistrationInput {
  patient: Patient;
  confirmedNotDuplicate: boolean;
  primaryCareProviderId?: string;
}

function nullFlavorOr(system: string, code: string, display: string) {
  return {
    system: code === 'ASKU' || code === 'UNK' || code === 'OTH' ? NULL_FLAVOR : system,
    code,
    display,
  };
}

function codes<T extends Record<string, string>>(
  value: unknown,
  field: string,
  table: T
): (keyof T & string)[] {
  const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return list.map((v, i) => oneOf(v, `${field}[${i}]`, Object.keys(table) as (keyof T & string)[]));
}

function language(value: unknown, field: string): string {
  const v = text(value, field, 35);
  try {
    if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(v)) throw new RangeError(v);
    return Intl.getCanonicalLocales(v)[0];
  } catch {
    throw badRequest(`${field} must be a BCP-47 language tag such as en, es or zh-Hant`, field);
  }
}

function address(value: unknown, field: string): Address | undefined {
  const b = optionalBody(value, field);
  if (!b) return undefined;
  const line = [optionalText(b.line, `${field}.line`), optionalText(b.line2, `${field}.line2`)].filter(
    (l): l is string => !!l
  );
  const state = optionalText(b.state, `${field}.state`, 2)?.toUpperCase();
  if (state && !/^[A-Z]{2}$/.test(state)) {
    throw badRequest(`${field}.state must be a two-letter state code such as TX`, `${field}.state`);
  }
  const postalCode = optionalText(b.postalCode, `${field}.postalCode`, 10);
  if (postalCode && !/^\d{5}(-\d{4})?$/.test(postalCode)) {
    throw badRequest(
      `${field}.postalCode must be a ZIP code such as 75001 or 75001-1234`,
      `${field}.postalCode`
    );
  }
  const city = optionalText(b.city, `${field}.city`, 100);
  if (line.length === 0 && !city && !state && !postalCode) return undefined;
  return {
    use: 'home',
    ...(line.length ? { line } : {}),
    ...(city ? { city } : {}),
    ...(state ? { state } : {}),
    ...(postalCode ? { postalCode } : {}),
    country: 'US',
  };
}

/** A person named at the desk (emergency contact, guarantor): a name, a relationship, a phone. */
function contact(b: Body, field: string, code: string, display: string, system: string): PatientContact {
  const name = text(b.name, `${field}.name`, 200);
  const relationship = text(b.relationship, `${field}.relationship`, 100);
  const tel = optionalText(b.phone, `${field}.phone`, 25);
  return {
    relationship: [{ coding: [{ system, code, display }] }, { text: relationship }],
    name: { text: name },
    ...(tel ? { telecom: [{ system: 'phone', value: phone(tel, `${field}.phone`) }] } : {}),
  };
}

/** Reads the new-patient form into a US Core Patient (without MRN, which the server assigns). */
export function parseRegistration(body: unknown, now: Date): RegistrationInput {
  const b = asBody(body);
  const nameBody = asBody(b.name ?? {}, 'name');
  const family = text(nameBody.family, 'name.family', 100);
  const first = text(nameBody.given, 'name.given', 100);
  const middle = optionalText(nameBody.middle, 'name.middle', 100);
  const names: HumanName[] = [{ use: 'official', family, given: middle ? [first, middle] : [first] }];
  const nameToUse = optionalText(b.nameToUse, 'nameToUse', 100);
  if (nameToUse && nameToUse !== first) {
    names.push({ use: 'usual', family, given: [nameToUse] });
  }
  const patient: Patient = {
    resourceType: 'Patient',
    active: true,
    name: names,
    birthDate: birthDate(b.birthDate, 'birthDate', todayOf(now)),
    gender: oneOf(b.gender, 'gender', GENDERS),
  };
  const extension: Extension[] = [];
  const races = codes(b.race, 'race', RACES);
  if (races.length > 0) {
    extension.push({
      url: `${US_CORE}/us-core-race`,
      extension: [
        ...races.map((c) => ({ url: 'ombCategory', valueCoding: nullFlavorOr(OMB, c, RACES[c]) })),
        { url: 'text', valueString: races.map((c) => RACES[c]).join(', ') },
      ],
    });
  }
  const [ethnicity, ...moreEthnicities] = codes(b.ethnicity, 'ethnicity', ETHNICITIES);
  if (moreEthnicities.length > 0) throw badRequest('ethnicity takes one answer', 'ethnicity');
  if (ethnicity) {
    extension.push({
      url: `${US_CORE}/us-core-ethnicity`,
      extension: [
        { url: 'ombCategory', valueCoding: nullFlavorOr(OMB, ethnicity, ETHNICITIES[ethnicity]) },
        { url: 'text', valueString: ETHNICITIES[ethnicity] },
      ],
    });
  }
  if (b.birthSex !== undefined && b.birthSex !== null && b.birthSex !== '') {
    extension.push({
      url: `${US_CORE}/us-core-birthsex`,
      valueCode: oneOf(b.birthSex, 'birthSex', BIRTH_SEXES),
    });
  }
  const [identity] = codes(b.genderIdentity || undefined, 'genderIdentity', GENDER_IDENTITIES);
  if (identity) {
    extension.push({
      url: `${US_CORE}/us-core-genderIdentity`,
      valueCodeableConcept: {
        coding: [nullFlavorOr('http://snomed.info/sct', identity, GENDER_IDENTITIES[identity])],
        text: GENDER_IDENTITIES[identity],
      },
    });
  }
  const [pronoun] = codes(b.pronouns || undefined, 'pronouns', PRONOUNS);
  if (pronoun) {
    extension.push({
      url: 'http://hl7.org/fhir/StructureDefinition/individual-pronouns',
      extension: [
        {
          url: 'value',
          valueCodeableConcept: {
            coding: [{ system: 'http://loinc.org', code: pronoun, display: PRONOUNS[pronoun] }],
          },
        },
      ],
    });
  }
  if (extension.length > 0) patient.extension = extension;

  const telecom: ContactPoint[] = [];
  const home = optionalText(b.homePhone, 'homePhone', 25);
  const mobile = optionalText(b.mobilePhone, 'mobilePhone', 25);
  const mail = optionalText(b.email, 'email', 254);
  if (home) telecom.push({ system: 'phone', value: phone(home, 'homePhone'), use: 'home' });
  if (mobile) telecom.push({ system: 'phone', value: phone(mobile, 'mobilePhone'), use: 'mobile' });
  if (mail) telecom.push({ system: 'email', value: email(mail, 'email'), use: 'home' });
  // The preferred way to reach the patient is the contact point ranked 1 (ContactPoint.rank).
  if (b.preferredContact !== undefined && b.preferredContact !== null && b.preferredContact !== '') {
    const method = oneOf(b.preferredContact, 'preferredContact', CONTACT_METHODS);
    const preferred = telecom.find((t) =>
      method === 'email'
        ? t.system === 'email'
        : t.system === 'phone' && t.use === method.replace('-phone', '')
    );
    if (!preferred) {
      throw badRequest(
        `the preferred contact method (${method}) has no number or address`,
        'preferredContact'
      );
    }
    preferred.rank = 1;
  }
  if (telecom.length > 0) patient.telecom = telecom;
  const home_ = address(b.address, 'address');
  if (home_) patient.address = [home_];
  if (b.language !== undefined && b.language !== null && b.language !== '') {
    const tag = language(b.language, 'language');
    patient.communication = [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: tag }], text: tag }, preferred: true },
    ];
  }
  const contacts: PatientContact[] = [];
  const emergency = optionalBody(b.emergencyContact, 'emergencyContact');
  if (emergency) {
    contacts.push(
      contact(
        emergency,
        'emergencyContact',
        'C',
        'Emergency Contact',
        'http://terminology.hl7.org/CodeSystem/v2-0131'
      )
    );
  }
  // The guarantor (who pays) is a contact of the patient, not an Account: the front desk has no billing access.
  const guarantor = optionalBody(b.guarantor, 'guarantor');
  if (guarantor && guarantor.self !== true) {
    contacts.push(
      contact(
        guarantor,
        'guarantor',
        'GUAR',
        'guarantor',
        'http://terminology.hl7.org/CodeSystem/v3-RoleCode'
      )
    );
  }
  if (contacts.length > 0) patient.contact = contacts;
  return {
    patient,
    confirmedNotDuplicate: b.confirmedNotDuplicate === true,
    primaryCareProviderId:
      b.primaryCareProviderId === undefined ||
      b.primaryCareProviderId === null ||
      b.primaryCareProviderId === ''
        ? undefined
        : id(b.primaryCareProviderId, 'primaryCareProviderId'),
  };
}

/**
 * The next MRN of the practice. The counter row is updated under its row lock, so concurrent registrations
 * queue on it and each gets its own number; the first use starts after the highest RB number on file.
 */
export async function nextMrn(tx: SqlConnection, practiceId: string): Promise<string> {
  const updated = await tx.query<{ last_number: number }>(
    'UPDATE mrn_counter SET last_number = last_number + $2 WHERE practice_id = $1 RETURNING last_number',
    [practiceId, MRN_STEP]
  );
  let n = updated.rows[0]?.last_number;
  if (n === undefined) {
    const inserted = await tx.query<{ last_number: number }>(
      `INSERT INTO mrn_counter (practice_id, last_number)
       SELECT $1, coalesce(max(substring(value from 3)::bigint), $3) + $4 FROM search_index
       WHERE practice_id = $1 AND resource_type = 'Patient' AND param = 'identifier' AND system = $2
         AND value ~ '^RB[0-9]{1,15}$'
       ON CONFLICT (practice_id) DO UPDATE SET last_number = mrn_counter.last_number + $4
       RETURNING last_number`,
      [practiceId, MRN_SYSTEM, MRN_START, MRN_STEP]
    );
    n = inserted.rows[0].last_number;
  }
  return `${MRN_PREFIX}${n}`;
}

/** 409 listing the likely matches: registering needs `confirmedNotDuplicate: true` after looking at them. */
export function duplicateConflict(matches: LikelyMatch[]): OutcomeError {
  return new OutcomeError(409, {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'duplicate',
        details: {
          text: `${matches.length} existing chart(s) look like this patient: check them, then confirm this is a new patient`,
        },
        expression: ['confirmedNotDuplicate'],
      },
      ...matches.map((m) => ({
        severity: 'information' as const,
        code: 'duplicate' as const,
        details: {
          text: `${m.patient ? `Patient/${m.patient.id}` : 'a restricted chart'}: ${m.reasons.map((r) => r.text).join('; ')}`,
        },
      })),
    ],
  });
}

export interface Registered {
  patient: Patient;
  mrn: string;
  /** The matches the desk dismissed by confirming a new patient. */
  dismissedMatches: LikelyMatch[];
}

/** Registers the patient in one transaction: duplicate check, primary care provider, MRN, the Patient. */
export async function registerPatient(
  db: Database,
  ctx: RequestContext,
  input: RegistrationInput,
  practiceOrganizationId?: string
): Promise<Registered> {
  return db.transaction(async (tx) => {
    const patient: Patient = structuredClone(input.patient);
    const official = patient.name?.[0];
    const matches = (
      await findMatches(tx, ctx, {
        family: official?.family ?? '',
        given: official?.given ?? [],
        birthDate: patient.birthDate ?? '',
        phones: (patient.telecom ?? []).filter((t) => t.system === 'phone').map((t) => t.value ?? ''),
      })
    ).filter((m) => m.confidence === 'high');
    if (matches.length > 0 && !input.confirmedNotDuplicate) {
      throw duplicateConflict(matches);
    }
    if (input.primaryCareProviderId) {
      const repo = new Repository(tx);
      const gp = await repo.read(ctx, 'Practitioner', input.primaryCareProviderId).catch(() => undefined);
      if (!gp || gp.resourceType !== 'Practitioner' || gp.active === false) {
        throw badRequest(
          "primaryCareProviderId is not one of the practice's providers",
          'primaryCareProviderId'
        );
      }
      patient.generalPractitioner = [
        { reference: `Practitioner/${gp.id}`, display: displayPractitioner(gp.name) },
      ];
    }
    const mrn = await nextMrn(tx, ctx.practiceId);
    patient.identifier = [
      {
        use: 'usual',
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
              code: 'MR',
              display: 'Medical record number',
            },
          ],
          text: 'Medical record number',
        },
        system: MRN_SYSTEM,
        value: mrn,
        ...(practiceOrganizationId
          ? { assigner: { reference: `Organization/${practiceOrganizationId}` } }
          : {}),
      },
    ];
    const write = planCreate(patient);
    await applyWrites(tx, ctx, [write]);
    return { patient: write.content as Patient, mrn, dismissedMatches: matches };
  });
}

export function displayPractitioner(names: readonly HumanName[] | undefined): string {
  const n = names?.[0];
  if (!n) return '';
  const base = [...(n.prefix ?? []), ...(n.given ?? []), n.family ?? ''].join(' ').trim();
  return n.suffix?.length ? `${base}, ${n.suffix.join(', ')}` : base;
}
