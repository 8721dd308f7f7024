/**
 * The administration endpoints (docs/security/auth-api.md, "Administration"): users, the audit log and its
 * settings, one chart's access history. Typed, over fhir/http.ts (CSRF header, FhirError, 401 -> sign-in).
 */
import { jsonBody, send, sendJson } from '../fhir/http';

export interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  status: 'active' | 'disabled';
  mfaEnrolled: boolean;
  mfaRequired: boolean;
  lockedUntil?: string | null;
  lastSignInAt?: string | null;
}

export interface NewUser {
  username: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  password: string;
  mfaRequired: boolean;
}

export type UserChange = Partial<{
  displayName: string;
  roles: string[];
  permissions: string[];
  status: 'active' | 'disabled';
  mfaRequired: boolean;
  unlock: true;
  resetMfa: true;
  password: string;
}>;

const JSON_GET = { method: 'GET', headers: { accept: 'application/json' } } as const;

export async function listUsers(signal?: AbortSignal): Promise<AdminUser[]> {
  return (await sendJson<{ users: AdminUser[] }>('/admin/users', { ...JSON_GET, signal })).users;
}

export async function createUser(user: NewUser): Promise<AdminUser> {
  return (await sendJson<{ user: AdminUser }>('/admin/users', { method: 'POST', ...jsonBody(user) })).user;
}

export async function changeUser(id: string, change: UserChange): Promise<AdminUser> {
  return (
    await sendJson<{ user: AdminUser }>(`/admin/users/${encodeURIComponent(id)}`, {
      method: 'PATCH',
      ...jsonBody(change),
    })
  ).user;
}

/** One audit record as the report lists it. */
export interface AuditRecord {
  seq: number | string;
  recorded: string;
  userId?: string | null;
  userName?: string | null;
  /** FHIR AuditEvent.action: C create, R read, U update, D delete, E execute (search, sign-in, export). */
  action: string;
  /** What happened in words: read, search, sign-in, emergency-access... */
  subtype?: string | null;
  /** FHIR AuditEvent.outcome: 0 success, 4 refused, 8 failed. */
  outcome: string;
  patientIds?: string[];
  category?: string | null;
  entity?: string | null;
  description?: string | null;
  address?: string | null;
  /** True for what was seen under emergency (break-glass) access. */
  emergency?: boolean;
}

export interface AuditPage {
  events: AuditRecord[];
  /** The cursor of the next page, when there is one. */
  next?: string;
}

/** GET /admin/audit with the report's query (auditQuery.ts builds it). */
export function fetchAuditPage(query: URLSearchParams, signal?: AbortSignal): Promise<AuditPage> {
  return sendJson<AuditPage>(`/admin/audit?${query.toString()}`, { ...JSON_GET, signal });
}

/** The same report as CSV (format=csv), as a file to save. */
export async function fetchAuditCsv(query: URLSearchParams): Promise<Blob> {
  const csv = new URLSearchParams(query);
  csv.delete('cursor');
  csv.set('format', 'csv');
  const response = await send(`/admin/audit?${csv.toString()}`, {
    method: 'GET',
    headers: { accept: 'text/csv' },
  });
  return response.blob();
}

/** Which kinds of access are recorded (writes, sign-ins and emergency access always are). */
export interface AuditSettings {
  read: boolean;
  search: boolean;
  export: boolean;
  print: boolean;
}

export function fetchAuditSettings(signal?: AbortSignal): Promise<AuditSettings> {
  return sendJson<AuditSettings>('/admin/audit-settings', { ...JSON_GET, signal });
}

export async function saveAuditSettings(settings: AuditSettings): Promise<void> {
  await sendJson('/admin/audit-settings', { method: 'PUT', ...jsonBody(settings) });
}

/**
 * Who saw or changed one patient's chart, newest first. The contract says "the audit events naming that
 * patient": taken as `{events: [...]}` like the audit log, or a bare array.
 */
export async function fetchAccessHistory(patientId: string, signal?: AbortSignal): Promise<AuditRecord[]> {
  const answer = await sendJson<AuditPage | AuditRecord[]>(
    `/admin/patients/${encodeURIComponent(patientId)}/access-history`,
    { ...JSON_GET, signal }
  );
  return Array.isArray(answer) ? answer : (answer?.events ?? []);
}
