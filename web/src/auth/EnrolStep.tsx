import { Alert, Anchor, Button, Code, CopyButton, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { PageLoader } from '../ui/PageLoader';
import { useAction } from '../ui/useAction';
import { useAuth } from './authContext';
import { confirmEnrolment, startEnrolment, type Enrolment, type EnrolmentConfirmed } from './authApi';
import { mfaErrorMessage, signInErrorMessage } from './signInErrors';
import { groupSecret, svgDataUrl } from './enrolment';

/**
 * Setting up two-step sign-in (the user's MFA is required and not set up yet): the QR code and the secret as
 * text from POST /auth/mfa/enrol, then a first code from the app to prove it works.
 */
export function EnrolStep({
  onConfirmed,
}: {
  onConfirmed: (answer: EnrolmentConfirmed, startedMs: number) => void;
}) {
  const auth = useAuth();
  const [enrolment, setEnrolment] = useState<Enrolment>();
  const [startError, setStartError] = useState<unknown>();
  const [code, setCode] = useState('');
  const started = useRef(false);

  const start = useCallback(() => {
    setStartError(undefined);
    startEnrolment().then(setEnrolment, setStartError);
  }, []);

  // Once per screen: each call makes a new secret (StrictMode's second effect run must not).
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start();
  }, [start]);

  const confirm = useCallback(async (value: string) => {
    const startedMs = Date.now();
    return { answer: await confirmEnrolment(value), startedMs };
  }, []);
  const action = useAction(confirm);
  const digits = code.replace(/\s/g, '');
  const ready = /^\d{6}$/.test(digits);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    const result = await action.run(digits);
    if (result.ok) onConfirmed(result.value.answer, result.value.startedMs);
    else setCode('');
  }

  if (startError) {
    return (
      <Stack gap="sm">
        <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle size={18} aria-hidden />}>
          Could not start setting up two-step sign-in. {signInErrorMessage(startError)}
        </Alert>
        <Group>
          <Button onClick={start}>Try again</Button>
          <Button variant="default" onClick={auth.restartSignIn}>
            Start over
          </Button>
        </Group>
      </Stack>
    );
  }
  if (!enrolment) return <PageLoader label="Preparing your QR code" />;

  const error = action.error ? mfaErrorMessage(action.error, 'code') : undefined;
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Set up two-step sign-in">
      <Stack gap="sm">
        <Text size="sm" fw={650}>
          Your practice asks you to set up two-step sign-in.
        </Text>
        <List type="ordered" size="sm" spacing={4}>
          <List.Item>
            Open an authenticator app on your phone (Google Authenticator, Microsoft Authenticator…).
          </List.Item>
          <List.Item>Add an account by scanning this QR code, or type the key below.</List.Item>
          <List.Item>Type the 6-digit code the app then shows.</List.Item>
        </List>
        <Group align="flex-start" gap="md" wrap="wrap">
          <img
            src={svgDataUrl(enrolment.qrSvg)}
            alt="QR code for your authenticator app"
            width={180}
            height={180}
            style={{ background: 'white', border: '1px solid var(--mantine-color-gray-4)' }}
          />
          <Stack gap={6} style={{ flex: '1 1 200px' }}>
            <Text size="sm" id="enrol-secret-label">
              Key to type instead of scanning:
            </Text>
            <Code
              block
              aria-labelledby="enrol-secret-label"
              data-testid="mfa-secret"
              style={{ fontSize: 'var(--mantine-font-size-sm)', wordBreak: 'break-all' }}
            >
              {groupSecret(enrolment.secret)}
            </Code>
            <CopyButton value={enrolment.secret}>
              {({ copied, copy }) => (
                <Anchor component="button" type="button" size="sm" onClick={copy}>
                  {copied ? 'Key copied' : 'Copy the key'}
                </Anchor>
              )}
            </CopyButton>
          </Stack>
        </Group>
        {error && (
          <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle size={18} aria-hidden />}>
            {error}
          </Alert>
        )}
        <TextInput
          label="6-digit code from the app"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={7}
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.2em' } }}
        />
        <Group justify="space-between">
          <Button type="submit" loading={action.pending} disabled={!ready}>
            Confirm
          </Button>
          <Anchor component="button" type="button" size="sm" onClick={auth.restartSignIn}>
            Start over
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}
