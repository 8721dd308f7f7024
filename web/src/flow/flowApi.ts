/**
 * The flow board's requests (docs/front-desk-api.md, "Check-in, flow board, check-out"). Writes go through
 * fhir/http.ts (session cookie and CSRF header); patients are addressed by id or in POST bodies, never by
 * name in a URL.
 */
import type { Encounter } from '@medplum/fhirtypes';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../fhir/http';
import { keys, usePractice } from '../fhir/queries';
import type { FlowStatus, Threshold } from './flowModel';

export interface Named {
  id: string;
  name: string;
}

export interface FlowRow {
  appointmentId: string;
  encounterId?: string;
  patient: { id: string; name: string; birthDate?: string } | null;
  restricted: boolean;
  start: string;
  visitType: { code: string; display: string };
  provider?: Named;
  ma?: Named;
  status: string;
  statusSince?: string;
  arrivedAt?: string;
  room?: Named;
  flags: string[];
  /** Open notices to the provider about the visit (rooming): counts only. */
  notices?: { urgent: number; routine: number };
}

export type RoomStatus = 'free' | 'occupied' | 'needs-cleaning';

export interface Room {
  id: string;
  name: string;
  status: RoomStatus;
  since?: string;
  patient?: Named | null;
  encounterId?: string;
}

export interface FlowBoard {
  date: string;
  timeZone: string;
  thresholds: Partial<Record<string, Threshold>>;
  rows: FlowRow[];
  rooms: Room[];
}

/** The query key of a site's board for a day. */
export function flowBoardKey(practice: string, location: string | undefined) {
  return [...keys.practice(practice), 'flow-board', location ?? ''] as const;
}

/** GET /api/flow/board: today's visits at the site, with the rooms and the thresholds. */
export function useFlowBoard(location: string | undefined): UseQueryResult<FlowBoard> {
  const practice = usePractice();
  return useQuery({
    queryKey: flowBoardKey(practice, location),
    queryFn: ({ signal }) =>
      sendJson<FlowBoard>(`/api/flow/board?location=${encodeURIComponent(location ?? '')}`, { signal }),
    enabled: location !== undefined,
    placeholderData: keepPreviousData,
    // The stream says when something changed; this is the safety net if an event is missed.
    refetchInterval: 60_000,
  });
}

// ---------- check-in ----------

export interface CheckInCoverage {
  id: string;
  payer: string;
  memberId?: string;
  verified?: { at: string; by?: string };
}

export interface CheckInConsent {
  type: string;
  status: 'ok' | 'missing' | 'expired';
  date?: string;
}

/** The demographics check-in shows; the server sends the patient's details (a FHIR Patient or a summary). */
export interface CheckInPatient {
  id?: string;
  name?: unknown;
  birthDate?: string;
  gender?: string;
  telecom?: { system?: string; value?: string }[];
  address?: { line?: string[]; city?: string; state?: string; postalCode?: string }[];
  phone?: string;
  email?: string;
}

export interface CheckInInfo {
  appointment: { id?: string; start?: string } & Record<string, unknown>;
  patient: CheckInPatient;
  coverages: CheckInCoverage[];
  consents: CheckInConsent[];
  copayDue?: number;
  /** When the demographics were last confirmed with the patient. */
  demographicsVerified?: { at: string; by?: string };
}

export type PaymentMethod = 'cash' | 'card' | 'check';

export interface Payment {
  amount: number;
  method: PaymentMethod;
  reference?: string;
}

export interface CheckInRequest {
  appointmentId: string;
  identity: { name: string; birthDate: string };
  demographicsVerified: true;
  coverageVerified?: string[];
  copay?: Payment;
  flags?: string[];
}

export interface Receipt {
  number: string;
  pdf: string;
}

export interface CheckInResult {
  encounter: Encounter;
  receipt?: Receipt;
}

const id = encodeURIComponent;

export function useCheckInInfo(appointmentId: string | undefined): UseQueryResult<CheckInInfo> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...keys.practice(practice), 'check-in', appointmentId ?? ''],
    queryFn: ({ signal }) =>
      sendJson<CheckInInfo>(`/api/flow/check-in/${id(appointmentId ?? '')}`, { signal }),
    enabled: appointmentId !== undefined,
    staleTime: 0,
  });
}

export function checkIn(request: CheckInRequest): Promise<CheckInResult> {
  return sendJson<CheckInResult>('/api/flow/check-in', { method: 'POST', ...jsonBody(request) });
}

// ---------- moving a visit along ----------

/** What the provider asks for when the visit moves to ready-for-checkout (check-out offers to book it). */
export interface FollowUpRequest {
  visitType: string;
  withinDays: number;
  text?: string;
}

export function setFlowStatus(
  encounterId: string,
  body: { status: FlowStatus; room?: string; ma?: string; followUp?: FollowUpRequest }
): Promise<FlowRow> {
  return sendJson<FlowRow>(`/api/flow/encounters/${id(encounterId)}/status`, {
    method: 'POST',
    ...jsonBody(body),
  });
}

export function leftWithoutBeingSeen(appointmentId: string, reason?: string): Promise<FlowRow> {
  return sendJson<FlowRow>(`/api/flow/appointments/${id(appointmentId)}/left-without-being-seen`, {
    method: 'POST',
    ...jsonBody(reason ? { reason } : {}),
  });
}

/** A scheduled patient who did not come: the scheduling API's no-show (the Appointment becomes `noshow`). */
export function markNoShow(appointmentId: string): Promise<unknown> {
  return sendJson<unknown>(`/api/schedule/appointments/${id(appointmentId)}/no-show`, {
    method: 'POST',
    ...jsonBody({}),
  });
}

export function setRoomStatus(roomId: string, status: RoomStatus): Promise<Room> {
  return sendJson<Room>(`/api/flow/rooms/${id(roomId)}/status`, { method: 'POST', ...jsonBody({ status }) });
}

// ---------- check-out ----------

export interface SuggestedSlot {
  scheduleId: string;
  practitioner?: Named;
  location: Named;
  start: string;
  end: string;
}

export interface CheckOutInfo {
  followUp?: { text: string; visitType: string; withinDays: number };
  suggestions?: SuggestedSlot[];
  balance: number;
}

export interface CheckOutRequest {
  followUp?: { visitType: string; scheduleId: string; start: string };
  payment?: Payment;
}

export interface CheckOutResult {
  encounter: Encounter;
  appointment?: { id?: string; start?: string };
  receipt?: Receipt;
}

export function useCheckOutInfo(encounterId: string | undefined): UseQueryResult<CheckOutInfo> {
  const practice = usePractice();
  return useQuery({
    queryKey: [...keys.practice(practice), 'check-out', encounterId ?? ''],
    queryFn: ({ signal }) =>
      sendJson<CheckOutInfo>(`/api/flow/encounters/${id(encounterId ?? '')}/check-out`, { signal }),
    enabled: encounterId !== undefined,
    staleTime: 0,
  });
}

export function checkOut(encounterId: string, request: CheckOutRequest): Promise<CheckOutResult> {
  return sendJson<CheckOutResult>(`/api/flow/encounters/${id(encounterId)}/check-out`, {
    method: 'POST',
    ...jsonBody(request),
  });
}

/** The visit summary PDF of an encounter (opened in a new tab). */
export function summaryPdfUrl(encounterId: string): string {
  return `/api/flow/encounters/${id(encounterId)}/summary.pdf`;
}
