import { Group, Text } from '@mantine/core';
import { IconUserCircle } from '@tabler/icons-react';

/** Where the signed-in user will show; sign-in comes in a later issue. */
export function UserSlot() {
  return (
    <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
      <IconUserCircle size={20} aria-hidden stroke={1.5} />
      <Text size="sm" c="dimmed">
        Not signed in
      </Text>
    </Group>
  );
}
