import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useCallback, useRef, useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../ui/FieldError';
import { useAction } from '../ui/useAction';
import { useAuth } from './authContext';
import { signIn } from './authApi';
import { signInErrorMessage } from './signInErrors';

/** Username and password. The password never leaves this form's state (and is emptied after a refusal). */
export function PasswordStep() {
  const auth = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const passwordInput = useRef<HTMLInputElement>(null);
  const submit = useCallback(async (user: string, secret: string) => {
    const startedMs = Date.now();
    return { answer: await signIn(user, secret), startedMs };
  }, []);
  const action = useAction(submit);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(username.trim(), password);
    if (result.ok) {
      auth.accept(result.value.answer, result.value.startedMs);
    } else {
      setPassword('');
      passwordInput.current?.focus();
    }
  }

  const usernameError = fieldErrorMessage(action.error, 'username');
  const passwordError = fieldErrorMessage(action.error, 'password');
  const general =
    action.error && !usernameError && !passwordError ? signInErrorMessage(action.error) : undefined;

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Sign in">
      <Stack gap="sm">
        {general && (
          <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle size={18} aria-hidden />}>
            {general}
          </Alert>
        )}
        <TextInput
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          data-autofocus
          autoFocus
          value={username}
          onChange={(event) => setUsername(event.currentTarget.value)}
          error={usernameError}
        />
        <PasswordInput
          ref={passwordInput}
          label="Password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={passwordError}
          // Mantine marks only the wrapper; the field itself says it is invalid.
          aria-invalid={passwordError ? true : undefined}
        />
        <Button type="submit" loading={action.pending} disabled={!username.trim() || !password}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
