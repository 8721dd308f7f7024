import { describe, expect, it } from 'vitest';
import { countOf, fhir, newPractice, testEngines, transaction, useEngine } from '../harness.js';

// Findings of a code review (2026-11-26), each pinned by a test.
describe.each(testEngines())('review findings [%s]', (engine) => {
  const h = useEngine(engine);

  it('history and vread inside a transaction Bundle answer (they used to wait forever on PGlite)', async () => {
    const ctx = await newPractice(h.db);
    await fhir(h.app, ctx, { method: 'PUT', url: 'Patient/p1', body: { resourceType: 'Patient', id: 'p1' } });
    const res = await transaction(h.app, ctx, [
      { request: { method: 'GET', url: 'Patient/p1/_history' } },
      { request: { method: 'GET', url: 'Patient/p1/_history/1' } },
      { request: { method: 'GET', url: 'Patient/p1' } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
      '200 OK',
      '200 OK',
      '200 OK',
    ]);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('a conditional update that matches nothing never overwrites the resource named by the body id', async () => {
    const ctx = await newPractice(h.db);
    const victim = {
      resourceType: 'Patient',
      id: 'victim',
      name: [{ family: 'Keep' }],
      identifier: [{ system: 'urn:mrn', value: 'V1' }],
    };
    await fhir(h.app, ctx, { method: 'PUT', url: 'Patient/victim', body: victim });
    const res = await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Patient?identifier=urn:mrn|NOPE',
      body: { resourceType: 'Patient', id: 'victim', name: [{ family: 'Overwritten' }] },
    });
    // R4 http.html#cond-update: no match, id provided and it exists -> 409
    expect(res.status).toBe(409);
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Patient/victim' })).body.name[0].family).toBe(
      'Keep'
    );
    // ... and the same inside a transaction
    const inTx = await transaction(h.app, ctx, [
      {
        resource: { resourceType: 'Patient', id: 'victim', name: [{ family: 'X' }] },
        request: { method: 'PUT', url: 'Patient?identifier=urn:mrn|NOPE' },
      },
    ]);
    expect(inTx.status).toBe(409);
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Patient/victim' })).body.meta.versionId).toBe('1');
  });

  it('conditional criteria without a filter are refused instead of matching anything', async () => {
    const ctx = await newPractice(h.db);
    await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Organization/o1',
      body: { resourceType: 'Organization', id: 'o1', name: 'Only Org' },
    });
    const update = await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Organization?_sort=_id',
      body: { resourceType: 'Organization', name: 'Clobbered' },
    });
    expect(update.status).toBe(400);
    const create = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Organization',
      body: { resourceType: 'Organization', name: 'New' },
      headers: { 'if-none-exist': '_count=5' },
    });
    expect(create.status).toBe(400);
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Organization/o1' })).body.name).toBe('Only Org');
  });

  it('two ifNoneExist entries with the same criteria in one transaction are refused', async () => {
    const ctx = await newPractice(h.db);
    const entry = {
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: '777' }] },
      request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:mrn|777' },
    };
    const res = await transaction(h.app, ctx, [entry, entry]);
    expect(res.status).toBe(400);
    expect(await countOf(h.app, ctx, 'Patient')).toBe(0);
  });

  it("a POST entry whose url is not its resource's type is refused", async () => {
    const ctx = await newPractice(h.db);
    const res = await transaction(h.app, ctx, [
      { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Observation' } },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['Bundle.entry[0].request.url']);
  });

  it.each([
    ['entry is an object', { resourceType: 'Bundle', type: 'transaction', entry: {} }],
    ['entry holds null', { resourceType: 'Bundle', type: 'transaction', entry: [null] }],
    [
      'url is a number',
      { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: 5 } }] },
    ],
    [
      'ifMatch is a number',
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient' }, request: { method: 'PUT', url: 'Patient/a', ifMatch: 5 } },
        ],
      },
    ],
    ['batch entry is a string', { resourceType: 'Bundle', type: 'batch', entry: 'x' }],
  ])('a malformed Bundle (%s) is a 400, not a 500', async (_name, body) => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, { method: 'POST', url: '', body });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it.each([
    'Patient?birthdate=ap0001-01-01',
    'Observation?value-quantity=1e1000000',
    'Patient/_history?_offset=99999999999999999999',
    'Patient/_history?_since=1',
  ])('%s is a 400, not a 500', async (url) => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, { method: 'GET', url });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('a lone surrogate or absurd nesting in a body is a 400 and stores nothing', async () => {
    const ctx = await newPractice(h.db);
    const surrogate = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: '{"resourceType":"Patient","name":[{"family":"Sm\\ud800ith"}]}',
    });
    expect(surrogate.status).toBe(400);
    const deep = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: `{"resourceType":"Patient","extension":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    });
    expect(deep.status).toBe(400);
    expect(await countOf(h.app, ctx, 'Patient')).toBe(0);
  });

  it('a JSON Patch inside a transaction travels as a Binary (R4 http.html#patch)', async () => {
    const ctx = await newPractice(h.db);
    await fhir(h.app, ctx, {
      method: 'PUT',
      url: 'Patient/p1',
      body: { resourceType: 'Patient', id: 'p1', gender: 'male' },
    });
    const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value: 'female' }])).toString(
      'base64'
    );
    const res = await transaction(h.app, ctx, [
      {
        resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
        request: { method: 'PATCH', url: 'Patient/p1' },
      },
    ]);
    expect(res.status).toBe(200);
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Patient/p1' })).body.gender).toBe('female');
  });

  it('DELETE and PUT of the same resource in one transaction is a 400 naming the entry', async () => {
    const ctx = await newPractice(h.db);
    await fhir(h.app, ctx, { method: 'PUT', url: 'Patient/t1', body: { resourceType: 'Patient', id: 't1' } });
    const res = await transaction(h.app, ctx, [
      { request: { method: 'DELETE', url: 'Patient/t1' } },
      {
        resource: { resourceType: 'Patient', id: 't1', gender: 'male' },
        request: { method: 'PUT', url: 'Patient/t1' },
      },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression[0]).toContain('Bundle.entry[1]');
  });
});
