import { Paper, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import { QueryState } from '../ui/QueryState';

/**
 * One section of the chart summary: an h2 heading, then the data, or a plain sentence when there is
 * none ("No problems recorded"), or what went wrong.
 */
export function ChartSection<T>({
  title,
  query,
  empty,
  children,
}: {
  title: string;
  query: UseQueryResult<T[]>;
  empty: string;
  children: (data: T[]) => ReactNode;
}) {
  const headingId = useId();
  return (
    <Paper component="section" aria-labelledby={headingId} p="sm">
      <Title order={2} id={headingId} mb={6}>
        {title}
      </Title>
      <QueryState query={query} label={title.toLowerCase()} empty={empty}>
        {children}
      </QueryState>
    </Paper>
  );
}
