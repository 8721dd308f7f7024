import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A labelled value in the banner. */
export function BannerField({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap={6} wrap="nowrap" align="baseline">
      <Text span size="xs" fw={700} tt="uppercase" c="dimmed" style={{ letterSpacing: 0.3 }}>
        {label}
      </Text>
      <Text span size="sm" component="span">
        {children}
      </Text>
    </Group>
  );
}
