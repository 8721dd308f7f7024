import { describe, expect, it } from 'vitest';
import { countOf, fhir, newPractice, testEngines, useEngine, type TestContext } from '../harness.js';

const jose = {
  resourceType: 'Patient',
  name: [{ family: 'Muñoz', given: ['José'] }],
  gender: 'male',
  birthDate: '1961-03-04',
};

describe.each(testEngines())('FHIR REST interactions [%s]', (engine) => {
  const h = useEngine(engine);

  it('creates with a server-assigned id and answers with Location, ETag and Last-Modified', async () => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: { ...jose, id: 'client-chosen' },
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.id).not.toBe('client-chosen');
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers.location).toBe(`http://test/fhir/R4/Patient/${res.body.id}/_history/1`);
    expect(new Date(String(res.headers['last-modified'])).getTime()).toBeLessThanOrEqual(Date.now());
    const read = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${res.body.id}` });
    expect(read.status).toBe(200);
    expect(read.body.name[0].family).toBe('Muñoz');
  });

  it('updates, keeps every version for vread and history, and deletes with 410 afterwards', async () => {
    const ctx = await newPractice(h.db);
    const created = (await fhir(h.app, ctx, { method: 'POST', url: 'Patient', body: jose })).body;
    const id = created.id as string;
    const v2 = await fhir(h.app, ctx, {
      method: 'PUT',
      url: `Patient/${id}`,
      body: { ...jose, id, gender: 'other' },
    });
    expect(v2.status).toBe(200);
    expect(v2.body.meta.versionId).toBe('2');
    expect((await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}/_history/1` })).body.gender).toBe(
      'male'
    );
    expect((await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}/_history/2` })).body.gender).toBe(
      'other'
    );
    const del = await fhir(h.app, ctx, { method: 'DELETE', url: `Patient/${id}` });
    expect(del.status).toBe(204);
    const gone = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}` });
    expect(gone.status).toBe(410);
    expect(gone.body.resourceType).toBe('OperationOutcome');
    const history = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}/_history` });
    expect(history.body.type).toBe('history');
    // newest first: the delete (v3), the update (v2), the create (v1)
    expect(history.body.entry.map((e: { request: { method: string } }) => e.request.method)).toEqual([
      'DELETE',
      'PUT',
      'POST',
    ]);
    const typeHistory = await fhir(h.app, ctx, { method: 'GET', url: 'Patient/_history' });
    expect(typeHistory.body.entry).toHaveLength(3);
  });

  it('update with a stale If-Match gets 412 and changes nothing', async () => {
    const ctx = await newPractice(h.db);
    const id = (await fhir(h.app, ctx, { method: 'POST', url: 'Patient', body: jose })).body.id;
    const ok = await fhir(h.app, ctx, {
      method: 'PUT',
      url: `Patient/${id}`,
      body: { ...jose, id, gender: 'female' },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(ok.status).toBe(200);
    const stale = await fhir(h.app, ctx, {
      method: 'PUT',
      url: `Patient/${id}`,
      body: { ...jose, id, gender: 'other' },
      headers: { 'if-match': 'W/"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.issue[0].expression).toEqual(['If-Match']);
    const now = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}` });
    expect(now.body.gender).toBe('female');
    expect(now.body.meta.versionId).toBe('2');
  });

  it('20 parallel version-aware updates of one resource: exactly one winner, no lost update', async () => {
    const ctx = await newPractice(h.db);
    const id = (await fhir(h.app, ctx, { method: 'POST', url: 'Patient', body: jose })).body.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fhir(h.app, ctx, {
          method: 'PUT',
          url: `Patient/${id}`,
          body: { ...jose, id, name: [{ family: `Writer${i}` }] },
          headers: { 'if-match': 'W/"1"' },
        })
      )
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 412 || r.status === 409)).toHaveLength(19);
    const current = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}` });
    expect(current.body.meta.versionId).toBe('2');
    expect(current.body.name[0].family).toBe(winners[0].body.name[0].family);
    const history = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}/_history` });
    expect(history.body.entry).toHaveLength(2);
  });

  it('PUT to a new id creates it (201); an identical PUT writes no new version', async () => {
    const ctx = await newPractice(h.db);
    const first = await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Patient/pat-1',
      body: { ...jose, id: 'pat-1' },
    });
    expect(first.status).toBe(201);
    const again = await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Patient/pat-1',
      body: { ...jose, id: 'pat-1' },
    });
    expect(again.status).toBe(200);
    expect(again.body.meta.versionId).toBe('1');
  });

  it('conditional create (If-None-Exist) creates once and then returns the match', async () => {
    const ctx = await newPractice(h.db);
    const body = { ...jose, identifier: [{ system: 'urn:medassist:mrn', value: 'MRN-100' }] };
    const headers = { 'if-none-exist': 'identifier=urn:medassist:mrn|MRN-100' };
    const a = await fhir(h.app, ctx, { method: 'POST', url: 'Patient', body, headers });
    const b = await fhir(h.app, ctx, { method: 'POST', url: 'Patient', body, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    const all = await fhir(h.app, ctx, { method: 'GET', url: 'Patient?_summary=count' });
    expect(all.body.total).toBe(1);
  });

  it('JSON Patch changes one element, and a failing test op changes nothing', async () => {
    const ctx = await newPractice(h.db);
    const id = (await fhir(h.app, ctx, { method: 'POST', url: 'Patient', body: jose })).body.id;
    const patched = await fhir(h.app, ctx, {
      method: 'PATCH',
      url: `Patient/${id}`,
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/birthDate', value: '1961-03-05' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.birthDate).toBe('1961-03-05');
    expect(patched.body.meta.versionId).toBe('2');
    const failed = await fhir(h.app, ctx, {
      method: 'PATCH',
      url: `Patient/${id}`,
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/gender', value: 'female' },
        { op: 'replace', path: '/gender', value: 'other' },
      ],
    });
    expect(failed.status).toBe(412);
    const invalid = await fhir(h.app, ctx, {
      method: 'PATCH',
      url: `Patient/${id}`,
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/gender', value: 'not-a-gender' }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issue[0].expression).toEqual(['Patient.gender']);
    const now = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}` });
    expect(now.body.gender).toBe('male');
    expect(now.body.meta.versionId).toBe('2');
  });

  it('Prefer: return=minimal and return=OperationOutcome', async () => {
    const ctx = await newPractice(h.db);
    const minimal = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: jose,
      headers: { prefer: 'return=minimal' },
    });
    expect(minimal.status).toBe(201);
    expect(minimal.body).toBeUndefined();
    expect(minimal.headers.location).toBeDefined();
    const oo = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: jose,
      headers: { prefer: 'return=OperationOutcome' },
    });
    expect(oo.body.resourceType).toBe('OperationOutcome');
  });

  it('metadata states the interactions and the search parameters from the R4 definitions', async () => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, { method: 'GET', url: 'metadata' });
    expect(res.body.resourceType).toBe('CapabilityStatement');
    expect(res.body.fhirVersion).toBe('4.0.1');
    const patient = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    const names = patient.searchParam.map((p: { name: string }) => p.name);
    // From the R4 Patient search parameters (https://hl7.org/fhir/R4/patient.html#search)
    for (const name of [
      'name',
      'family',
      'given',
      'birthdate',
      'identifier',
      'gender',
      'phone',
      'address-city',
      'general-practitioner',
      '_id',
      '_lastUpdated',
    ]) {
      expect(names).toContain(name);
    }
    expect(patient.conditionalDelete).toBe('not-supported');
  });
});

describe.each(testEngines())('bad input never hurts [%s]', (engine) => {
  const h = useEngine(engine);

  const count = (ctx: TestContext, type = 'Patient'): Promise<number> => countOf(h.app, ctx, type);

  it.each([
    [
      'malformed JSON',
      { body: '{"resourceType": "Patient",', contentType: 'application/fhir+json' },
      400,
      'body',
    ],
    [
      'a wrong content type',
      { body: 'resourceType=Patient', contentType: 'text/plain' },
      415,
      'Content-Type',
    ],
    ['an unknown resource type in the body', { body: { resourceType: 'Patientt' } }, 400, 'resourceType'],
    [
      'a body of another type than the URL',
      { body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } },
      400,
      'resourceType',
    ],
    [
      'an element of the wrong type',
      { body: { resourceType: 'Patient', birthDate: 19610304 } },
      400,
      'Patient.birthDate',
    ],
    [
      'a code outside a required binding',
      { body: { resourceType: 'Patient', gender: 'M' } },
      400,
      'Patient.gender',
    ],
    [
      'an unknown element',
      { body: { resourceType: 'Patient', favouriteColour: 'blue' } },
      400,
      'Patient.favouriteColour',
    ],
  ])('%s: clear OperationOutcome, nothing stored', async (_name, call, status, expression) => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, { method: 'POST', url: 'Patient', ...call });
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain(
      expression
    );
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    expect(await count(ctx)).toBe(0);
  });

  it('a reference to the wrong resource type is refused with its element named', async () => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Observation',
      body: {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'weight' },
        subject: { reference: 'Practitioner/1' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Observation.subject.reference']);
  });

  it('an id in the body that does not match the URL', async () => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, { method: 'PUT', url: 'Patient/a', body: { ...jose, id: 'b' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Patient.id']);
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Patient/a' })).status).toBe(404);
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Patient/b' })).status).toBe(404);
  });

  it('a body over the size limit gets 413', async () => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: {
        ...jose,
        text: {
          status: 'generated',
          div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(2 * 1024 * 1024)}</div>`,
        },
      },
    });
    expect(res.status).toBe(413);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await count(ctx)).toBe(0);
  });

  it('an unknown resource type in the URL, an unknown route, and _count over the maximum', async () => {
    const ctx = await newPractice(h.db);
    const unknown = await fhir(h.app, ctx, { method: 'GET', url: 'Patientt/1' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.resourceType).toBe('OperationOutcome');
    const tooMany = await fhir(h.app, ctx, { method: 'GET', url: 'Patient?_count=100000' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issue[0].expression).toEqual(['_count']);
    const bogus = await h.app.inject({ method: 'GET', url: '/nothing-here' });
    expect(bogus.statusCode).toBe(404);
    expect(JSON.parse(bogus.body).resourceType).toBe('OperationOutcome');
  });

  it('unknown search parameters are ignored and reported, or refused with handling=strict', async () => {
    const ctx = await newPractice(h.db);
    const lenient = await fhir(h.app, ctx, { method: 'GET', url: 'Patient?favourite=blue' });
    expect(lenient.status).toBe(200);
    expect(lenient.body.link[0].url).toBe('http://test/fhir/R4/Patient');
    expect(lenient.body.entry.at(-1).search.mode).toBe('outcome');
    const strict = await fhir(h.app, ctx, {
      method: 'GET',
      url: 'Patient?favourite=blue',
      headers: { prefer: 'handling=strict' },
    });
    expect(strict.status).toBe(400);
    expect(strict.body.issue[0].expression).toEqual(['favourite']);
  });

  it('accepts a content type with parameters, and refuses a malformed URL path with 400', async () => {
    const ctx = await newPractice(h.db);
    const withVersion = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: jose,
      contentType: 'application/fhir+json; fhirVersion=4.0; charset=utf-8',
    });
    expect(withVersion.status).toBe(201);
    const malformed = await fhir(h.app, ctx, { method: 'GET', url: 'Patient/%E0%A4%A' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.resourceType).toBe('OperationOutcome');
  });

  it('a request without credentials is refused with 401 and an OperationOutcome', async () => {
    const res = await fhir(h.app, { practiceId: 'demo', baseUrl: '' }, { method: 'GET', url: 'Patient' });
    expect(res.status).toBe(401);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('login');
  });
});

