import type { RoomingRouteEnv } from './common.js';

/** The rooming screen: the visit, its checklist, ready for provider, notices and their acknowledgement (docs/rooming-api.md). Owner: rooming-screen part. */
export function registerRoomingScreenRoutes({ app, env, baseUrl }: RoomingRouteEnv): void {
  void app;
  void env;
  void baseUrl;
}
