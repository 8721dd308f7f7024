import type { RoomingRouteEnv } from './common.js';

/** Trends and growth charts: series and CDC/WHO reference curves (docs/rooming-api.md). Owner: growth part. */
export function registerGrowthRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  void app;
  void env;
  void baseUrl;
}
