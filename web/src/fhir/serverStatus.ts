/**
 * Whether the medassist server answered the last request: a tiny in-memory store the banner subscribes
 * to (useSyncExternalStore). The client marks it on every response or transport failure.
 */
type Listener = () => void;

let reachable = true;
const listeners = new Set<Listener>();

/** Records whether the last request got an HTTP response. */
export function setServerReachable(value: boolean): void {
  if (value === reachable) return;
  reachable = value;
  for (const listener of listeners) listener();
}

export function isServerReachable(): boolean {
  return reachable;
}

export function subscribeServerStatus(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
