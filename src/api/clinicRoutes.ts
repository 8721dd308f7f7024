import type { FastifyInstance } from 'fastify';
import type { AuthEnv } from './auth/authenticate.js';
import { registerFlowRoutes } from './flowRoutes.js';
import { registerRegistrationRoutes } from './registrationRoutes.js';
import { registerReminderRoutes } from './reminderRoutes.js';
import { registerReportRoutes } from './reportRoutes.js';
import { registerRoomingRoutes } from './roomingRoutes.js';
import { registerScheduleRoutes } from './scheduleRoutes.js';

/** Builds the FHIR base URL of a request (config.baseUrl behind a proxy). */
export type BaseUrl = (host: string, protocol: string) => string;

/**
 * The front desk's workflows (docs/api.md): each area's routes live in their own file, each route
 * authenticate -> validate -> workflow (src/clinic/<area>) -> present.
 */
export function registerClinicRoutes(app: FastifyInstance, env: AuthEnv, baseUrl: BaseUrl): void {
  registerScheduleRoutes(app, env, baseUrl);
  registerFlowRoutes(app, env, baseUrl);
  registerRegistrationRoutes(app, env, baseUrl);
  registerReminderRoutes(app, env, baseUrl);
  registerReportRoutes(app, env, baseUrl);
  registerRoomingRoutes(app, env, baseUrl);
}
