import { describe, expect, it } from 'vitest';
import { newPractice, testEngines, useEngine } from '../harness.js';
import { matchIds, observation, seed, type Seed } from './search/helpers.js';

/*
 * String, token, uri and Resource-level parameters (_id, _tag, _profile), :missing, comma (OR) and
 * repeated (AND) values. Expectations are worked out by hand from FHIR R4 search.html, not from the code.
 */

const MRN = 'http://clinic.example/mrn';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const US_CORE_PATIENT = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient';
const TAGS = 'http://medassist.example/tags';

/** Four patients: an accented name, a name that prefixes another, and one with almost nothing. */
const patients: Seed[] = [
  {
    resourceType: 'Patient',
    id: 'p-jose',
    meta: { tag: [{ system: TAGS, code: 'vip' }] },
    name: [{ family: 'Muñoz', given: ['José'] }],
    gender: 'male',
    birthDate: '1961-03-04',
    address: [{ city: 'São Paulo' }],
    identifier: [
      {
        system: MRN,
        value: 'MRN-001',
        type: { coding: [{ system: V2_0203, code: 'MR' }], text: 'Medical record number' },
      },
    ],
  },
  {
    resourceType: 'Patient',
    id: 'p-jane',
    meta: { profile: [US_CORE_PATIENT] },
    name: [{ family: 'Smith', given: ['Jane'] }],
    gender: 'female',
    birthDate: '1980-05-17',
    identifier: [
      { system: MRN, value: 'MRN-002' },
      {
        system: 'http://hl7.org/fhir/sid/us-ssn',
        value: '123-45-6789',
        type: { coding: [{ system: V2_0203, code: 'SS' }] },
      },
    ],
    telecom: [{ system: 'phone', value: '555-0100' }],
  },
  {
    resourceType: 'Patient',
    id: 'p-janet',
    name: [{ family: 'Smithers', given: ['Janet'] }],
    gender: 'female',
    birthDate: '1980-05',
    identifier: [{ value: 'MRN-003' }],
  },
  { resourceType: 'Patient', id: 'p-ann', name: [{ family: 'Goldsmith', given: ['Ann'] }] },
];

