import { Box, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

const TONES = {
  warning: {
    bg: 'var(--mantine-color-yellow-1)',
    border: 'var(--mantine-color-yellow-8)',
    fg: 'var(--mantine-color-dark-9)',
  },
  danger: {
    bg: 'var(--mantine-color-red-0)',
    border: 'var(--mantine-color-red-8)',
    fg: 'var(--mantine-color-red-9)',
  },
  info: {
    bg: 'var(--mantine-color-indigo-0)',
    border: 'var(--mantine-color-indigo-7)',
    fg: 'var(--mantine-color-indigo-9)',
  },
  neutral: {
    bg: 'var(--mantine-color-gray-0)',
    border: 'var(--mantine-color-gray-5)',
    fg: 'var(--mantine-color-dark-9)',
  },
} as const;

export type TagTone = keyof typeof TONES;

/**
 * A small bordered label with an icon and words: colour is never the only signal, and the text stays
 * at 4.5:1 or better on its background.
 */
export function Tag({
  tone,
  icon,
  children,
  testId,
}: {
  tone: TagTone;
  icon?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  const colors = TONES[tone];
  return (
    <Box
      component="span"
      data-testid={testId}
      px={6}
      py={1}
      style={{
        display: 'inline-flex',
        background: colors.bg,
        border: `1px solid ${colors.border}`,
        borderRadius: 'var(--mantine-radius-sm)',
        color: colors.fg,
      }}
    >
      <Group gap={4} wrap="nowrap" component="span">
        {icon}
        <Text span size="sm" fw={500} style={{ color: 'inherit' }}>
          {children}
        </Text>
      </Group>
    </Box>
  );
}
