import type { FastifyInstance } from 'fastify';
import type { AuthEnv } from './auth/authenticate.js';
import type { BaseUrl } from './clinicRoutes.js';
import { registerGrowthRoutes } from './rooming/growthRoutes.js';
import { registerIntakeRoutes } from './rooming/intakeRoutes.js';
import { registerProcedureRoutes } from './rooming/procedureRoutes.js';
import { registerReviewRoutes } from './rooming/reviewRoutes.js';
import { registerRoomingScreenRoutes } from './rooming/screenRoutes.js';
import { registerScreeningRoutes } from './rooming/screeningRoutes.js';
import { registerVitalsRoutes } from './rooming/vitalsRoutes.js';

/**
 * Rooming and the chart (docs/rooming-api.md): one route file per part under src/api/rooming/, each route
 * authenticate -> validate -> workflow (src/clinic/rooming/<part>) -> audit what was shown -> present.
 */
export function registerRoomingRoutes(app: FastifyInstance, env: AuthEnv, baseUrl: BaseUrl): void {
  const routes = { app, env, baseUrl };
  registerRoomingScreenRoutes(routes);
  registerVitalsRoutes(routes);
  registerGrowthRoutes(routes);
  registerReviewRoutes(routes);
  registerScreeningRoutes(routes);
  registerProcedureRoutes(routes);
  registerIntakeRoutes(routes);
}
