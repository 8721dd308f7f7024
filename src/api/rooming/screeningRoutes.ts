import type { RoomingRouteEnv } from './common.js';

/** Screenings: questionnaires, responses with scores, what is due (docs/rooming-api.md). Owner: screenings part. */
export function registerScreeningRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  void app;
  void env;
  void baseUrl;
}
