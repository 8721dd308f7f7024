import { QueryClient } from '@tanstack/react-query';
import { FhirError, isUnreachable } from '../fhir/FhirError';

/**
 * The one query cache, in memory only: patient data is never persisted to browser storage, and
 * unused data is dropped after a few minutes.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        gcTime: 5 * 60_000,
        // A refused request (4xx) will be refused again; an outage is retried a few times and then
        // the banner's health check takes over.
        retry: (failures, error) =>
          isUnreachable(error)
            ? failures < 3
            : error instanceof FhirError && error.status >= 500 && failures < 1,
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
        refetchOnWindowFocus: true,
      },
    },
  });
}
