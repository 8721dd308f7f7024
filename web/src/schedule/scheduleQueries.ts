/**
 * TanStack Query hooks over the scheduling endpoints. Keys sit under [practice, 'schedule'], so one
 * invalidation after a booking, a move or a cancellation refreshes every calendar and list on screen.
 */
import { keepPreviousData, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import { usePractice } from '../fhir/queries';
import {
  getDay,
  getSetup,
  getWaitlist,
  getWeek,
  type Calendar,
  type ScheduleSetup,
  type WaitlistEntry,
} from './scheduleApi';

export function scheduleKey(practice: string, ...rest: string[]) {
  return ['practice', practice, 'schedule', ...rest] as const;
}

/** Visit types, schedules, rooms and holidays of a site. */
export function useScheduleSetup(location: string | undefined): UseQueryResult<ScheduleSetup> {
  const practice = usePractice();
  return useQuery({
    queryKey: scheduleKey(practice, 'setup', location ?? ''),
    queryFn: ({ signal }) => getSetup(location ?? '', signal),
    enabled: Boolean(location),
    staleTime: 5 * 60_000,
  });
}

export function useDayCalendar(date: string, location: string | undefined): UseQueryResult<Calendar> {
  const practice = usePractice();
  return useQuery({
    queryKey: scheduleKey(practice, 'day', location ?? '', date),
    queryFn: ({ signal }) => getDay(date, location ?? '', signal),
    enabled: Boolean(location),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}

export function useWeekCalendar(start: string, schedules: string[]): UseQueryResult<Calendar> {
  const practice = usePractice();
  return useQuery({
    queryKey: scheduleKey(practice, 'week', start, ...schedules),
    queryFn: ({ signal }) => getWeek(start, schedules, signal),
    enabled: schedules.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}

export function useWaitlist(location: string | undefined): UseQueryResult<WaitlistEntry[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: scheduleKey(practice, 'waitlist', location ?? ''),
    queryFn: ({ signal }) => getWaitlist(location ?? '', signal),
    enabled: Boolean(location),
    staleTime: 15_000,
  });
}

/** Refreshes every scheduling view after a change. */
export function useRefreshSchedule(): () => Promise<void> {
  const practice = usePractice();
  const client = useQueryClient();
  return useCallback(() => client.invalidateQueries({ queryKey: scheduleKey(practice) }), [client, practice]);
}