describe.each(testEngines())('tenancy [%s]', (engine) => {
  const h = useEngine(engine);

  it('a second practice in the same database sees none of the first practice data', async () => {
    const first = await newPractice(h.db, 'first');
    const second = await newPractice(h.db, 'second');
    const created = (await fhir(h.app, first, { method: 'POST', url: 'Patient', body: jose })).body;
    await fhir(h.app, first, { method: 'PUT', url: 'Patient/shared-id', body: { ...jose, id: 'shared-id' } });
    expect((await fhir(h.app, second, { method: 'GET', url: `Patient/${created.id}` })).status).toBe(404);
    expect(
      (await fhir(h.app, second, { method: 'GET', url: 'Patient?name=munoz' })).body.entry ?? []
    ).toHaveLength(0);
    expect((await fhir(h.app, second, { method: 'GET', url: `Patient/${created.id}/_history` })).status).toBe(
      404
    );
    expect((await fhir(h.app, second, { method: 'GET', url: 'Patient/_history' })).body.entry).toHaveLength(
      0
    );
    // The same id in another practice is another resource.
    const theirs = await fhir(h.app, second, {
      method: 'PUT',
      url: 'Patient/shared-id',
      body: { ...jose, id: 'shared-id', gender: 'female' },
    });
    expect(theirs.status).toBe(201);
    expect((await fhir(h.app, first, { method: 'GET', url: 'Patient/shared-id' })).body.gender).toBe('male');
  });
});
