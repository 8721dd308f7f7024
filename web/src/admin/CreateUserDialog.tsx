import { Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePractice } from '../fhir/queries';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { createUser, type NewUser } from './adminApi';
import { adminKeys } from './adminQueries';
import { AccessFields } from './UserFields';

const FIELDS = ['username', 'displayName', 'roles', 'permissions', 'password', 'mfaRequired'] as const;
const EMPTY: NewUser = {
  username: '',
  displayName: '',
  roles: [],
  permissions: [],
  password: '',
  mfaRequired: false,
};

/**
 * A new user: username, display name, roles, permissions, an initial password and whether MFA is required.
 * The server's OperationOutcome shows next to the field its `issue.expression` names.
 */
export function CreateUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const [user, setUser] = useState<NewUser>(EMPTY);
  const action = useAction(createUser);

  function close() {
    setUser(EMPTY);
    action.reset();
    onClose();
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run({
      ...user,
      username: user.username.trim(),
      displayName: user.displayName.trim(),
    });
    if (!result.ok) return;
    await queryClient.invalidateQueries({ queryKey: adminKeys.users(practice) });
    close();
  }

  const set = (change: Partial<NewUser>) => setUser((u) => ({ ...u, ...change }));
  const error = action.error;
  return (
    <Modal opened={opened} onClose={close} title="New user" size="lg">
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="New user">
        <Stack gap="sm">
          <FormErrors error={error} fields={FIELDS} />
          <TextInput
            label="Username"
            description="What the user types to sign in; lower case."
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            data-autofocus
            value={user.username}
            onChange={(event) => set({ username: event.currentTarget.value })}
            error={fieldErrorMessage(error, 'username')}
          />
          <TextInput
            label="Display name"
            description="As colleagues and the audit log show it, e.g. “Maria Alvarez, MA”."
            autoComplete="off"
            required
            value={user.displayName}
            onChange={(event) => set({ displayName: event.currentTarget.value })}
            error={fieldErrorMessage(error, 'displayName')}
          />
          <AccessFields
            roles={user.roles}
            permissions={user.permissions}
            mfaRequired={user.mfaRequired}
            onChange={set}
            error={error}
          />
          <PasswordInput
            label="Initial password"
            description="Give it to the user in person; they can change it after signing in."
            autoComplete="new-password"
            required
            value={user.password}
            onChange={(event) => set({ password: event.currentTarget.value })}
            error={fieldErrorMessage(error, 'password')}
            // Mantine marks only the wrapper; the field itself says it is invalid.
            aria-invalid={fieldErrorMessage(error, 'password') ? true : undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={action.pending}
              disabled={
                !user.username.trim() || !user.displayName.trim() || user.roles.length === 0 || !user.password
              }
            >
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
