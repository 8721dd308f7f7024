import { describe, expect, it } from 'vitest';
import { fhir, newPractice, testEngines, useEngine } from '../../harness.js';
import { matchIds, observation, refsOf, searchBundle, seed, type Seed } from './helpers.js';

/*
 * Reference search, chains, _has, _include and _revinclude (FHIR R4 search.html#reference, #chaining,
 * #has, #include). Expectations are worked out by hand.
 */

const GLUCOSE = { coding: [{ system: 'http://loinc.org', code: '2339-0', display: 'Glucose' }] };

const clinic: Seed[] = [
  { resourceType: 'Practitioner', id: 'pr-house', name: [{ family: 'House', given: ['Gregory'] }] },
  {
    resourceType: 'Patient',
    id: 'p-jane',
    name: [{ family: 'Smith', given: ['Jane'] }],
    birthDate: '1980-05-17',
    identifier: [{ system: 'http://clinic.example/mrn', value: 'MRN-002' }],
    generalPractitioner: [{ reference: 'Practitioner/pr-house' }],
  },
  {
    resourceType: 'Patient',
    id: 'p-jose',
    name: [{ family: 'Muñoz', given: ['José'] }],
    birthDate: '1961-03-04',
  },
  { resourceType: 'Location', id: 'loc-smith', name: 'Smithfield Clinic' },
  // Heart rate for Jane, performed by Dr House.
  observation('o-jane', {
    subject: { reference: 'Patient/p-jane' },
    performer: [{ reference: 'Practitioner/pr-house' }],
  }),
  // Glucose for José.
  observation('o-jose', { subject: { reference: 'Patient/p-jose' }, code: GLUCOSE }),
  // An environmental reading about a Location.
  observation('o-loc', { subject: { reference: 'Location/loc-smith' } }),
  // A patient on another server: an absolute reference that is not ours.
  observation('o-abs', { subject: { reference: 'http://other.example/fhir/Patient/ext-9' } }),
  // A panel grouping Jane's heart rate (no subject).
  observation('o-panel', { hasMember: [{ reference: 'Observation/o-jane' }] }),
  // A final report whose result is Jane's heart rate.
  {
    resourceType: 'DiagnosticReport',
    id: 'dr-1',
    status: 'final',
    code: { text: 'Vitals' },
    result: [{ reference: 'Observation/o-jane' }],
  },
];

