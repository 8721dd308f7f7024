import { Alert } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { checkHealth } from '../fhir/client';
import { isServerReachable, subscribeServerStatus } from '../fhir/serverStatus';

const RETRY_MS = 3000;

/**
 * Shown while the server cannot be reached: checks /healthz every few seconds and, once it answers,
 * re-runs the requests that failed. Screens keep what was typed meanwhile (their state is untouched).
 */
export function ServerStatusBanner() {
  const reachable = useSyncExternalStore(subscribeServerStatus, isServerReachable);
  const queryClient = useQueryClient();

  useEffect(() => {
    if (reachable) return;
    const controller = new AbortController();
    const timer = window.setInterval(() => {
      void checkHealth(controller.signal).then((ok) => {
        if (ok)
          void queryClient.refetchQueries({ type: 'active', predicate: (q) => q.state.status === 'error' });
      });
    }, RETRY_MS);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [reachable, queryClient]);

  if (reachable) return null;
  return (
    <Alert
      role="alert"
      color="red"
      variant="outline"
      mb="sm"
      icon={<IconPlugConnectedX size={18} aria-hidden />}
      title="Cannot reach the medassist server; retrying..."
    >
      What you typed is kept. The screen updates by itself when the server answers again.
    </Alert>
  );
}