describe.each(testEngines())('search parameters on %s', (engine) => {
  const h = useEngine(engine);

  async function practiceWithPatients() {
    const ctx = await newPractice(h.db, 'search');
    await seed(h.app, ctx, patients);
    return ctx;
  }

  describe('string', () => {
    it('matches a prefix of any name part, ignoring case and accents', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      // "smith" starts "Smith" and "Smithers" but not "Goldsmith": the default is starts-with, not contains.
      expect(await ids('Patient?name=smith')).toEqual(['p-jane', 'p-janet']);
      expect(await ids('Patient?family=SMITH')).toEqual(['p-jane', 'p-janet']);
      // Accent-insensitive both ways: "munoz" finds "Muñoz", and "MUÑOZ" does too.
      expect(await ids('Patient?name=munoz')).toEqual(['p-jose']);
      expect(await ids(`Patient?name=${encodeURIComponent('MUÑOZ')}`)).toEqual(['p-jose']);
      expect(await ids('Patient?given=jos')).toEqual(['p-jose']);
      // "jane" is a prefix of the given name "Janet" as well.
      expect(await ids('Patient?given=jane')).toEqual(['p-jane', 'p-janet']);
      expect(await ids('Patient?address-city=sao')).toEqual(['p-jose']);
      expect(await ids('Patient?name=smyth')).toEqual([]);
    });

    it(':exact is case- and accent-sensitive whole-value equality', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      // "Smithers" is not exactly "Smith"; "smith" differs from "Smith" in case.
      expect(await ids('Patient?family:exact=Smith')).toEqual(['p-jane']);
      expect(await ids('Patient?family:exact=smith')).toEqual([]);
      expect(await ids(`Patient?family:exact=${encodeURIComponent('Muñoz')}`)).toEqual(['p-jose']);
      expect(await ids('Patient?family:exact=Munoz')).toEqual([]);
    });

    it(':contains matches anywhere in the value, ignoring case and accents', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      // "Goldsmith" contains "smith" although it does not start with it.
      expect(await ids('Patient?family:contains=smith')).toEqual(['p-ann', 'p-jane', 'p-janet']);
      // "Muñoz" normalizes to "munoz", which contains "UNO" ignoring case.
      expect(await ids('Patient?family:contains=UNO')).toEqual(['p-jose']);
      // LIKE wildcards in the search text are literal.
      expect(await ids('Patient?family:contains=%25')).toEqual([]);
      expect(await ids('Patient?family:contains=_')).toEqual([]);
    });

    it('comma is OR within a parameter; a repeated parameter is AND', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      expect(await ids('Patient?family=munoz,goldsmith')).toEqual(['p-ann', 'p-jose']);
      // given starts "jan" (Jane, Janet) AND family starts "smithers" (Smithers) -> only Janet.
      expect(await ids('Patient?given=jan&family=smithers')).toEqual(['p-janet']);
      // Both values of a repeated parameter must match the same resource (possibly different name parts).
      expect(await ids('Patient?name=jane&name=smithers')).toEqual(['p-janet']);
      expect(await ids('Patient?name=jose&name=smith')).toEqual([]);
    });

    it('an escaped comma is part of the value, not an OR', async () => {
      const ctx = await newPractice(h.db, 'search');
      await seed(h.app, ctx, [
        { resourceType: 'Patient', id: 'p-comma', name: [{ text: 'Smith, John' }] },
        { resourceType: 'Patient', id: 'p-plain', name: [{ family: 'Smith' }] },
      ]);
      // "smith\,john" is one value: text "Smith, John" normalizes to "smith, john", which does not start with
      // "smith,john" (no space) ...
      expect(await matchIds(h.app, ctx, 'Patient?name=smith%5C,john')).toEqual([]);
      // ... while "smith\, j" does; unescaped, "smith, j" would be "smith" OR " j" and match both.
      expect(await matchIds(h.app, ctx, 'Patient?name=smith%5C,%20j')).toEqual(['p-comma']);
    });
  });

  describe('token', () => {
    it('code, system|code, |code and system| (FHIR R4 search.html#token)', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      expect(await ids('Patient?gender=female')).toEqual(['p-jane', 'p-janet']);
      // A bare code matches whatever the system.
      expect(await ids('Patient?identifier=MRN-001')).toEqual(['p-jose']);
      expect(await ids(`Patient?identifier=${MRN}|MRN-002`)).toEqual(['p-jane']);
      // Same value, other system: no match.
      expect(await ids('Patient?identifier=http://other.example/mrn|MRN-002')).toEqual([]);
      // "system|" matches any value in that system.
      expect(await ids(`Patient?identifier=${MRN}|`)).toEqual(['p-jane', 'p-jose']);
      // "|code" matches only identifiers that have no system: MRN-003 has none, MRN-001 has one.
      expect(await ids('Patient?identifier=|MRN-003')).toEqual(['p-janet']);
      expect(await ids('Patient?identifier=|MRN-001')).toEqual([]);
      // Token codes compare exactly, not as a prefix.
      expect(await ids('Patient?identifier=MRN-00')).toEqual([]);
      expect(await ids('Patient?telecom=phone|555-0100')).toEqual(['p-jane']);
    });

    it('an escaped | or , is part of the code (search.html#escaping)', async () => {
      const ctx = await newPractice(h.db, 'search');
      await seed(h.app, ctx, [
        { resourceType: 'Patient', id: 'p-bar', identifier: [{ system: MRN, value: 'A|1' }] },
        { resourceType: 'Patient', id: 'p-comma', identifier: [{ system: MRN, value: 'B,2' }] },
        { resourceType: 'Patient', id: 'p-backslash', identifier: [{ system: MRN, value: 'C\\' }] },
      ]);
      const ids = (url: string) => matchIds(h.app, ctx, url);
      expect(await ids(`Patient?identifier=${MRN}|A%5C|1`)).toEqual(['p-bar']);
      expect(await ids('Patient?identifier=A%5C|1')).toEqual(['p-bar']);
      // Unescaped, "A|1" is system "A" and code "1".
      expect(await ids('Patient?identifier=A|1')).toEqual([]);
      expect(await ids('Patient?identifier=B%5C,2')).toEqual(['p-comma']);
      // "C\\" is the code C\ (an escaped backslash); the "|" after it is the separator.
      expect(await ids(`Patient?identifier=C%5C%5C,${MRN}|C%5C%5C`)).toEqual(['p-backslash']);
    });

    it(':not includes resources without the element', async () => {
      const ctx = await practiceWithPatients();
      // Ann has no gender at all; :not=female still returns her (search.html#modifiers: ":not ... includes
      // resources that have no value for the parameter").
      expect(await matchIds(h.app, ctx, 'Patient?gender:not=female')).toEqual(['p-ann', 'p-jose']);
      // :not with a list: neither male nor female.
      expect(await matchIds(h.app, ctx, 'Patient?gender:not=female,male')).toEqual(['p-ann']);
    });

    it(':text searches CodeableConcept.text, Coding.display and Identifier.type.text', async () => {
      const ctx = await practiceWithPatients();
      await seed(h.app, ctx, [
        observation('o-hr', {}),
        observation('o-pulse', {
          code: { coding: [{ system: 'http://loinc.org', code: '8889-8' }], text: 'Pulse oximetry' },
        }),
      ]);
      const ids = (url: string) => matchIds(h.app, ctx, url);
      // o-hr's coding display is "Heart rate": "heart" starts it, "rate" starts a word of it.
      expect(await ids('Observation?code:text=heart')).toEqual(['o-hr']);
      expect(await ids('Observation?code:text=RATE')).toEqual(['o-hr']);
      expect(await ids('Observation?code:text=pulse')).toEqual(['o-pulse']);
      // Identifier.type.text "Medical record number".
      expect(await ids('Patient?identifier:text=medical')).toEqual(['p-jose']);
    });

    it(':of-type matches identifier type system|code|value', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      expect(await ids(`Patient?identifier:of-type=${V2_0203}|MR|MRN-001`)).toEqual(['p-jose']);
      expect(await ids(`Patient?identifier:of-type=${V2_0203}|SS|123-45-6789`)).toEqual(['p-jane']);
      // MRN-002 has no type, so it is not an MR-typed identifier.
      expect(await ids(`Patient?identifier:of-type=${V2_0203}|MR|MRN-002`)).toEqual([]);
    });
  });

  describe('Resource-level parameters', () => {
    it('_id, _tag and _profile', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      expect(await ids('Patient?_id=p-jose,p-jane,p-nobody')).toEqual(['p-jane', 'p-jose']);
      expect(await ids(`Patient?_tag=${TAGS}|vip`)).toEqual(['p-jose']);
      expect(await ids('Patient?_tag=vip')).toEqual(['p-jose']);
      expect(await ids(`Patient?_tag=${TAGS}|other`)).toEqual([]);
      expect(await ids(`Patient?_profile=${US_CORE_PATIENT}`)).toEqual(['p-jane']);
    });

    it(':missing tells resources with and without a value apart', async () => {
      const ctx = await practiceWithPatients();
      const ids = (url: string) => matchIds(h.app, ctx, url);
      expect(await ids('Patient?birthdate:missing=true')).toEqual(['p-ann']);
      expect(await ids('Patient?birthdate:missing=false')).toEqual(['p-jane', 'p-janet', 'p-jose']);
      expect(await ids('Patient?gender:missing=true')).toEqual(['p-ann']);
      expect(await ids('Patient?identifier:missing=true&name=gold')).toEqual(['p-ann']);
    });
  });

  describe('uri', () => {
    it('matches the whole URI; :below and :above match by prefix', async () => {
      const ctx = await newPractice(h.db, 'search');
      await seed(h.app, ctx, [
        {
          resourceType: 'ValueSet',
          id: 'vs-colors',
          status: 'active',
          url: 'http://example.org/fhir/ValueSet/colors',
        },
        {
          resourceType: 'ValueSet',
          id: 'vs-sizes',
          status: 'active',
          url: 'http://example.org/fhir/ValueSet/sizes',
        },
        {
          resourceType: 'ValueSet',
          id: 'vs-under',
          status: 'active',
          url: 'http://example.org/fhir/Value_et/x',
        },
      ]);
      const ids = (url: string) => matchIds(h.app, ctx, url);
      expect(await ids('ValueSet?url=http://example.org/fhir/ValueSet/colors')).toEqual(['vs-colors']);
      // A uri is matched whole: a prefix is not a match without :below.
      expect(await ids('ValueSet?url=http://example.org/fhir/ValueSet')).toEqual([]);
      expect(await ids('ValueSet?url:below=http://example.org/fhir/ValueSet/')).toEqual([
        'vs-colors',
        'vs-sizes',
      ]);
      // :above finds the stored URIs the search value is under; "_" in a stored URI is not a wildcard, so
      // ".../Value_et/x" is not above ".../ValueSet/x/1".
      expect(await ids('ValueSet?url:above=http://example.org/fhir/ValueSet/colors/v2')).toEqual([
        'vs-colors',
      ]);
      expect(await ids('ValueSet?url:above=http://example.org/fhir/ValueSet/x/1')).toEqual([]);
    });
  });
});
