import type { RoomingRouteEnv } from './common.js';

/** Chief complaint and MA notes with co-signature, education handouts, care gaps and the huddle sheet (docs/rooming-api.md). Owner: intake part. */
export function registerIntakeRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  void app;
  void env;
  void baseUrl;
}
