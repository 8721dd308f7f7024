import type { RoomingRouteEnv } from './common.js';

/** Vital signs: save a set with safety checks, the visit's readings, history (docs/rooming-api.md). Owner: vitals part. */
export function registerVitalsRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  void app;
  void env;
  void baseUrl;
}
