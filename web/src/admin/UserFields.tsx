import { Checkbox, Group, MultiSelect, Stack, Switch } from '@mantine/core';
import { PERMISSIONS, permissionLabel, ROLES, roleLabel } from '../auth/session';
import { fieldErrorMessage } from '../ui/FieldError';

const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: roleLabel(role) }));

/** Roles, permissions and "MFA required": the fields the new-user and edit-user dialogs share. */
export function AccessFields({
  roles,
  permissions,
  mfaRequired,
  onChange,
  error,
}: {
  roles: string[];
  permissions: string[];
  mfaRequired: boolean;
  onChange: (change: Partial<{ roles: string[]; permissions: string[]; mfaRequired: boolean }>) => void;
  error: unknown;
}) {
  return (
    <Stack gap="sm">
      <MultiSelect
        label="Roles"
        description="What the user may read and change."
        data={ROLE_OPTIONS}
        value={roles}
        onChange={(value) => onChange({ roles: value })}
        required
        error={fieldErrorMessage(error, 'roles')}
        comboboxProps={{ withinPortal: true }}
      />
      <Checkbox.Group
        label="Permissions"
        value={permissions}
        onChange={(value) => onChange({ permissions: value })}
        error={fieldErrorMessage(error, 'permissions')}
      >
        <Group gap="md" mt={4}>
          {PERMISSIONS.map((permission) => (
            <Checkbox key={permission} value={permission} label={permissionLabel(permission)} />
          ))}
        </Group>
      </Checkbox.Group>
      <Switch
        label="Two-step sign-in (MFA) required"
        checked={mfaRequired}
        onChange={(event) => onChange({ mfaRequired: event.currentTarget.checked })}
        error={fieldErrorMessage(error, 'mfaRequired')}
      />
    </Stack>
  );
}
