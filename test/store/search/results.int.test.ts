import { describe, expect, it } from 'vitest';
import { fhir, newPractice, testEngines, useEngine } from '../../harness.js';
import { idsOf, matchIds, observation, refsOf, searchBundle, seed, type Seed } from './helpers.js';

/*
 * Result parameters (_summary, _total, _elements, _count), POST _search, lenient and strict handling,
 * errors, and practice isolation (FHIR R4 search.html#summary, #elements, #count, #errors; http.html#search).
 */

const patients: Seed[] = [
  {
    resourceType: 'Patient',
    id: 'p-jose',
    name: [{ family: 'Muñoz', given: ['José'] }],
    birthDate: '1961-03-04',
    gender: 'male',
  },
  {
    resourceType: 'Patient',
    id: 'p-jane',
    name: [{ family: 'Smith', given: ['Jane'] }],
    birthDate: '1980-05-17',
    gender: 'female',
  },
  {
    resourceType: 'Patient',
    id: 'p-janet',
    name: [{ family: 'Smithers', given: ['Janet'] }],
    birthDate: '1980-05',
    gender: 'female',
  },
];

describe.each(testEngines())('search results on %s', (engine) => {
  const h = useEngine(engine);

  async function practiceWithPatients() {
    const ctx = await newPractice(h.db, 'results');
    await seed(h.app, ctx, patients);
    return ctx;
  }

  it('_summary=count returns the total and no entries; _total=accurate counts past the page', async () => {
    const ctx = await practiceWithPatients();
    const count = await searchBundle(h.app, ctx, 'Patient?name=smith&_summary=count');
    expect(count.total).toBe(2);
    expect(count.entry ?? []).toEqual([]);
    const page = await searchBundle(h.app, ctx, 'Patient?_total=accurate&_count=1&_sort=_id');
    expect(page.total).toBe(3);
    expect(idsOf(page)).toEqual(['p-jane']);
    const none = await searchBundle(h.app, ctx, 'Patient?name=nobody&_summary=count');
    expect(none.total).toBe(0);
  });

  it('_elements keeps the named elements (plus id and meta) and marks the resource SUBSETTED', async () => {
    const ctx = await practiceWithPatients();
    const bundle = await searchBundle(h.app, ctx, 'Patient?_id=p-jane&_elements=birthDate,gender');
    const resource = bundle.entry[0].resource;
    expect(resource.id).toBe('p-jane');
    expect(resource.birthDate).toBe('1980-05-17');
    expect(resource.gender).toBe('female');
    expect(resource.name).toBeUndefined();
    expect(resource.meta.tag).toContainEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
      code: 'SUBSETTED',
    });
  });

  it('_count above the maximum is a 400; _count=0 returns no entries', async () => {
    const ctx = await practiceWithPatients();
    const res = await fhir(h.app, ctx, { method: 'GET', url: 'Patient?_count=100000' });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['_count']);
    expect((await fhir(h.app, ctx, { method: 'GET', url: 'Patient?_count=ten' })).status).toBe(400);
    const zero = await searchBundle(h.app, ctx, 'Patient?_count=0');
    expect(idsOf(zero)).toEqual([]);
  });

  it('POST _search with a form body equals the same GET', async () => {
    const ctx = await practiceWithPatients();
    await seed(h.app, ctx, [observation('o-jane', { subject: { reference: 'Patient/p-jane' } })]);
    for (const query of [
      'name=smith',
      'birthdate=ge1970&gender=female&_sort=-birthdate',
      'family=smith,munoz&_count=1',
      `name=${encodeURIComponent('MUÑOZ')}`,
      '_id=p-jane&_revinclude=Observation:patient',
    ]) {
      const get = await searchBundle(h.app, ctx, `Patient?${query}`);
      const post = await fhir(h.app, ctx, {
        method: 'POST',
        url: 'Patient/_search',
        body: query,
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(post.status, query).toBe(200);
      expect(idsOf(post.body), query).toEqual(idsOf(get));
      expect(refsOf(post.body, 'include'), query).toEqual(refsOf(get, 'include'));
    }
    // Parameters in the URL and the body of a POST both apply (AND).
    const mixed = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient/_search?gender=female',
      body: 'name=smith&birthdate=1980-05-17',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(idsOf(mixed.body)).toEqual(['p-jane']);
  });

  it('an unknown parameter is ignored and reported, or a 400 with Prefer: handling=strict', async () => {
    const ctx = await practiceWithPatients();
    const lenient = await searchBundle(h.app, ctx, 'Patient?shoe-size=42&name=smithers');
    // The known parameter still applies; the unknown one is dropped, not treated as "matches nothing".
    expect(idsOf(lenient)).toEqual(['p-janet']);
    const outcomes = lenient.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'outcome');
    expect(outcomes).toHaveLength(1);
    const warning = outcomes[0].resource;
    expect(warning.resourceType).toBe('OperationOutcome');
    expect(warning.issue[0].severity).toBe('warning');
    expect(warning.issue[0].details.text).toContain('shoe-size');
    // The self link shows what was applied, without the ignored parameter.
    const self = lenient.link.find((l: { relation: string }) => l.relation === 'self').url as string;
    expect(self).toContain('name=smithers');
    expect(self).not.toContain('shoe-size');

    const strict = await fhir(h.app, ctx, {
      method: 'GET',
      url: 'Patient?shoe-size=42&name=smithers',
      headers: { prefer: 'handling=strict' },
    });
    expect(strict.status).toBe(400);
    expect(strict.body.issue[0].expression).toEqual(['shoe-size']);
    // Strict with only known parameters is an ordinary search.
    const fine = await fhir(h.app, ctx, {
      method: 'GET',
      url: 'Patient?name=smithers',
      headers: { prefer: 'handling=strict' },
    });
    expect(idsOf(fine.body)).toEqual(['p-janet']);
    // An unknown chained parameter is unknown too.
    const chain = await fhir(h.app, ctx, {
      method: 'GET',
      url: 'Observation?patient.shoe-size=1',
      headers: { prefer: 'handling=strict' },
    });
    expect(chain.status).toBe(400);
  });

  it('malformed values are a 400 that names the parameter, in lenient mode too', async () => {
    const ctx = await practiceWithPatients();
    for (const [url, expression] of [
      ['Patient?birthdate=1980-02-30', 'birthdate'],
      ['Patient?birthdate=ge2026-11-26T10:00:00Q', 'birthdate'],
      ['Patient?birthdate:missing=maybe', 'birthdate:missing'],
      ['Patient?_sort=shoe-size', '_sort'],
      ['Patient?_total=some', '_total'],
      ['Patient?_summary=short', '_summary'],
      ['Patient?general-practitioner=not a reference', 'general-practitioner'],
      ['Patient?_include=Patient:shoe-size', '_include'],
    ] as const) {
      const res = await fhir(h.app, ctx, { method: 'GET', url: url.replace(/ /g, '%20') });
      expect(res.status, url).toBe(400);
      expect(res.body.issue[0].expression, url).toEqual([expression]);
    }
  });

  it('_id:not excludes; an unsupported modifier is refused, never silently dropped', async () => {
    const ctx = await practiceWithPatients();
    expect(await matchIds(h.app, ctx, 'Patient?_id:not=p-jane')).toEqual(['p-janet', 'p-jose']);
    // Ignoring a modifier would widen the results (name:sounds-like=x treated as name=x, or
    // _lastUpdated:not treated as _lastUpdated), so these are errors even in lenient mode.
    for (const [url, expression] of [
      ['Patient?name:sounds-like=smith', 'name:sounds-like'],
      ['Patient?_lastUpdated:not=2000', '_lastUpdated:not'],
      ['Patient?_id:missing=true', '_id:missing'],
      ['Patient?birthdate:exact=1980', 'birthdate:exact'],
    ] as const) {
      const res = await fhir(h.app, ctx, { method: 'GET', url });
      expect(res.status, url).toBe(400);
      expect(res.body.issue[0].expression, url).toEqual([expression]);
    }
  });

  it('a practice sees nothing of another practice', async () => {
    const first = await practiceWithPatients();
    await seed(h.app, first, [observation('o-jane', { subject: { reference: 'Patient/p-jane' } })]);
    const second = await newPractice(h.db, 'results');
    // The second practice has its own Jane Smith under the same id, and no observations.
    await seed(h.app, second, [
      { resourceType: 'Patient', id: 'p-jane', name: [{ family: 'Smith' }], birthDate: '1999-09-09' },
    ]);
    const ids = (q: string) => matchIds(h.app, second, q);
    expect(await ids('Patient')).toEqual(['p-jane']);
    expect(await ids('Patient?birthdate=1980-05-17')).toEqual([]);
    expect(await ids('Patient?_id=p-jose')).toEqual([]);
    expect(await ids('Patient?name=munoz')).toEqual([]);
    expect(await ids('Observation')).toEqual([]);
    expect(await ids('Observation?patient=p-jane')).toEqual([]);
    expect(await ids('Observation?patient.name=smith')).toEqual([]);
    expect(await ids('Patient?_has:Observation:patient:code=8867-4')).toEqual([]);
    const count = await searchBundle(h.app, second, 'Patient?_summary=count');
    expect(count.total).toBe(1);
    // The first practice's Observation includes its own Jane, never the second practice's.
    const included = await searchBundle(h.app, first, 'Observation?_include=Observation:patient');
    expect(
      included.entry.find((e: { search: { mode: string } }) => e.search.mode === 'include').resource.birthDate
    ).toBe('1980-05-17');
    const rev = await searchBundle(h.app, second, 'Patient?_revinclude=Observation:patient');
    expect(refsOf(rev, 'include')).toEqual([]);
  });
});
