import { createContext, useContext } from 'react';
import type { Session, SessionAnswer } from './session';
import type { SessionEnd } from './sessionStore';

/** How the last session ended, for the sign-in screen's message. */
export type EndedBy = SessionEnd | 'by-user';

export type AuthState =
  | { status: 'loading' }
  /** GET /auth/session got no answer: the server is down or unreachable (retried by itself). */
  | { status: 'unavailable' }
  /**
   * No signed-in session. `pending` is a sign-in half done (password accepted, second factor or MFA
   * enrolment to go), e.g. after a reload in the middle of it.
   */
  | {
      status: 'signed-out';
      endedBy?: EndedBy;
      pending?: SessionAnswer;
      /** Sign-out could not reach the server: the session may still be open there. */
      serverSignOutFailed?: boolean;
    }
  | { status: 'signed-in'; session: Session };

export interface Auth {
  state: AuthState;
  /** The signed-in session, or undefined. */
  session: Session | undefined;
  /**
   * An answer of sign-in, MFA verification or enrolment: `signed-in` enters the app; `mfa` and `enrol`
   * keep the session for the next step's requests. `startedMs` is when the request started.
   */
  accept: (answer: SessionAnswer, startedMs: number) => void;
  /** Signs out here (and in the other tabs): clears every screen's data at once. */
  signOut: () => void;
  /** Abandons a half-done sign-in (second factor or enrolment) and goes back to the password. */
  restartSignIn: () => void;
  /** The idle limit ran out: as signing out, with "Your session timed out" on the sign-in screen. */
  timeOut: () => void;
  /** "Stay signed in": POST /auth/keep-alive. */
  staySignedIn: () => Promise<void>;
}

export const AuthContext = createContext<Auth | undefined>(undefined);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthProvider>');
  return auth;
}

/** The signed-in session; only for screens that render behind the sign-in gate. */
export function useSession(): Session {
  const session = useAuth().session;
  if (!session) throw new Error('useSession while signed out');
  return session;
}