describe.each(testEngines())('reference search on %s', (engine) => {
  const h = useEngine(engine);

  async function practiceWithClinic() {
    const ctx = await newPractice(h.db, 'refs');
    await seed(h.app, ctx, clinic);
    return ctx;
  }

  it('Type/id, id, :Type and absolute URLs', async () => {
    const ctx = await practiceWithClinic();
    const ids = (q: string) => matchIds(h.app, ctx, `Observation?${q}`);
    expect(await ids('subject=Patient/p-jane')).toEqual(['o-jane']);
    // A plain id matches a reference to any type with that id.
    expect(await ids('subject=p-jane')).toEqual(['o-jane']);
    expect(await ids('subject:Patient=p-jane')).toEqual(['o-jane']);
    expect(await ids('subject=loc-smith')).toEqual(['o-loc']);
    // :Location restricts the type: Jane is a Patient.
    expect(await ids('subject:Location=p-jane')).toEqual([]);
    expect(await ids('subject:Location=loc-smith')).toEqual(['o-loc']);
    // Our own base URL is the same as a relative reference.
    expect(await ids('subject=http://test/fhir/R4/Patient/p-jane')).toEqual(['o-jane']);
    // Another server's URL matches only that absolute reference.
    expect(await ids('subject=http://other.example/fhir/Patient/ext-9')).toEqual(['o-abs']);
    // patient = subject where it is a Patient: the Location and the foreign reference are not.
    expect(await ids('patient=Patient/p-jane,p-jose')).toEqual(['o-jane', 'o-jose']);
    expect(await ids('subject=Patient/p-jane,Location/loc-smith')).toEqual(['o-jane', 'o-loc']);
    expect(await ids('subject:missing=true')).toEqual(['o-panel']);
    expect(await ids('has-member=Observation/o-jane')).toEqual(['o-panel']);
  });

  // A stored reference may spell one of this server's resources as an absolute URL on its own base; it is
  // the same reference as "Patient/p-jane" (search.html#reference).
  const ownAbsolute = observation('o-own-abs', {
    subject: { reference: 'http://test/fhir/R4/Patient/p-jane' },
  });

  it("a reference written as this server's absolute URL matches Type/id and :Type", async () => {
    const ctx = await practiceWithClinic();
    await seed(h.app, ctx, [ownAbsolute]);
    const ids = (q: string) => matchIds(h.app, ctx, `Observation?${q}`);
    expect(await ids('subject=Patient/p-jane')).toEqual(['o-jane', 'o-own-abs']);
    expect(await ids('subject:Patient=p-jane')).toEqual(['o-jane', 'o-own-abs']);
    expect(await ids('patient=http://test/fhir/R4/Patient/p-jane')).toEqual(['o-jane', 'o-own-abs']);
  });

  // The write path indexes a reference written as this server's absolute URL as the relative Type/id,
  // so chains follow it too.
  it("a chain follows a reference written as this server's absolute URL", async () => {
    const ctx = await practiceWithClinic();
    await seed(h.app, ctx, [ownAbsolute]);
    expect(await matchIds(h.app, ctx, 'Observation?patient.name=smith')).toEqual(['o-jane', 'o-own-abs']);
  });

  it('chained parameters follow the reference to the target type', async () => {
    const ctx = await practiceWithClinic();
    const ids = (q: string) => matchIds(h.app, ctx, `Observation?${q}`);
    expect(await ids('patient.name=smith')).toEqual(['o-jane']);
    // subject targets Patient, Group, Device and Location; both Patient.name "Smith" and Location.name
    // "Smithfield Clinic" start with "smith".
    expect(await ids('subject.name=smith')).toEqual(['o-jane', 'o-loc']);
    // :Patient restricts the chain to Patient targets.
    expect(await ids('subject:Patient.name=smith')).toEqual(['o-jane']);
    expect(await ids('subject:Patient.birthdate=1980')).toEqual(['o-jane']);
    expect(await ids('subject:Patient.birthdate=lt1970')).toEqual(['o-jose']);
    expect(await ids('patient.identifier=http://clinic.example/mrn|MRN-002')).toEqual(['o-jane']);
    expect(await ids(`patient.name=${encodeURIComponent('muñoz')}&code=2339-0`)).toEqual(['o-jose']);
    // Two links: the patient's general practitioner is named House.
    expect(await ids('patient.general-practitioner.family=house')).toEqual(['o-jane']);
    expect(await ids('subject:Patient.general-practitioner:Practitioner.name=gregory')).toEqual(['o-jane']);
    expect(await ids('patient.name=nobody')).toEqual([]);
    // A comma is OR inside the chained value.
    expect(await ids('patient.name=smith,munoz')).toEqual(['o-jane', 'o-jose']);
  });

  it('a chain does not follow a reference to a deleted resource', async () => {
    const ctx = await practiceWithClinic();
    expect((await fhir(h.app, ctx, { method: 'DELETE', url: 'Patient/p-jose' })).status).toBe(204);
    expect(await matchIds(h.app, ctx, 'Observation?patient.name=munoz')).toEqual([]);
  });

  it('_has selects resources by what refers to them', async () => {
    const ctx = await practiceWithClinic();
    const ids = (q: string) => matchIds(h.app, ctx, `Patient?${q}`);
    // Patients with a heart-rate Observation (8867-4) about them: Jane.
    expect(await ids('_has:Observation:patient:code=8867-4')).toEqual(['p-jane']);
    expect(await ids('_has:Observation:subject:code=2339-0')).toEqual(['p-jose']);
    expect(await ids('_has:Observation:patient:code=8867-4,2339-0')).toEqual(['p-jane', 'p-jose']);
    // Practitioners who performed an Observation about a patient named Smith (chain inside _has).
    expect(await matchIds(h.app, ctx, 'Practitioner?_has:Observation:performer:patient.name=smith')).toEqual([
      'pr-house',
    ]);
    // Nested _has: patients with an Observation that is a member of some panel (o-panel has o-jane).
    expect(await ids('_has:Observation:patient:_has:Observation:has-member:status=final')).toEqual([
      'p-jane',
    ]);
    // Nested _has across types: patients with an Observation that a final DiagnosticReport lists as a result.
    expect(await ids('_has:Observation:patient:_has:DiagnosticReport:result:status=final')).toEqual([
      'p-jane',
    ]);
    expect(await ids('_has:Observation:patient:_has:DiagnosticReport:result:status=preliminary')).toEqual([]);
    // A deleted Observation no longer counts.
    expect((await fhir(h.app, ctx, { method: 'DELETE', url: 'Observation/o-jose' })).status).toBe(204);
    expect(await ids('_has:Observation:subject:code=2339-0')).toEqual([]);
  });

  it('_include adds the referenced resources; only :iterate follows included ones', async () => {
    const ctx = await practiceWithClinic();
    const bundle = async (q: string) => searchBundle(h.app, ctx, `Observation?${q}`);
    let b = await bundle('_id=o-jane&_include=Observation:patient');
    expect(refsOf(b, 'match')).toEqual(['Observation/o-jane']);
    expect(refsOf(b, 'include')).toEqual(['Patient/p-jane']);
    b = await bundle('_id=o-jane,o-loc&_include=Observation:subject:Patient');
    expect(refsOf(b, 'include')).toEqual(['Patient/p-jane']);
    b = await bundle('_id=o-jane,o-loc&_include=Observation:subject');
    expect(refsOf(b, 'include')).toEqual(['Location/loc-smith', 'Patient/p-jane']);
    // Without :iterate, Patient:general-practitioner applies to the matches (Observations) only: nothing more.
    b = await bundle('_id=o-jane&_include=Observation:patient&_include=Patient:general-practitioner');
    expect(refsOf(b, 'include')).toEqual(['Patient/p-jane']);
    // With :iterate it also applies to the included Patient.
    b = await bundle('_id=o-jane&_include=Observation:patient&_include:iterate=Patient:general-practitioner');
    expect(refsOf(b, 'include')).toEqual(['Patient/p-jane', 'Practitioner/pr-house']);
    // A resource both matched and referenced appears once, as a match.
    b = await bundle('_id=o-jane,o-panel&_include=Observation:has-member');
    expect(refsOf(b, 'match')).toEqual(['Observation/o-jane', 'Observation/o-panel']);
    expect(refsOf(b, 'include')).toEqual([]);
  });

  it('_revinclude adds the resources that refer to the matches', async () => {
    const ctx = await practiceWithClinic();
    let b = await searchBundle(h.app, ctx, 'Patient?_id=p-jane&_revinclude=Observation:patient');
    expect(refsOf(b, 'include')).toEqual(['Observation/o-jane']);
    // :iterate: the panel refers to o-jane, which was itself revincluded.
    b = await searchBundle(
      h.app,
      ctx,
      'Patient?_id=p-jane&_revinclude=Observation:patient&_revinclude:iterate=Observation:has-member'
    );
    expect(refsOf(b, 'include')).toEqual(['Observation/o-jane', 'Observation/o-panel']);
    b = await searchBundle(
      h.app,
      ctx,
      'Patient?_id=p-jane&_revinclude=Observation:patient&_revinclude=Observation:has-member'
    );
    expect(refsOf(b, 'include')).toEqual(['Observation/o-jane']);
    b = await searchBundle(
      h.app,
      ctx,
      'Practitioner?_revinclude=Patient:general-practitioner&_revinclude=Observation:performer'
    );
    expect(refsOf(b, 'include')).toEqual(['Observation/o-jane', 'Patient/p-jane']);
  });
});
