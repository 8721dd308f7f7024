import { Alert, Center } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { Navigate, useLocation, useSearchParams } from 'react-router';
import { useAuth } from '../auth/authContext';
import { IdleWarning } from '../auth/IdleWarning';
import { safeNextPath, SIGN_IN_PATH, signInPath } from '../auth/nextPath';
import SignInPage from '../auth/SignInPage';
import { PracticeContext } from '../fhir/queries';
import { PageLoader } from '../ui/PageLoader';
import { App } from './App';

/**
 * The sign-in gate. While signed out, every address shows the sign-in screen (at `/sign-in?next=<the
 * address>`); once signed in, `/sign-in` goes on to `next`. Nothing behind the gate renders, and so nothing
 * asks for patient data, without a session.
 */
export function Root() {
  const auth = useAuth();
  const location = useLocation();
  const [params] = useSearchParams();
  const onSignIn = location.pathname === SIGN_IN_PATH;

  switch (auth.state.status) {
    case 'loading':
      return <PageLoader label="Checking your sign-in" />;
    case 'unavailable':
      return (
        <Center mih="100vh" p="md">
          <Alert
            role="alert"
            color="red"
            variant="outline"
            maw={480}
            icon={<IconPlugConnectedX size={18} aria-hidden />}
            title="Cannot reach the medassist server; retrying..."
          >
            The screen updates by itself when the server answers again.
          </Alert>
        </Center>
      );
    case 'signed-out':
      return onSignIn ? (
        <SignInPage />
      ) : (
        <Navigate replace to={signInPath(location.pathname + location.search + location.hash)} />
      );
    case 'signed-in':
      if (onSignIn) return <Navigate replace to={safeNextPath(params.get('next'))} />;
      return (
        <PracticeContext.Provider value={auth.state.session.practice.id}>
          <App />
          <IdleWarning />
        </PracticeContext.Provider>
      );
  }
}
