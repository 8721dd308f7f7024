import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { FhirError } from '../fhir/FhirError';
import { fetchSession, keepAlive, signOutWithRetries } from './authApi';
import { AuthContext, type Auth, type AuthState, type EndedBy } from './authContext';
import type { SessionAnswer } from './session';
import {
  adoptSession,
  csrfToken,
  forgetSession,
  onOtherTabSignedIn,
  onSessionEnded,
  reportSessionEnded,
  sessionGeneration,
} from './sessionStore';

const RETRY_MS = 5000;

/**
 * Who is signed in: loads GET /auth/session at start, takes the answers of the sign-in screens, and ends the
 * session on sign-out, on time-out and whenever the server answers 401. Ending always empties the query
 * cache first, so no patient data stays on screen or in memory (ONC 170.315(d)(5) and (d)(7)).
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const end = useCallback(
    (endedBy: EndedBy) => {
      void queryClient.cancelQueries();
      queryClient.clear();
      setState({ status: 'signed-out', endedBy });
    },
    [queryClient]
  );

  const accept = useCallback((answer: SessionAnswer, startedMs: number) => {
    const signedIn = answer.stage === 'signed-in';
    adoptSession(answer.session, startedMs, signedIn);
    setState(
      signedIn ? { status: 'signed-in', session: answer.session } : { status: 'signed-out', pending: answer }
    );
  }, []);

  const load = useCallback(
    (signal: { cancelled: boolean }) => {
      const startedMs = Date.now();
      fetchSession().then(
        (answer) => {
          if (!signal.cancelled) accept(answer, startedMs);
        },
        (error: unknown) => {
          if (signal.cancelled) return;
          const unreachable = !(error instanceof FhirError) || error.unreachable || error.status >= 500;
          setState(unreachable ? { status: 'unavailable' } : { status: 'signed-out' });
        }
      );
    },
    [accept]
  );

  useEffect(() => {
    const signal = { cancelled: false };
    load(signal);
    return () => {
      signal.cancelled = true;
    };
  }, [load]);

  // The server down at start: try again until it answers.
  useEffect(() => {
    if (state.status !== 'unavailable') return;
    const signal = { cancelled: false };
    const timer = window.setInterval(() => load(signal), RETRY_MS);
    return () => {
      signal.cancelled = true;
      window.clearInterval(timer);
    };
  }, [state.status, load]);

  useEffect(() => onSessionEnded((reason) => end(reason)), [end]);

  // Another tab signed in (same cookie): a tab on the sign-in screen picks the session up.
  const waiting = state.status === 'signed-out' && !state.pending;
  useEffect(() => {
    if (!waiting) return;
    const signal = { cancelled: false };
    const stop = onOtherTabSignedIn(() => load(signal));
    return () => {
      signal.cancelled = true;
      stop();
    };
  }, [waiting, load]);

  // Belt and braces: anything a request put in the cache while the sign-in screen was coming up goes too.
  useEffect(() => {
    if (state.status === 'signed-out') queryClient.clear();
  }, [state, queryClient]);

  /** Tells the server; if it cannot be told, the sign-in screen says so (the cookie would still open it). */
  const endOnServer = useCallback(() => {
    void signOutWithRetries(csrfToken()).then((ended) => {
      if (!ended) {
        setState((current) =>
          current.status === 'signed-out' ? { ...current, serverSignOutFailed: true } : current
        );
      }
    });
  }, []);

  const signOut = useCallback(() => {
    // The token is taken before the session is forgotten; the screen is cleared without waiting.
    endOnServer();
    forgetSession(true);
    end('by-user');
  }, [end, endOnServer]);

  const restartSignIn = useCallback(() => {
    endOnServer();
    forgetSession(false);
    setState({ status: 'signed-out' });
  }, [endOnServer]);

  const timeOut = useCallback(() => {
    // The server ends an idle session by itself; saying so ends it now even if the clocks differ a little.
    endOnServer();
    reportSessionEnded('timed-out', sessionGeneration());
  }, [endOnServer]);

  const staySignedIn = useCallback(async () => {
    // The answer itself restarts the idle clock (http.ts notes every answer as activity).
    const answer = await keepAlive();
    setState((current) =>
      current.status === 'signed-in' ? { status: 'signed-in', session: answer.session } : current
    );
  }, []);

  const auth = useMemo<Auth>(
    () => ({
      state,
      session: state.status === 'signed-in' ? state.session : undefined,
      accept,
      signOut,
      restartSignIn,
      timeOut,
      staySignedIn,
    }),
    [state, accept, signOut, restartSignIn, timeOut, staySignedIn]
  );
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
