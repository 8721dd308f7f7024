import { parseVitals } from '../../clinic/rooming/vitals/input.js';
import { visitVitals } from '../../clinic/rooming/vitals/read.js';
import { recordVitals } from '../../clinic/rooming/vitals/record.js';
import { auditShown, roomingContext, type RoomingRouteEnv } from './common.js';

/**
 * Vital signs (docs/rooming/vitals.md): save a set with safety checks, and the visit's readings. Each route:
 * authenticate -> validate -> workflow (src/clinic/rooming/vitals; it refuses roles without Observation
 * access, 403, and visits out of reach, 404) -> audit what was shown -> present.
 */
export function registerVitalsRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  app.post<{ Params: { id: string } }>('/api/rooming/encounters/:id/vitals', async (request, reply) => {
    const ctx = await roomingContext(request, env, baseUrl);
    const input = parseVitals(request.body);
    const saved = await recordVitals(env.db, ctx, request.params.id, input, env.now());
    // The writes are audited by the store; the answer shows only what was just written.
    return reply.code(201).header('cache-control', 'no-store').send(saved);
  });

  app.get<{ Params: { id: string } }>('/api/rooming/encounters/:id/vitals', async (request, reply) => {
    const ctx = await roomingContext(request, env, baseUrl);
    const { patientId, readings } = await visitVitals(env.db, ctx, request.params.id, env.now());
    await auditShown(
      env,
      ctx.principal,
      [patientId],
      'vital signs',
      `vital signs of Encounter/${request.params.id}`
    );
    return reply.header('cache-control', 'no-store').send({ readings });
  });
}
