import type { FastifyInstance, FastifyRequest } from 'fastify';
import { captureCoverage, parseCoverage } from '../clinic/registration/coverage.js';
import { parseConsent, recordConsent } from '../clinic/registration/consents.js';
import { findMatches, parseMatchQuery } from '../clinic/registration/matches.js';
import { mergePatients, mergesOf, parseMerge, readMerge, undoMerge } from '../clinic/registration/merge.js';
import { parseRegistration, registerPatient } from '../clinic/registration/register.js';
import { deskSetup } from '../clinic/registration/setup.js';
import { assertId } from '../store/repository.js';
import type { RequestContext } from '../store/context.js';
import { authenticate, type AuthEnv } from './auth/authenticate.js';
import type { BaseUrl } from './clinicRoutes.js';

/** Two card images (1 MB each) in base64 plus the form: above the FHIR API's default body limit. */
const IMAGE_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Registration at the desk (docs/front-desk-api.md, "Registration"): each route authenticate -> validate ->
 * workflow (src/clinic/registration) -> present. Patient names travel in POST bodies only.
 */
export function registerRegistrationRoutes(app: FastifyInstance, env: AuthEnv, baseUrl: BaseUrl): void {
  const contextOf = async (request: FastifyRequest): Promise<RequestContext> => {
    const { principal } = await authenticate(request, env);
    return { practiceId: principal.practiceId, baseUrl: baseUrl(request.host, request.protocol), principal };
  };

  app.get('/api/registration/setup', async (request) => {
    const ctx = await contextOf(request);
    return deskSetup(env.db, ctx);
  });

  app.post('/api/registration/matches', async (request) => {
    const ctx = await contextOf(request);
    const query = parseMatchQuery(request.body, env.now());
    return { matches: await findMatches(env.db, ctx, query) };
  });

  app.post('/api/registration/patients', async (request, reply) => {
    const ctx = await contextOf(request);
    const registered = await registerPatient(env.db, ctx, parseRegistration(request.body, env.now()));
    return reply.status(201).send(registered);
  });

  app.post('/api/registration/coverage', { bodyLimit: IMAGE_BODY_LIMIT }, async (request, reply) => {
    const ctx = await contextOf(request);
    return reply
      .status(201)
      .send(await captureCoverage(env.db, ctx, parseCoverage(request.body, env.now()), env.now()));
  });

  app.post('/api/registration/consents', { bodyLimit: IMAGE_BODY_LIMIT }, async (request, reply) => {
    const ctx = await contextOf(request);
    return reply
      .status(201)
      .send(await recordConsent(env.db, ctx, parseConsent(request.body, env.now()), env.now()));
  });

  app.post('/api/registration/merge', async (request, reply) => {
    const ctx = await contextOf(request);
    return reply.status(201).send(await mergePatients(env.db, ctx, parseMerge(request.body), env.now()));
  });

  app.get<{ Params: { id: string } }>('/api/registration/merge/:id', async (request) => {
    const ctx = await contextOf(request);
    assertId(request.params.id, 'id');
    return readMerge(env.db, ctx, request.params.id);
  });

  app.post<{ Params: { id: string } }>('/api/registration/merge/:id/undo', async (request) => {
    const ctx = await contextOf(request);
    return undoMerge(env.db, ctx, request.params.id, env.now());
  });

  app.get<{ Params: { id: string } }>('/api/registration/patients/:id/merges', async (request) => {
    const ctx = await contextOf(request);
    assertId(request.params.id, 'id');
    return { merges: await mergesOf(env.db, ctx, request.params.id) };
  });
}
