import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { fhir } from '../../harness.js';
import type { RequestContext } from '../../../src/store/context.js';

/** A resource as a test writes it: resourceType and a chosen id, so expectations can name ids. */
export type Seed = { resourceType: string; id: string } & Record<string, unknown>;

/** Stores resources with PUT (update-as-create), so their ids are the ones the test chose. */
export async function seed(app: FastifyInstance, ctx: RequestContext, resources: Seed[]): Promise<void> {
  for (const resource of resources) {
    const res = await fhir(app, ctx, {
      method: 'PUT',
      url: `${resource.resourceType}/${resource.id}`,
      body: resource,
    });
    expect(
      res.status,
      `PUT ${resource.resourceType}/${resource.id}: ${JSON.stringify(res.body)}`
    ).toBeLessThan(300);
  }
}

/** Runs a GET search and returns the bundle, failing on a non-200 answer. */
export async function searchBundle(
  app: FastifyInstance,
  ctx: RequestContext,
  url: string,
  headers?: Record<string, string>
) {
  const res = await fhir(app, ctx, { method: 'GET', url, headers });
  expect(res.status, `GET ${url}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

interface Entry {
  resource?: { resourceType: string; id: string };
  search?: { mode?: string };
}

/** The ids of the `match` entries of a search, sorted (for set comparisons). */
export async function matchIds(app: FastifyInstance, ctx: RequestContext, url: string): Promise<string[]> {
  const bundle = await searchBundle(app, ctx, url);
  return idsOf(bundle, 'match').sort();
}

/** The ids of a bundle's entries of one search mode, in bundle order. */
export function idsOf(
  bundle: { entry?: Entry[] },
  mode: 'match' | 'include' | 'outcome' = 'match'
): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => e.resource?.id ?? '');
}

/** "Type/id" of a bundle's entries of one search mode, sorted. */
export function refsOf(bundle: { entry?: Entry[] }, mode: 'match' | 'include'): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode === mode)
    .map((e) => `${e.resource?.resourceType}/${e.resource?.id}`)
    .sort();
}

/** The URL of a bundle link, relative to the FHIR base (what `fhir()` takes). */
export function linkUrl(
  bundle: { link?: { relation: string; url: string }[] },
  relation: string
): string | undefined {
  const url = bundle.link?.find((l) => l.relation === relation)?.url;
  return url?.replace(/^http:\/\/test\/fhir\/R4\//, '');
}

/** A minimal valid Observation. */
export function observation(id: string, fields: Record<string, unknown>): Seed {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    ...fields,
  };
}
