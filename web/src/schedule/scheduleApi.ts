/**
 * The scheduling endpoints (docs/front-desk-api.md, "Scheduling"): typed, over fhir/http.ts (CSRF header,
 * FhirError with the server's OperationOutcome, 401 -> sign-in). Patients travel in POST bodies, never in URLs.
 */
import type { Appointment, HumanName } from '@medplum/fhirtypes';
import { jsonBody, sendJson } from '../fhir/http';

export type TimeOfDay = 'morning' | 'afternoon' | 'any';

export interface VisitTypeInfo {
  code: string;
  display: string;
  minutes: number;
  performers: string[];
  room: string;
}

export interface ScheduleInfo {
  id: string;
  label: string;
  practitioner?: { id: string; name: string };
  location: { id: string; name: string };
  nurseLine: boolean;
}

export interface ScheduleSetup {
  timeZone: string;
  visitTypes: VisitTypeInfo[];
  schedules: ScheduleInfo[];
  rooms: { id: string; name: string; status?: string }[];
  holidays: { date: string; name: string }[];
}

/** A patient as the schedule shows one: two identifiers (name and date of birth). */
export interface VisitPatient {
  id: string;
  /** The server's display name; a HumanName is shown family first. */
  name: string | HumanName | HumanName[];
  birthDate?: string;
}

export interface BookedVisit {
  id: string;
  scheduleId: string;
  start: string;
  end: string;
  status: string;
  visitType: { code: string; display: string };
  patient: VisitPatient | null;
  restricted: boolean;
  flowStatus?: string;
  room?: string | { id: string; name: string };
}

export interface CalendarColumn {
  scheduleId: string;
  label: string;
  practitioner?: { id: string; name: string };
}

export interface TimeRange {
  scheduleId: string;
  start: string;
  end: string;
}

export interface ScheduleBlock extends TimeRange {
  id: string;
  reason: string;
}

/** A day (or, from /week, seven days) of columns, open times, blocks and visits. */
export interface Calendar {
  date?: string;
  start?: string;
  timeZone: string;
  columns: CalendarColumn[];
  open: TimeRange[];
  blocks: ScheduleBlock[];
  appointments: BookedVisit[];
}

export interface FreeSlot {
  scheduleId: string;
  practitioner?: { id: string; name: string };
  location: { id: string; name: string };
  start: string;
  end: string;
}

export interface FindRequest {
  visitType: string;
  practitioners?: string[];
  location?: string;
  from: string;
  to: string;
  timeOfDay?: TimeOfDay;
  after?: string;
  limit?: number;
}

export interface BookRequest {
  patientId: string;
  visitType: string;
  scheduleId: string;
  start: string;
  reason?: string;
  note?: string;
  overbook?: { reason: string };
}

/**
 * A waitlisted patient offered a freed time. The contract names it without fields; the screens read what
 * they need defensively: the patient, the visit type, and the time (a slot or the freed appointment's).
 */
export interface WaitlistOffer {
  waitlistId?: string;
  entryId?: string;
  id?: string;
  patient?: VisitPatient | null;
  visitType?: { code: string; display?: string } | string;
  scheduleId?: string;
  start?: string;
  end?: string;
  slot?: { scheduleId: string; start: string; end?: string };
}

export interface WaitlistRequest {
  patientId: string;
  visitType: string;
  practitioners?: string[];
  location?: string;
  from: string;
  to: string;
  timeOfDay?: TimeOfDay;
  note?: string;
}

/** One waitlist entry as the list shows it (read defensively: see WaitlistOffer). */
export interface WaitlistEntry {
  id: string;
  patient?: VisitPatient | null;
  restricted?: boolean;
  visitType?: { code: string; display?: string } | string;
  practitioners?: ({ id: string; name?: string } | string)[];
  from?: string;
  to?: string;
  requestedPeriod?: { start?: string; end?: string }[] | { start?: string; end?: string };
  timeOfDay?: TimeOfDay;
  note?: string;
  created?: string;
}

const JSON_GET = { method: 'GET', headers: { accept: 'application/json' } } as const;

function query(params: [string, string][]): string {
  return new URLSearchParams(params).toString();
}

export function getSetup(location: string, signal?: AbortSignal): Promise<ScheduleSetup> {
  return sendJson<ScheduleSetup>(`/api/schedule/setup?${query([['location', location]])}`, {
    ...JSON_GET,
    signal,
  });
}

export function getDay(date: string, location: string, signal?: AbortSignal): Promise<Calendar> {
  return sendJson<Calendar>(
    `/api/schedule/day?${query([
      ['date', date],
      ['location', location],
    ])}`,
    { ...JSON_GET, signal }
  );
}

export function getWeek(start: string, schedules: string[], signal?: AbortSignal): Promise<Calendar> {
  const params: [string, string][] = [
    ['start', start],
    ...schedules.map((id): [string, string] => ['schedule', id]),
  ];
  return sendJson<Calendar>(`/api/schedule/week?${query(params)}`, { ...JSON_GET, signal });
}

export async function findSlots(request: FindRequest): Promise<FreeSlot[]> {
  return (
    await sendJson<{ slots: FreeSlot[] }>('/api/schedule/find', { method: 'POST', ...jsonBody(request) })
  ).slots;
}

export function bookAppointment(request: BookRequest): Promise<Appointment> {
  return sendJson<Appointment>('/api/schedule/appointments', { method: 'POST', ...jsonBody(request) });
}

function appointmentPath(id: string, action: string): string {
  return `/api/schedule/appointments/${encodeURIComponent(id)}/${action}`;
}

export function rescheduleAppointment(
  id: string,
  change: { scheduleId?: string; start: string; overbook?: { reason: string } }
): Promise<Appointment & { offers?: WaitlistOffer[] }> {
  return sendJson(appointmentPath(id, 'reschedule'), { method: 'POST', ...jsonBody(change) });
}

export function cancelAppointment(
  id: string,
  reason: string
): Promise<{ appointment: Appointment; offers?: WaitlistOffer[] }> {
  return sendJson(appointmentPath(id, 'cancel'), { method: 'POST', ...jsonBody({ reason }) });
}

export function markNoShow(id: string): Promise<Appointment> {
  return sendJson(appointmentPath(id, 'no-show'), { method: 'POST', ...jsonBody({}) });
}

export function addToWaitlist(request: WaitlistRequest): Promise<Appointment> {
  return sendJson<Appointment>('/api/schedule/waitlist', { method: 'POST', ...jsonBody(request) });
}

export async function getWaitlist(location: string, signal?: AbortSignal): Promise<WaitlistEntry[]> {
  return (
    await sendJson<{ entries: WaitlistEntry[] }>(
      `/api/schedule/waitlist?${query([['location', location]])}`,
      {
        ...JSON_GET,
        signal,
      }
    )
  ).entries;
}
