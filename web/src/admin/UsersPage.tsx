import { Button, Group, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconLock, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useClinicTimeZone } from '../app/SiteContext';
import { permissionLabel, roleLabel } from '../auth/session';
import { usePractice } from '../fhir/queries';
import { formatDateTime } from '../patient/display';
import { QueryState } from '../ui/QueryState';
import { Tag } from '../ui/Tag';
import { changeUser, type AdminUser, type UserChange } from './adminApi';
import { adminKeys, useUsers } from './adminQueries';
import { CreateUserDialog } from './CreateUserDialog';
import { EditUserDialog } from './EditUserDialog';
import { isLocked, mfaText } from './users';

/**
 * `/administration/users` (practice-admin): who can sign in, with which roles; new users, edits, unlocking
 * an account and resetting a lost authenticator.
 */
export default function UsersPage() {
  const users = useUsers();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<AdminUser>();
  const [resetting, setResetting] = useState<AdminUser>();
  const practice = usePractice();
  const queryClient = useQueryClient();
  const quick = useMutation({
    mutationFn: ({ id, change }: { id: string; change: UserChange }) => changeUser(id, change),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.users(practice) }),
  });

  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between">
        <Title order={1}>Users</Title>
        <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          New user
        </Button>
      </Group>
      {quick.isError && (
        <Text size="sm" c="red.9" role="alert">
          Could not change the user: {quick.error.message}
        </Text>
      )}
      <Paper p="sm" component="section" aria-label="Users">
        <QueryState query={users} label="users" empty="No users yet.">
          {(list) => (
            <UsersTable
              users={list}
              busyId={quick.isPending ? quick.variables.id : undefined}
              onEdit={setEditing}
              onUnlock={(user) => quick.mutate({ id: user.id, change: { unlock: true } })}
              onResetMfa={setResetting}
            />
          )}
        </QueryState>
      </Paper>
      <CreateUserDialog opened={creating} onClose={() => setCreating(false)} />
      {editing && <EditUserDialog key={editing.id} user={editing} onClose={() => setEditing(undefined)} />}
      <Modal
        opened={Boolean(resetting)}
        onClose={() => setResetting(undefined)}
        title={`Reset two-step sign-in for ${resetting?.username ?? ''}?`}
      >
        <Stack gap="sm">
          <Text size="sm">
            Their authenticator app and recovery codes stop working. If MFA is required for them, they set it
            up again at their next sign-in. Do this only after checking who is asking (for example, a lost
            phone).
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setResetting(undefined)}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => {
                if (resetting) quick.mutate({ id: resetting.id, change: { resetMfa: true } });
                setResetting(undefined);
              }}
            >
              Reset MFA
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function UsersTable({
  users,
  busyId,
  onEdit,
  onUnlock,
  onResetMfa,
}: {
  users: AdminUser[];
  busyId: string | undefined;
  onEdit: (user: AdminUser) => void;
  onUnlock: (user: AdminUser) => void;
  onResetMfa: (user: AdminUser) => void;
}) {
  const timeZone = useClinicTimeZone();
  return (
    <Table striped withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Username</Table.Th>
          <Table.Th scope="col">Name</Table.Th>
          <Table.Th scope="col">Roles</Table.Th>
          <Table.Th scope="col">Status</Table.Th>
          <Table.Th scope="col">MFA</Table.Th>
          <Table.Th scope="col">Locked until</Table.Th>
          <Table.Th scope="col">
            <span className="visually-hidden">Actions</span>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {users.map((user) => {
          const locked = isLocked(user);
          return (
            <Table.Tr key={user.id}>
              <Table.Th scope="row" fw={600}>
                <Text span ff="monospace" size="sm">
                  {user.username}
                </Text>
              </Table.Th>
              <Table.Td>{user.displayName}</Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  <Text size="sm">{user.roles.map(roleLabel).join(', ')}</Text>
                  {user.permissions.length > 0 && (
                    <Text size="xs" c="dimmed">
                      {user.permissions.map(permissionLabel).join('; ')}
                    </Text>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>{user.status === 'active' ? 'Active' : <Tag tone="neutral">Disabled</Tag>}</Table.Td>
              <Table.Td>{mfaText(user)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {locked && user.lockedUntil ? (
                  <Tag tone="warning" icon={<IconLock size={14} aria-hidden />}>
                    {formatDateTime(user.lockedUntil, true, timeZone)}
                  </Tag>
                ) : (
                  ''
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap" justify="flex-end">
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => onEdit(user)}
                    aria-label={`Edit ${user.username}`}
                  >
                    Edit
                  </Button>
                  {locked && (
                    <Button
                      size="xs"
                      variant="default"
                      loading={busyId === user.id}
                      onClick={() => onUnlock(user)}
                      aria-label={`Unlock ${user.username}`}
                    >
                      Unlock
                    </Button>
                  )}
                  {user.mfaEnrolled && (
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => onResetMfa(user)}
                      aria-label={`Reset MFA for ${user.username}`}
                    >
                      Reset MFA
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
