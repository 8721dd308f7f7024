import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countOf, fhir, newPractice, testEngines, transaction, useEngine } from '../harness.js';

// ../shared beside the checkout, or this kind of machine's /work/shared (a clone elsewhere, e.g. in /tmp).
const BESIDE = path.resolve(import.meta.dirname, '../../../shared/data/synthea-r4');
const SYNTHEA = fs.existsSync(BESIDE) ? BESIDE : '/work/shared/data/synthea-r4';

function observation(patientRef: string, value: number) {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
    subject: { reference: patientRef },
    effectiveDateTime: '2026-11-26T10:00:00Z',
    valueQuantity: { value, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  };
}

describe.each(testEngines())('transaction and batch Bundles [%s]', (engine) => {
  const h = useEngine(engine);

  it('resolves urn:uuid fullUrls into references and answers with a transaction-response', async () => {
    const ctx = await newPractice(h.db);
    const res = await transaction(h.app, ctx, [
      {
        fullUrl: 'urn:uuid:0f1e2d3c-0000-4000-8000-000000000002',
        resource: observation('urn:uuid:0f1e2d3c-0000-4000-8000-000000000001', 72.5),
        request: { method: 'POST', url: 'Observation' },
      },
      {
        fullUrl: 'urn:uuid:0f1e2d3c-0000-4000-8000-000000000001',
        resource: { resourceType: 'Patient', name: [{ family: 'Okafor' }] },
        request: { method: 'POST', url: 'Patient' },
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
      '201 Created',
      '201 Created',
    ]);
    const patientId = /Patient\/([^/]+)\//.exec(res.body.entry[1].response.location)?.[1];
    const obs = await fhir(h.app, ctx, { method: 'GET', url: `Observation?subject=Patient/${patientId}` });
    expect(obs.body.entry).toHaveLength(1);
    expect(obs.body.entry[0].resource.subject.reference).toBe(`Patient/${patientId}`);
  });

  it('is all or nothing: one invalid entry stores none of the others', async () => {
    const ctx = await newPractice(h.db);
    const res = await transaction(h.app, ctx, [
      {
        fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000001',
        resource: { resourceType: 'Patient', name: [{ family: 'Okafor' }] },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        resource: observation('urn:uuid:aaaaaaaa-0000-4000-8000-000000000001', 70),
        request: { method: 'POST', url: 'Observation' },
      },
      {
        resource: { ...observation('urn:uuid:aaaaaaaa-0000-4000-8000-000000000001', 71), status: 'done' },
        request: { method: 'POST', url: 'Observation' },
      },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression[0]).toBe('Bundle.entry[2].Observation.status');
    expect(await countOf(h.app, ctx, 'Patient')).toBe(0);
    expect(await countOf(h.app, ctx, 'Observation')).toBe(0);
  });

  it('resolves conditional references and supports conditional create and update inside', async () => {
    const ctx = await newPractice(h.db);
    await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Organization',
      body: {
        resourceType: 'Organization',
        name: 'Riverbend',
        identifier: [{ system: 'https://example.org/npi', value: '1234567893' }],
      },
    });
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:bbbbbbbb-0000-4000-8000-000000000001',
          resource: {
            resourceType: 'Patient',
            identifier: [{ system: 'urn:medassist:mrn', value: 'MRN-7' }],
            managingOrganization: { reference: 'Organization?identifier=https://example.org/npi|1234567893' },
          },
          request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:medassist:mrn|MRN-7' },
        },
        {
          resource: {
            resourceType: 'Practitioner',
            identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '9999999991' }],
            name: [{ family: 'Reyes' }],
          },
          request: {
            method: 'PUT',
            url: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999999991',
          },
        },
      ],
    };
    const first = await fhir(h.app, ctx, { method: 'POST', url: '', body: bundle });
    expect(first.status).toBe(200);
    expect(first.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
      '201 Created',
      '201 Created',
    ]);
    const patient = (await fhir(h.app, ctx, { method: 'GET', url: 'Patient?identifier=MRN-7' })).body.entry[0]
      .resource;
    const org = (await fhir(h.app, ctx, { method: 'GET', url: 'Organization' })).body.entry[0].resource;
    expect(patient.managingOrganization.reference).toBe(`Organization/${org.id}`);
    // The same Bundle again: the conditional create finds the patient, the conditional update updates in place.
    const second = await fhir(h.app, ctx, { method: 'POST', url: '', body: bundle });
    expect(second.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
      '200 OK',
      '200 OK',
    ]);
    expect(await countOf(h.app, ctx, 'Patient')).toBe(1);
    expect(await countOf(h.app, ctx, 'Practitioner')).toBe(1);
    // A conditional reference that matches nothing fails the transaction.
    const broken = await transaction(h.app, ctx, [
      {
        resource: {
          resourceType: 'Patient',
          managingOrganization: { reference: 'Organization?identifier=none|0' },
        },
        request: { method: 'POST', url: 'Patient' },
      },
    ]);
    expect(broken.status).toBe(400);
    expect(broken.body.issue[0].expression[0]).toBe(
      'Bundle.entry[0].resource.managingOrganization.reference'
    );
  });

  it('a batch answers per entry: a bad entry fails alone', async () => {
    const ctx = await newPractice(h.db);
    const res = await fhir(h.app, ctx, {
      method: 'POST',
      url: '',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            resource: { resourceType: 'Patient', name: [{ family: 'Good' }] },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            resource: { resourceType: 'Patient', gender: 'bad' },
            request: { method: 'POST', url: 'Patient' },
          },
          { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect(
      res.body.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3))
    ).toEqual(['201', '400', '404']);
    expect(res.body.entry[1].response.outcome.issue[0].expression).toEqual(['Patient.gender']);
    expect(await countOf(h.app, ctx, 'Patient')).toBe(1);
  });

  it('loads a Synthea patient bundle completely', async () => {
    const ctx = await newPractice(h.db);
    const file = fs.readdirSync(SYNTHEA).find((f) => f.startsWith('Carmelo_Streich')) as string;
    const bundle = JSON.parse(fs.readFileSync(path.join(SYNTHEA, file), 'utf8'));
    const expected = new Map<string, number>();
    for (const e of bundle.entry) {
      expected.set(e.resource.resourceType, (expected.get(e.resource.resourceType) ?? 0) + 1);
    }
    const res = await fhir(h.app, ctx, { method: 'POST', url: '', body: bundle });
    expect(res.status).toBe(200);
    for (const [type, n] of expected) {
      expect(await countOf(h.app, ctx, type), type).toBe(n);
    }
    const patient = (await fhir(h.app, ctx, { method: 'GET', url: 'Patient' })).body.entry[0].resource;
    const encounters = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Encounter?patient=${patient.id}&_summary=count`,
    });
    expect(encounters.body.total).toBe(expected.get('Encounter'));
  });
});
