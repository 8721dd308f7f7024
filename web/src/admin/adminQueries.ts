/**
 * TanStack Query hooks over the administration API. Keys sit under the practice like every other key, so
 * sign-out's queryClient.clear() drops them with the rest.
 */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { usePractice } from '../fhir/queries';
import {
  fetchAccessHistory,
  fetchAuditSettings,
  listUsers,
  type AdminUser,
  type AuditRecord,
  type AuditSettings,
} from './adminApi';

export const adminKeys = {
  users: (practice: string) => ['practice', practice, 'admin', 'users'] as const,
  audit: (practice: string, query: string) => ['practice', practice, 'admin', 'audit', query] as const,
  auditSettings: (practice: string) => ['practice', practice, 'admin', 'audit-settings'] as const,
  accessHistory: (practice: string, patientId: string) =>
    ['practice', practice, 'patient', patientId, 'access-history'] as const,
};

export function useUsers(): UseQueryResult<AdminUser[]> {
  const practice = usePractice();
  return useQuery({ queryKey: adminKeys.users(practice), queryFn: ({ signal }) => listUsers(signal) });
}

export function useAuditSettings(): UseQueryResult<AuditSettings> {
  const practice = usePractice();
  return useQuery({
    queryKey: adminKeys.auditSettings(practice),
    queryFn: ({ signal }) => fetchAuditSettings(signal),
  });
}

/** A chart's access history; always re-read (each look at the chart adds to it). */
export function useAccessHistory(patientId: string): UseQueryResult<AuditRecord[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: adminKeys.accessHistory(practice, patientId),
    queryFn: ({ signal }) => fetchAccessHistory(patientId, signal),
    staleTime: 0,
  });
}
