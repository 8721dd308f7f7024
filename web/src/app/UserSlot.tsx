import { Menu, Stack, Text, UnstyledButton, Group } from '@mantine/core';
import { IconChevronDown, IconDevices, IconLogout, IconUserCircle } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useAuth, useSession } from '../auth/authContext';
import { roleLabel } from '../auth/session';

/** The signed-in user (name and role) with a menu: their active sessions, and sign out. */
export function UserSlot() {
  const auth = useAuth();
  const { user } = useSession();
  const roles = user.roles.map(roleLabel).join(', ');
  return (
    <Menu position="bottom-end" width={220} shadow="md">
      <Menu.Target>
        <UnstyledButton px={6} py={2} style={{ flexShrink: 0, borderRadius: 'var(--mantine-radius-sm)' }}>
          <Group gap={6} wrap="nowrap">
            <IconUserCircle size={22} aria-hidden stroke={1.5} />
            <Stack gap={0}>
              <Text size="sm" fw={600} truncate="end" maw={180} data-testid="user-name">
                {user.displayName}
              </Text>
              <Text size="xs" c="dimmed" truncate="end" maw={180} data-testid="user-role">
                {roles}
              </Text>
            </Stack>
            <span className="visually-hidden">(account menu)</span>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item
          component={Link}
          to="/account/sessions"
          leftSection={<IconDevices size={16} aria-hidden />}
        >
          Active sessions
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item onClick={auth.signOut} leftSection={<IconLogout size={16} aria-hidden />}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
