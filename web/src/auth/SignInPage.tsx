import { Alert, Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconClockHour4, IconInfoCircle, IconStethoscope } from '@tabler/icons-react';
import { useState } from 'react';
import { useAuth, type EndedBy } from './authContext';
import type { EnrolmentConfirmed } from './authApi';
import { EnrolStep } from './EnrolStep';
import { MfaStep } from './MfaStep';
import { PasswordStep } from './PasswordStep';
import { RecoveryCodesStep } from './RecoveryCodesStep';

/**
 * `/sign-in?next=<path>`: username and password, then the second factor (a TOTP code or a recovery code),
 * or, the first time for a user who must use MFA, setting it up. Every other address shows this screen
 * while signed out (App.tsx); after sign-in the app goes to `next`.
 */
export default function SignInPage() {
  const auth = useAuth();
  const state = auth.state.status === 'signed-out' ? auth.state : undefined;
  const [confirmed, setConfirmed] = useState<{ answer: EnrolmentConfirmed; startedMs: number }>();
  const stage = state?.pending?.stage;

  let step;
  if (confirmed) {
    step = (
      <RecoveryCodesStep
        codes={confirmed.answer.recoveryCodes}
        onDone={() => auth.accept(confirmed.answer, confirmed.startedMs)}
      />
    );
  } else if (stage === 'mfa') {
    step = <MfaStep />;
  } else if (stage === 'enrol') {
    step = <EnrolStep onConfirmed={(answer, startedMs) => setConfirmed({ answer, startedMs })} />;
  } else {
    step = (
      <>
        {state?.serverSignOutFailed && (
          <Alert color="red" variant="light" mb="md" role="alert" title="Your session may still be open">
            <Text size="sm">
              medassist could not reach the server to end your session. Close this browser before you leave
              the computer, or sign in and sign out again once the network is back.
            </Text>
          </Alert>
        )}
        <EndedNotice endedBy={state?.endedBy} />
        <PasswordStep />
      </>
    );
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper p="lg" w="100%" maw={stage === 'enrol' || confirmed ? 520 : 400} shadow="xs">
        <Stack gap="md">
          <Group gap="sm" wrap="nowrap">
            <IconStethoscope size={26} aria-hidden stroke={1.75} color="var(--mantine-color-indigo-8)" />
            <Title order={1}>Sign in to medassist</Title>
          </Group>
          <Box>{step}</Box>
        </Stack>
      </Paper>
    </Center>
  );
}

function EndedNotice({ endedBy }: { endedBy: EndedBy | undefined }) {
  switch (endedBy) {
    case 'timed-out':
      return (
        <Alert
          color="yellow"
          variant="light"
          mb="md"
          role="alert"
          icon={<IconClockHour4 size={18} aria-hidden />}
          title="Your session timed out"
        >
          <Text size="sm">
            For patients’ privacy, medassist signs you out after a while without activity. Sign in to go back
            to where you were.
          </Text>
        </Alert>
      );
    case 'signed-out':
      return (
        <Alert
          color="indigo"
          variant="light"
          mb="md"
          role="status"
          icon={<IconInfoCircle size={18} aria-hidden />}
        >
          <Text size="sm">You were signed out. Sign in to go on.</Text>
        </Alert>
      );
    case 'by-user':
      return (
        <Alert
          color="indigo"
          variant="light"
          mb="md"
          role="status"
          icon={<IconInfoCircle size={18} aria-hidden />}
        >
          <Text size="sm">You have signed out.</Text>
        </Alert>
      );
    case undefined:
      return null;
  }
}
