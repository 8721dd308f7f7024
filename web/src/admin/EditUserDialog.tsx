import { Button, Group, Modal, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePractice } from '../fhir/queries';
import { FieldError, fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { changeUser, type AdminUser } from './adminApi';
import { adminKeys } from './adminQueries';
import { AccessFields } from './UserFields';
import { userChange, type EditableUser } from './users';

const FIELDS = ['displayName', 'roles', 'permissions', 'status', 'mfaRequired', 'password'] as const;

/** Edits one user: display name, roles, permissions, status, MFA required, and optionally a new password. */
export function EditUserDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<EditableUser>({
    displayName: user.displayName,
    roles: user.roles,
    permissions: user.permissions,
    status: user.status,
    mfaRequired: user.mfaRequired,
    password: '',
  });
  const action = useAction(changeUser);
  const change = userChange(user, form);
  const changed = Object.keys(change).length > 0;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!changed) return;
    const result = await action.run(user.id, change);
    if (!result.ok) return;
    await queryClient.invalidateQueries({ queryKey: adminKeys.users(practice) });
    onClose();
  }

  const set = (c: Partial<EditableUser>) => setForm((f) => ({ ...f, ...c }));
  const error = action.error;
  return (
    <Modal opened onClose={onClose} title={`Edit ${user.username}`} size="lg">
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label={`Edit ${user.username}`}>
        <Stack gap="sm">
          <FormErrors error={error} fields={FIELDS} />
          <TextInput
            label="Display name"
            autoComplete="off"
            required
            value={form.displayName}
            onChange={(event) => set({ displayName: event.currentTarget.value })}
            error={fieldErrorMessage(error, 'displayName')}
          />
          <AccessFields
            roles={form.roles}
            permissions={form.permissions}
            mfaRequired={form.mfaRequired}
            onChange={set}
            error={error}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="edit-user-status">
              Status
            </Text>
            <SegmentedControl
              aria-labelledby="edit-user-status"
              value={form.status}
              onChange={(value) => set({ status: value === 'disabled' ? 'disabled' : 'active' })}
              data={[
                { value: 'active', label: 'Active' },
                { value: 'disabled', label: 'Disabled (cannot sign in)' },
              ]}
            />
            <FieldError error={error} expression="status" />
          </Stack>
          <PasswordInput
            label="New password"
            description="Leave empty to keep the current password."
            autoComplete="new-password"
            value={form.password}
            onChange={(event) => set({ password: event.currentTarget.value })}
            error={fieldErrorMessage(error, 'password')}
            // Mantine marks only the wrapper; the field itself says it is invalid.
            aria-invalid={fieldErrorMessage(error, 'password') ? true : undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={action.pending} disabled={!changed || form.roles.length === 0}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
