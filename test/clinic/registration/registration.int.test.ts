import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../authHarness.js';
import { newPractice, testEngines, useEngine } from '../../harness.js';
import { count, create, directory, post, read } from './fixtures.js';

const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';

/** An existing chart, as any FHIR client (or the demo) would have written it. */
const chart = (family: string, given: string, birthDate: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  active: true,
  name: [{ use: 'official', family, given: [given] }],
  birthDate,
  gender: 'male',
  ...extra,
});

describe.each(testEngines())('registration at the desk [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'reg');
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const { providerId } = await directory(h.app, ctx);
    return { ctx, desk, providerId };
  }

  const FORM = (providerId: string) => ({
    name: { family: 'Valdivia', given: 'Rosalind', middle: 'Maria' },
    nameToUse: 'Roz',
    birthDate: '1991-07-14',
    gender: 'female',
    birthSex: 'F',
    genderIdentity: '446141000124107',
    pronouns: 'LA29519-8',
    race: ['2106-3', '1002-5'],
    ethnicity: '2135-2',
    language: 'es-MX',
    address: { line: '418 Mesquite Trail', city: 'Riverbend', state: 'tx', postalCode: '75001' },
    homePhone: '512-555-0188',
    mobilePhone: '+1 (737) 555 0142',
    email: 'roz.valdivia@example.com',
    preferredContact: 'mobile-phone',
    emergencyContact: { name: 'Tomas Valdivia', relationship: 'brother', phone: '5125550177' },
    guarantor: { name: 'Elena Valdivia', relationship: 'mother' },
    primaryCareProviderId: providerId,
  });

  it('the front desk registers a patient: US Core demographics, contacts, primary care provider, a new MRN', async () => {
    const { ctx, desk, providerId } = await setUp();
    const res = await post(h.app, desk, '/api/registration/patients', FORM(providerId));
    expect(res.status, res.text).toBe(201);
    // An empty practice starts the demo's sequence RB(100000 + 7n) at n = 1.
    expect(res.body.mrn).toBe('RB100007');
    const p = await read(h.app, ctx, `Patient/${res.body.patient.id}`);
    expect(p.identifier[0]).toMatchObject({ system: 'urn:medassist:mrn', value: 'RB100007', use: 'usual' });
    expect(p.name).toEqual([
      { use: 'official', family: 'Valdivia', given: ['Rosalind', 'Maria'] },
      { use: 'usual', family: 'Valdivia', given: ['Roz'] },
    ]);
    expect(p.birthDate).toBe('1991-07-14');
    expect(p.gender).toBe('female');
    const ext = (url: string) => p.extension.find((e: { url: string }) => e.url === url);
    expect(ext(`${US_CORE}/us-core-birthsex`).valueCode).toBe('F');
    expect(ext(`${US_CORE}/us-core-race`).extension).toEqual([
      {
        url: 'ombCategory',
        valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' },
      },
      {
        url: 'ombCategory',
        valueCoding: {
          system: 'urn:oid:2.16.840.1.113883.6.238',
          code: '1002-5',
          display: 'American Indian or Alaska Native',
        },
      },
      { url: 'text', valueString: 'White, American Indian or Alaska Native' },
    ]);
    expect(ext(`${US_CORE}/us-core-ethnicity`).extension[0].valueCoding.code).toBe('2135-2');
    expect(ext(`${US_CORE}/us-core-genderIdentity`).valueCodeableConcept.coding[0].code).toBe(
      '446141000124107'
    );
    expect(
      ext('http://hl7.org/fhir/StructureDefinition/individual-pronouns').extension[0].valueCodeableConcept
        .coding[0].code
    ).toBe('LA29519-8');
    expect(p.communication).toEqual([
      {
        language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es-MX' }], text: 'es-MX' },
        preferred: true,
      },
    ]);
    expect(p.address).toEqual([
      {
        use: 'home',
        line: ['418 Mesquite Trail'],
        city: 'Riverbend',
        state: 'TX',
        postalCode: '75001',
        country: 'US',
      },
    ]);
    // Phones are stored in one form; the preferred contact method is the contact point ranked 1.
    expect(p.telecom).toEqual([
      { system: 'phone', value: '(512) 555-0188', use: 'home' },
      { system: 'phone', value: '(737) 555-0142', use: 'mobile', rank: 1 },
      { system: 'email', value: 'roz.valdivia@example.com', use: 'home' },
    ]);
    expect(p.contact).toHaveLength(2);
    expect(p.contact[0].relationship[0].coding[0].code).toBe('C');
    expect(p.contact[0].name.text).toBe('Tomas Valdivia');
    expect(p.contact[0].telecom[0].value).toBe('(512) 555-0177');
    expect(p.contact[1].relationship[0].coding[0].code).toBe('GUAR');
    expect(p.generalPractitioner).toEqual([
      { reference: `Practitioner/${providerId}`, display: 'Adaeze Okonkwo, MD' },
    ]);

    const second = await post(h.app, desk, '/api/registration/patients', {
      name: { family: 'Abernathy', given: 'Colm' },
      birthDate: '2001-01-09',
      gender: 'male',
    });
    expect(second.status, second.text).toBe(201);
    expect(second.body.mrn).toBe('RB100014');
  });

  it('MRNs continue after the highest RB number on file, and concurrent registrations never share one', async () => {
    const { ctx, desk } = await setUp();
    // The demo's patient 32 has RB(100000 + 7 * 32) = RB100224.
    await create(
      h.app,
      ctx,
      chart('Lindqvist', 'Bo', '1970-05-05', {
        identifier: [{ system: 'urn:medassist:mrn', value: 'RB100224' }],
      })
    );
    const answers = await Promise.all(
      ['Aune', 'Brekke', 'Dahle', 'Eide', 'Fossum'].map((family, i) =>
        post(h.app, desk, '/api/registration/patients', {
          name: { family, given: 'Ingrid' },
          birthDate: `1985-0${i + 1}-1${i}`,
          gender: 'female',
        })
      )
    );
    for (const a of answers) expect(a.status, a.text).toBe(201);
    expect(answers.map((a) => a.body.mrn).sort()).toEqual([
      'RB100231',
      'RB100238',
      'RB100245',
      'RB100252',
      'RB100259',
    ]);
  });

  it('likely matches: a similar name with the same or mistyped birth date, or the same phone, each with its reasons', async () => {
    const { ctx, desk } = await setUp();
    const smith = await create(
      h.app,
      ctx,
      chart('Smith', 'John', '1980-04-03', {
        telecom: [{ system: 'phone', value: '(254) 555-0123', use: 'home' }],
      })
    );
    await create(h.app, ctx, chart('Garcia', 'Maria', '1980-03-04'));
    const match = (body: unknown) => post(h.app, desk, '/api/registration/matches', body);

    // Hand-worked: pg_trgm trigrams of "jon smyth" (10) and "john smith" (11) share 5 ("  j", " jo", "  s",
    // " sm", "th "): similarity 5 / (10 + 11 - 5) = 0.3125, over the 0.3 threshold; 03-04 is 04-03 swapped.
    const swapped = await match({ family: 'Smyth', given: 'Jon', birthDate: '1980-03-04' });
    expect(swapped.status, swapped.text).toBe(200);
    expect(swapped.body.matches).toHaveLength(1);
    expect(swapped.body.matches[0]).toMatchObject({
      patient: { id: smith, name: 'John Smith', birthDate: '1980-04-03' },
      restricted: false,
      confidence: 'high',
      reasons: [
        { kind: 'name', similarity: 0.313 },
        { kind: 'birthDate', birthDate: 'day-month-swapped' },
      ],
    });
    // 1980-04-30 is 1980-04-03 with the last two digits swapped.
    const transposed = await match({ family: 'Smith', given: 'John', birthDate: '1980-04-30' });
    expect(transposed.body.matches[0].reasons).toMatchObject([
      { kind: 'name', similarity: 1 },
      { kind: 'birthDate', birthDate: 'digits-transposed' },
    ]);
    // A different name on the same birth date is not a match; nor is the same name ten years apart.
    expect((await match({ family: 'Okafor', given: 'Chidi', birthDate: '1980-04-03' })).body.matches).toEqual(
      []
    );
    expect((await match({ family: 'Smith', given: 'John', birthDate: '1990-04-03' })).body.matches).toEqual(
      []
    );
    // The same phone alone: a possible match (families share a phone).
    const phone = await match({
      family: 'Okafor',
      given: 'Chidi',
      birthDate: '2012-09-09',
      phones: ['254.555.0123'],
    });
    expect(phone.body.matches).toHaveLength(1);
    expect(phone.body.matches[0]).toMatchObject({ confidence: 'possible', reasons: [{ kind: 'phone' }] });
  });

  it('creating over a high-confidence match is 409 listing it, until the desk confirms a new patient', async () => {
    const { ctx, desk } = await setUp();
    const smith = await create(h.app, ctx, chart('Smith', 'John', '1980-04-03'));
    const form = { name: { family: 'Smyth', given: 'Jon' }, birthDate: '1980-03-04', gender: 'male' };
    const refused = await post(h.app, desk, '/api/registration/patients', form);
    expect(refused.status).toBe(409);
    expect(refused.body.issue[0].expression).toEqual(['confirmedNotDuplicate']);
    expect(refused.body.issue[1].details.text).toContain(`Patient/${smith}`);
    expect(await count(h.app, ctx, 'Patient')).toBe(1);
    const confirmed = await post(h.app, desk, '/api/registration/patients', {
      ...form,
      confirmedNotDuplicate: true,
    });
    expect(confirmed.status, confirmed.text).toBe(201);
    expect(confirmed.body.dismissedMatches[0].patient.id).toBe(smith);
    expect(await count(h.app, ctx, 'Patient')).toBe(2);
  });

  it('a restricted chart that matches shows only that a restricted chart matches', async () => {
    const { ctx, desk } = await setUp();
    await create(
      h.app,
      ctx,
      chart('Pettigrew', 'Jamal', '1994-02-11', {
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        },
      })
    );
    const res = await post(h.app, desk, '/api/registration/matches', {
      family: 'Pettigrew',
      given: 'Jamal',
      birthDate: '1994-02-11',
    });
    expect(res.body.matches).toEqual([
      expect.objectContaining({ patient: null, restricted: true, confidence: 'high' }),
    ]);
    expect(res.text).not.toContain('Pettigrew');
  });

  it.each([
    ['an impossible date', { birthDate: '2026-02-30' }, 'birthDate'],
    ['a birth date in the future', { birthDate: '2999-01-01' }, 'birthDate'],
    ['no legal family name', { name: { given: 'Ana' } }, 'name.family'],
    ['no given name', { name: { family: 'Reyes' } }, 'name.given'],
    ['a bad phone', { homePhone: '555-12' }, 'homePhone'],
    ['a bad e-mail', { email: 'ana at example' }, 'email'],
    ['an unknown sex', { gender: 'x' }, 'gender'],
    ['a race outside the OMB categories', { race: ['2500-7'] }, 'race[0]'],
    ['a malformed language tag', { language: 'spanish!' }, 'language'],
    ['a preferred method with no number', { preferredContact: 'email' }, 'preferredContact'],
    ['an unknown primary care provider', { primaryCareProviderId: 'nobody-here' }, 'primaryCareProviderId'],
  ])('%s is 400 naming the field, and nothing is written', async (_label, change, field) => {
    const { ctx, desk } = await setUp();
    const res = await post(h.app, desk, '/api/registration/patients', {
      name: { family: 'Reyes', given: 'Ana' },
      birthDate: '1990-01-01',
      gender: 'female',
      ...change,
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body.issue[0].expression).toEqual([field]);
    expect(await count(h.app, ctx, 'Patient')).toBe(0);
  });
});
