import { Skeleton, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isForbidden, isUnreachable } from '../fhir/FhirError';

/**
 * Loading, error and empty states of one query, said plainly; `children` renders the data.
 * An outage is also announced by the server banner, so here it is a short line; data the user's role does
 * not read (403) is said calmly, as it is expected.
 */
export function QueryState<T>({
  query,
  label,
  empty,
  children,
}: {
  query: UseQueryResult<T[]>;
  label: string;
  empty: string;
  children: (data: T[]) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Stack gap={6} role="status" aria-label={`Loading ${label}`}>
        <Skeleton height={14} />
        <Skeleton height={14} width="70%" />
      </Stack>
    );
  }
  if (query.isError) {
    if (isForbidden(query.error)) {
      return (
        <Text size="sm" c="dimmed">
          Not shown to your role.
        </Text>
      );
    }
    const unreachable = isUnreachable(query.error);
    return (
      <Text size="sm" c="red.9" role="alert">
        {unreachable
          ? `Could not load ${label}: the server cannot be reached.`
          : `Could not load ${label}: ${query.error.message}`}
      </Text>
    );
  }
  if (query.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return <>{children(query.data)}</>;
}
