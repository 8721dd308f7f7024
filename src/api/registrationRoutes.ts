import type { FastifyInstance } from 'fastify';
import type { AuthEnv } from './auth/authenticate.js';
import type { BaseUrl } from './clinicRoutes.js';

/** Placeholder: this area's routes are being built (issue 5). */
export function registerRegistrationRoutes(_app: FastifyInstance, _env: AuthEnv, _baseUrl: BaseUrl): void {}
