import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/** Waits before reopening a stream the browser gave up on: 1 s, 2 s, 4 s ... up to 30 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/**
 * Follows GET /api/flow/stream for a site (server-sent events, same-origin session cookie) and calls
 * `onChange` for each `flow` event, and once more after every reconnection (events may have been missed
 * while it was down). The browser retries a dropped stream by itself; when it gives up (the stream answered
 * an error), this opens a new one after a growing delay.
 */
export function useFlowStream(location: string | undefined, onChange: () => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
    if (!location) return undefined;
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let everOpen = false;
    let stopped = false;

    const open = () => {
      if (stopped) return;
      source = new EventSource(`/api/flow/stream?location=${encodeURIComponent(location)}`);
      source.addEventListener('open', () => {
        attempt = 0;
        setState('live');
        // After a drop, catch up with whatever happened meanwhile.
        if (everOpen) latest.current();
        everOpen = true;
      });
      source.addEventListener('flow', () => latest.current());
      source.addEventListener('error', () => {
        if (!source) return;
        setState('reconnecting');
        if (source.readyState === EventSource.CLOSED) {
          source.close();
          timer = setTimeout(open, reconnectDelay(attempt));
          attempt += 1;
        }
      });
    };
    setState('connecting');
    open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  }, [location]);

  return state;
}
