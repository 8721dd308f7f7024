import { Skeleton, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isForbidden, isUnreachable } from '../fhir/FhirError';

/** Loading and error states of a query that answers one object (QueryState's are for lists). */
export function OneQuery<T>({
  query,
  label,
  children,
}: {
  query: UseQueryResult<T>;
  label: string;
  children: (data: T) => ReactNode;
}) {
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.isError) {
    const message = isForbidden(query.error)
      ? 'Not shown to your role.'
      : isUnreachable(query.error)
        ? `Could not load ${label}: the server cannot be reached.`
        : `Could not load ${label}: ${query.error.message}`;
    return (
      <Text size="sm" c="red.9" role="alert">
        {message}
      </Text>
    );
  }
  return (
    <Stack gap={6} role="status" aria-label={`Loading ${label}`}>
      <Skeleton height={14} />
      <Skeleton height={14} width="70%" />
    </Stack>
  );
}
