import type { FastifyInstance } from 'fastify';
import {
  decideAmendment,
  parseAmendmentRequest,
  parseDecision,
  requestAmendment,
} from '../clinic/amendments/amendments.js';
import { authenticate, type AuthEnv } from './auth/authenticate.js';

/**
 * Amendment requests (docs/api.md): record one, decide one. The FHIR Tasks they make are read like any
 * Task (`Task?code=urn:medassist:task-type|amendment-request&patient=...`).
 */
export function registerAmendmentRoutes(
  app: FastifyInstance,
  env: AuthEnv,
  baseUrl: (host: string, protocol: string) => string
): void {
  app.post('/api/amendments', async (request, reply) => {
    const { principal } = await authenticate(request, env);
    const ctx = {
      practiceId: principal.practiceId,
      baseUrl: baseUrl(request.host, request.protocol),
      principal,
    };
    const task = await requestAmendment(env.db, ctx, parseAmendmentRequest(request.body));
    return reply.status(201).header('content-type', 'application/fhir+json').send(task);
  });
  app.post<{ Params: { id: string } }>('/api/amendments/:id/decision', async (request, reply) => {
    const { principal } = await authenticate(request, env);
    const ctx = {
      practiceId: principal.practiceId,
      baseUrl: baseUrl(request.host, request.protocol),
      principal,
    };
    const task = await decideAmendment(env.db, ctx, request.params.id, parseDecision(request.body));
    return reply.header('content-type', 'application/fhir+json').send(task);
  });
}
