/**
 * The rooming screen's requests (docs/rooming/screen.md): GET /api/rooming/encounters/:id (visit, checklist,
 * notices), ticks by hand, ready for provider, the provider's notices and their acknowledgement.
 */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../../fhir/http';
import { keys, usePractice } from '../../fhir/queries';
import type { RoomingVisitView } from '../types';
import type { ScreenChecklistItem } from './screenModel';

export interface NoticeView {
  id: string;
  kind: string;
  priority: 'routine' | 'urgent' | 'stat';
  text: string;
  sent?: string;
  status: string;
  encounterId?: string;
  patientId?: string;
  patientName?: string;
  from?: string;
  about: string[];
  acknowledged?: { at?: string; by?: string };
}

export interface RoomingScreen {
  visit: RoomingVisitView;
  checklist: ScreenChecklistItem[];
  notices: NoticeView[];
}

export function roomingScreenKey(practice: string, encounterId: string) {
  return [...keys.practice(practice), 'rooming-screen', encounterId] as const;
}

export function myNoticesKey(practice: string) {
  return [...keys.practice(practice), 'rooming-notices'] as const;
}

const path = (encounterId: string) => `/api/rooming/encounters/${encodeURIComponent(encounterId)}`;

export function useRoomingScreen(encounterId: string): UseQueryResult<RoomingScreen> {
  const practice = usePractice();
  return useQuery({
    queryKey: roomingScreenKey(practice, encounterId),
    queryFn: ({ signal }) => sendJson<RoomingScreen>(path(encounterId), { signal }),
    // The page follows the site's flow stream; this is the safety net if an event is missed.
    refetchInterval: 60_000,
  });
}

/** The signed-in provider's open notices (their account must be linked to a Practitioner). */
export function useMyNotices(enabled: boolean): UseQueryResult<{ notices: NoticeView[] }> {
  const practice = usePractice();
  return useQuery({
    queryKey: myNoticesKey(practice),
    queryFn: ({ signal }) => sendJson<{ notices: NoticeView[] }>('/api/rooming/notices', { signal }),
    enabled,
    refetchInterval: 30_000,
  });
}

export function setChecked(
  encounterId: string,
  item: string,
  checked: boolean
): Promise<{ checklist: ScreenChecklistItem[] }> {
  return sendJson(`${path(encounterId)}/checked`, { method: 'POST', ...jsonBody({ item, checked }) });
}

export function markReady(encounterId: string, incomplete?: string): Promise<{ flowStatus: string }> {
  return sendJson(`${path(encounterId)}/ready`, {
    method: 'POST',
    ...jsonBody(incomplete ? { incomplete } : {}),
  });
}

export function acknowledgeNotice(id: string): Promise<NoticeView> {
  return sendJson(`/api/rooming/notices/${encodeURIComponent(id)}/acknowledge`, {
    method: 'POST',
    ...jsonBody({}),
  });
}
