import type { RoomingRouteEnv } from './common.js';

/** Allergies, medication reconciliation, problem list, preferred pharmacy, review stamps (docs/rooming-api.md). Owner: review part. */
export function registerReviewRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  void app;
  void env;
  void baseUrl;
}
