import { Group, Text } from '@mantine/core';
import { IconPlugConnectedX, IconPointFilled } from '@tabler/icons-react';
import type { StreamState } from './useFlowStream';

/** "Live" while the board follows the server's changes; "Reconnecting" (with another icon) when it does not. */
export function LiveIndicator({ state }: { state: StreamState }) {
  const live = state === 'live';
  return (
    <Group gap={4} wrap="nowrap" role="status" aria-live="polite" data-testid="flow-live">
      {live ? (
        <IconPointFilled size={16} aria-hidden color="var(--mantine-color-green-8)" />
      ) : (
        <IconPlugConnectedX size={16} aria-hidden color="var(--mantine-color-orange-9)" />
      )}
      <Text span size="sm" fw={500}>
        {live ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
      </Text>
    </Group>
  );
}
