import type { RoomingRouteEnv } from './common.js';

/** Procedure consent with signatures and PDF, procedure assistance, wounds with photos (docs/rooming-api.md). Owner: procedures part. */
export function registerProcedureRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  void app;
  void env;
  void baseUrl;
}
