import { assertAllowed } from '../../auth/policy.js';
import { notFound } from '../../fhir/outcome.js';
import { isScreeningId, questionnaireOf } from '../../clinic/rooming/screenings/questionnaires.js';
import { recordScreening } from '../../clinic/rooming/screenings/record.js';
import { encounterScreenings } from '../../clinic/rooming/screenings/summary.js';
import { roomingVisitOf } from '../../clinic/rooming/visit.js';
import { auditShown, roomingContext, type RoomingRouteEnv } from './common.js';

/**
 * Screenings (docs/rooming/screenings.md): what is due and done at a visit, the Questionnaires, and
 * recording a completed screening with its score. authenticate -> authorize -> validate -> workflow
 * (src/clinic/rooming/screenings) -> audit what was shown -> present. The front desk reads no clinical data
 * (403); the Questionnaires are definitions anyone signed in may read.
 */
export function registerScreeningRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  app.get<{ Params: { id: string } }>('/api/rooming/encounters/:id/screenings', async (request, reply) => {
    const ctx = await roomingContext(request, env, baseUrl);
    assertAllowed(ctx.principal, 'search', 'Observation');
    const now = env.now();
    const visit = await roomingVisitOf(env.db, ctx, request.params.id, now);
    const answer = await encounterScreenings(env.db, ctx, visit, now);
    await auditShown(
      env,
      ctx.principal,
      [visit.patient.id as string],
      'screenings',
      `screenings due and done at Encounter/${visit.encounter.id}`
    );
    return reply.header('cache-control', 'no-store').send(answer);
  });

  app.get<{ Params: { id: string } }>('/api/rooming/questionnaires/:id', async (request, reply) => {
    const ctx = await roomingContext(request, env, baseUrl);
    assertAllowed(ctx.principal, 'read', 'Questionnaire');
    if (!isScreeningId(request.params.id)) {
      throw notFound(`Questionnaire/${request.params.id} was not found`);
    }
    return reply
      .header('content-type', 'application/fhir+json; charset=utf-8')
      .send(JSON.stringify(questionnaireOf(request.params.id)));
  });

  app.post<{ Params: { id: string; screening: string } }>(
    '/api/rooming/encounters/:id/screenings/:screening',
    async (request, reply) => {
      const ctx = await roomingContext(request, env, baseUrl);
      assertAllowed(ctx.principal, 'create', 'QuestionnaireResponse');
      const body = (request.body ?? {}) as { answers?: unknown };
      const result = await recordScreening(
        env.db,
        ctx,
        request.params.id,
        request.params.screening,
        body.answers,
        env.now()
      );
      return reply.code(201).header('cache-control', 'no-store').send(result);
    }
  );
}
