import type { Encounter } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { assertAllowed } from '../../auth/policy.js';
import { badRequest } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { assertId } from '../../store/repository.js';
import type { ReviewKind } from '../../clinic/rooming/model.js';
import { roomingVisitOf } from '../../clinic/rooming/visit.js';
import { allergyList, parseAllergyRequest, recordAllergy } from '../../clinic/rooming/review/allergies.js';
import { allReactions, searchAllergens, searchDrugs } from '../../clinic/rooming/review/catalog.js';
import {
  medicationList,
  parseReconcile,
  reconcileMedications,
} from '../../clinic/rooming/review/medications.js';
import {
  parsePharmacy,
  preferredPharmacy,
  setPreferredPharmacy,
} from '../../clinic/rooming/review/pharmacy.js';
import { problemList } from '../../clinic/rooming/review/problems.js';
import { markReviewed } from '../../clinic/rooming/review/markReviewed.js';
import { parseReviewKind, reviewsOf } from '../../clinic/rooming/review/reviewed.js';
import { auditShown, roomingContext, type RoomingRouteEnv } from './common.js';

/** The resource type whose access decides who may use each review (the front desk reads none: 403). */
const GATE: Record<ReviewKind, string> = {
  allergies: 'AllergyIntolerance',
  medications: 'MedicationStatement',
  problems: 'Condition',
  pharmacy: 'MedicationStatement',
};

function gate(principal: Principal, kind: ReviewKind, action: 'read' | 'search' | 'create' | 'update'): void {
  assertAllowed(principal, action, GATE[kind]);
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

/** `?encounter=<id>`: the visit whose review stamp the list answers with; it must be this patient's. */
async function encounterParam(
  conn: SqlConnection,
  ctx: RequestContext,
  request: FastifyRequest,
  patientId: string,
  now: Date
): Promise<Encounter | undefined> {
  const value = queryOf(request).encounter;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest('encounter must be an Encounter id', 'encounter');
  assertId(value, 'encounter');
  const visit = await roomingVisitOf(conn, ctx, value, now);
  if (visit.patient.id !== patientId) {
    throw badRequest(`Encounter/${value} is another patient's visit`, 'encounter');
  }
  return visit.encounter;
}

function searchText(request: FastifyRequest): string {
  const q = queryOf(request).q ?? '';
  if (typeof q !== 'string' || q.length > 100) throw badRequest('q is at most 100 characters', 'q');
  return q;
}

/**
 * Allergies, medication reconciliation, problem list, preferred pharmacy, review stamps
 * (docs/rooming/review.md). Each route: authenticate -> the clinical gate -> validate -> workflow
 * (src/clinic/rooming/review) -> audit what was shown -> present.
 */
export function registerReviewRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  const context = (request: FastifyRequest) => roomingContext(request, env, baseUrl);
  type PatientParams = { Params: { id: string } };

  // ---------- allergies ----------
  app.get<PatientParams>('/api/rooming/patients/:id/allergies', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'allergies', 'search');
    const encounter = await encounterParam(env.db, ctx, request, request.params.id, env.now());
    const list = await allergyList(env.db, ctx, request.params.id, encounter);
    await auditShown(env, ctx.principal, [list.patientId], 'allergy list', 'rooming: allergies');
    return reply.send(list);
  });

  app.post<PatientParams>('/api/rooming/encounters/:id/allergies', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'allergies', 'create');
    const req = parseAllergyRequest(request.body);
    const saved = await recordAllergy(env.db, ctx, request.params.id, req, env.now());
    // The answer shows the patient's whole list, not only the entry written.
    await auditShown(env, ctx.principal, [saved.list.patientId], 'allergy list', 'rooming: allergies');
    return reply.status(req.action === 'add' || req.action === 'nkda' ? 201 : 200).send(saved);
  });

  // ---------- medications ----------
  app.get<PatientParams>('/api/rooming/patients/:id/medications', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'medications', 'search');
    const encounter = await encounterParam(env.db, ctx, request, request.params.id, env.now());
    const list = await medicationList(env.db, ctx, request.params.id, encounter);
    await auditShown(env, ctx.principal, [list.patientId], 'medication list', 'rooming: medications');
    return reply.send(list);
  });

  app.post<PatientParams>('/api/rooming/encounters/:id/medications', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'medications', 'create');
    const req = parseReconcile(request.body);
    const done = await reconcileMedications(env.db, ctx, request.params.id, req, env.now());
    await auditShown(env, ctx.principal, [done.list.patientId], 'medication list', 'rooming: medications');
    return reply.send(done);
  });

  // ---------- problems ----------
  app.get<PatientParams>('/api/rooming/patients/:id/problems', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'problems', 'search');
    const encounter = await encounterParam(env.db, ctx, request, request.params.id, env.now());
    const list = await problemList(env.db, ctx, request.params.id, encounter);
    await auditShown(env, ctx.principal, [list.patientId], 'problem list', 'rooming: problem list');
    return reply.send(list);
  });

  // ---------- review stamps ----------
  app.post<PatientParams>('/api/rooming/encounters/:id/reviewed', async (request, reply) => {
    const ctx = await context(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const what = parseReviewKind(typeof body === 'object' ? body.what : undefined);
    gate(ctx.principal, what, 'search');
    const { stamp, encounter } = await markReviewed(env.db, ctx, request.params.id, what, env.now());
    return reply.send({ stamp, reviews: reviewsOf(encounter) });
  });

  // ---------- preferred pharmacy ----------
  app.get<PatientParams>('/api/rooming/patients/:id/pharmacy', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'pharmacy', 'search');
    const encounter = await encounterParam(env.db, ctx, request, request.params.id, env.now());
    const answer = await preferredPharmacy(env.db, ctx, request.params.id, encounter);
    await auditShown(env, ctx.principal, [answer.patientId], 'preferred pharmacy', 'rooming: pharmacy');
    return reply.send(answer);
  });

  app.put<PatientParams>('/api/rooming/patients/:id/pharmacy', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'pharmacy', 'create');
    const req = parsePharmacy(request.body);
    const answer = await setPreferredPharmacy(env.db, ctx, request.params.id, req, env.now());
    await auditShown(env, ctx.principal, [answer.patientId], 'preferred pharmacy', 'rooming: pharmacy');
    return reply.send(answer);
  });

  // ---------- catalogs (no patient data) ----------
  app.get('/api/rooming/catalog/allergens', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'allergies', 'search');
    return reply.send({ allergens: searchAllergens(searchText(request)), reactions: allReactions() });
  });

  app.get('/api/rooming/catalog/drugs', async (request, reply) => {
    const ctx = await context(request);
    gate(ctx.principal, 'medications', 'search');
    return reply.send({ drugs: searchDrugs(searchText(request)) });
  });
}
