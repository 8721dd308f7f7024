import { Alert, Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useCallback, useState, type FormEvent } from 'react';
import { useAction } from '../ui/useAction';
import { useAuth } from './authContext';
import { verifyMfa } from './authApi';
import { mfaErrorMessage } from './signInErrors';

/** The second factor: the 6-digit code of the user's authenticator app, or one of their recovery codes. */
export function MfaStep() {
  const auth = useAuth();
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const verify = useCallback(async (proof: { code: string } | { recoveryCode: string }) => {
    const startedMs = Date.now();
    return { answer: await verifyMfa(proof), startedMs };
  }, []);
  const action = useAction(verify);
  const code = value.replace(/\s/g, '');
  const ready = recovery ? code.length > 0 : /^\d{6}$/.test(code);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    const result = await action.run(recovery ? { recoveryCode: code } : { code });
    if (result.ok) auth.accept(result.value.answer, result.value.startedMs);
    else setValue('');
  }

  function switchKind() {
    setRecovery((r) => !r);
    setValue('');
    action.reset();
  }

  const error = action.error ? mfaErrorMessage(action.error, recovery ? 'recovery-code' : 'code') : undefined;
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Two-step verification">
      <Stack gap="sm">
        <Text size="sm">
          {recovery
            ? 'Type one of the recovery codes you saved when you set up two-step sign-in. Each code works once.'
            : 'Open the authenticator app on your phone and type the 6-digit code it shows for medassist.'}
        </Text>
        {error && (
          <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle size={18} aria-hidden />}>
            {error}
          </Alert>
        )}
        {recovery ? (
          <TextInput
            key="recovery"
            label="Recovery code"
            name="recoveryCode"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            value={value}
            onChange={(event) => setValue(event.currentTarget.value)}
          />
        ) : (
          <TextInput
            key="code"
            label="6-digit code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={7}
            autoFocus
            value={value}
            onChange={(event) => setValue(event.currentTarget.value)}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.2em' } }}
          />
        )}
        <Button type="submit" loading={action.pending} disabled={!ready}>
          Verify
        </Button>
        <Group justify="space-between">
          <Anchor component="button" type="button" size="sm" onClick={switchKind}>
            {recovery ? 'Use the code from my app' : 'Use a recovery code'}
          </Anchor>
          <Anchor component="button" type="button" size="sm" onClick={auth.restartSignIn}>
            Start over
          </Anchor>
        </Group>
      </Stack>
    </form>
  );
}
