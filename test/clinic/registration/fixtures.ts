import type { FastifyInstance } from 'fastify';
import { asUser, type TestUser } from '../../authHarness.js';
import { fhir, type TestContext } from '../../harness.js';

/** A 1x1 PNG (the smallest real image: the server checks the bytes, not only the declared type). */
export const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
export const PNG = { contentType: 'image/png', data: PNG_1X1 };
/** The first bytes of a PDF, declared as a PNG. */
export const PDF_AS_PNG = {
  contentType: 'image/png',
  data: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj').toString('base64'),
};

/** POSTs JSON to a /api route as `who`. */
export function post(app: FastifyInstance, who: TestUser, url: string, body: unknown) {
  return asUser(app, who, { method: 'POST', url, contentType: 'application/json', body });
}

/** Creates a resource with the practice's full-access client; returns its id. */
export async function create(
  app: FastifyInstance,
  ctx: TestContext,
  resource: Record<string, unknown>
): Promise<string> {
  const res = await fhir(app, ctx, { method: 'POST', url: String(resource.resourceType), body: resource });
  if (res.status !== 201)
    throw new Error(`create ${String(resource.resourceType)}: ${res.status} ${res.text}`);
  return res.body.id as string;
}

export async function read(app: FastifyInstance, ctx: TestContext, ref: string) {
  return (await fhir(app, ctx, { method: 'GET', url: ref })).body;
}

/** How many resources of a type the practice holds (full access). */
export async function count(app: FastifyInstance, ctx: TestContext, type: string): Promise<number> {
  return (await fhir(app, ctx, { method: 'GET', url: `${type}?_summary=count` })).body.total as number;
}

/** A practice's payer Organization (type pay) and a provider (Practitioner + PractitionerRole doctor). */
export async function directory(app: FastifyInstance, ctx: TestContext) {
  const payerId = await create(app, ctx, {
    resourceType: 'Organization',
    active: true,
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'pay' }] }],
    name: 'Prairie Mutual Health',
  });
  const providerId = await create(app, ctx, {
    resourceType: 'Practitioner',
    active: true,
    name: [{ family: 'Okonkwo', given: ['Adaeze'], suffix: ['MD'] }],
  });
  await create(app, ctx, {
    resourceType: 'PractitionerRole',
    practitioner: { reference: `Practitioner/${providerId}` },
    code: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/practitioner-role', code: 'doctor' }] },
    ],
  });
  return { payerId, providerId };
}
