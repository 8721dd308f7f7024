import { Skeleton, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isForbidden } from '../../fhir/FhirError';

/** Loading and error states of one panel's query, said plainly; `children` renders the data. */
export function PanelState<T>({
  query,
  label,
  children,
}: {
  query: UseQueryResult<T>;
  label: string;
  children: (data: T) => ReactNode;
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
    return (
      <Text size="sm" c={isForbidden(query.error) ? 'dimmed' : 'red.9'} role="alert">
        {isForbidden(query.error) ? 'Not shown to your role.' : `Could not load the ${label}. Try again.`}
      </Text>
    );
  }
  return <>{children(query.data)}</>;
}
