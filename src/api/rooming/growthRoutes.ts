import { growthChart } from '../../clinic/rooming/growth/chart.js';
import { vitalsHistory } from '../../clinic/rooming/growth/history.js';
import { auditShown, roomingContext, type RoomingRouteEnv } from './common.js';

/**
 * Trends and growth charts (docs/rooming/growth.md): the patient's vital signs over time and the CDC growth
 * charts with the child's points. Each route: authenticate -> the clinical gate (the front desk: 403) ->
 * the patient as the caller may see them (unknown or restricted: 404) -> audit what was shown -> present.
 */
export function registerGrowthRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  type PatientParams = { Params: { id: string }; Querystring: { chart?: unknown } };

  app.get<PatientParams>('/api/rooming/patients/:id/vitals-history', async (request, reply) => {
    const ctx = await roomingContext(request, env, baseUrl);
    const history = await vitalsHistory(env.db, ctx, request.params.id);
    await auditShown(env, ctx.principal, [history.patientId], 'vital signs', 'rooming: vitals history');
    return reply.send(history);
  });

  app.get<PatientParams>('/api/rooming/patients/:id/growth', async (request, reply) => {
    const ctx = await roomingContext(request, env, baseUrl);
    const chart = await growthChart(env.db, ctx, request.params.id, request.query.chart, env.now());
    await auditShown(
      env,
      ctx.principal,
      [chart.patientId],
      'vital signs',
      `rooming: growth chart ${chart.kind}`
    );
    return reply.send(chart);
  });
}
