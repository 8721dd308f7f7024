/**
 * The typed FHIR client of the web app: same-origin `/fhir/R4` (docs/api.md), over http.ts (session cookie,
 * CSRF header on writes and POST `_search`, 401 -> sign-in). Every failure becomes a FhirError carrying the
 * status and an OperationOutcome, so screens can point at the field at fault.
 * Patient searches go as POST `_search` with a form body, so no patient details end up in URLs
 * (server logs, browser history, proxies).
 */
import type { Bundle, Resource, ResourceType } from '@medplum/fhirtypes';
import { sendJson } from './http';
import { setServerReachable } from './serverStatus';

export const FHIR_BASE = '/fhir/R4';

/** Search parameters as ordered pairs: a parameter may repeat (repeated = AND). */
export type SearchParams = readonly (readonly [string, string])[] | Record<string, string>;

/** A resource type's TypeScript type, e.g. ResourceOf<'Patient'> = Patient. */
export type ResourceOf<T extends ResourceType> = Extract<Resource, { resourceType: T }>;

export interface SearchResult<T extends Resource> {
  resources: T[];
  /** `Bundle.total` when the server gave it. */
  total?: number;
  bundle: Bundle;
}

function toSearchParams(params: SearchParams): URLSearchParams {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  return new URLSearchParams(pairs.map(([k, v]) => [k, v] as [string, string]));
}

function request<T>(path: string, init: RequestInit & { signal?: AbortSignal }): Promise<T> {
  return sendJson<T>(FHIR_BASE + path, {
    ...init,
    headers: { accept: 'application/fhir+json', ...(init.headers as Record<string, string> | undefined) },
  });
}

function unbundle<T extends Resource>(bundle: Bundle, type: string): SearchResult<T> {
  const resources = (bundle.entry ?? [])
    .filter((e) => e.search?.mode !== 'outcome' && e.resource?.resourceType === type)
    .map((e) => e.resource as T);
  return { resources, total: bundle.total, bundle };
}

/** GET `/Type/id`. */
export function get<T extends ResourceType>(
  type: T,
  id: string,
  signal?: AbortSignal
): Promise<ResourceOf<T>> {
  return request<ResourceOf<T>>(`/${type}/${encodeURIComponent(id)}`, { method: 'GET', signal });
}

/** GET `/Type?params` (for parameters that carry no patient details, e.g. `patient=<id>`). */
export async function search<T extends ResourceType>(
  type: T,
  params: SearchParams,
  signal?: AbortSignal
): Promise<SearchResult<ResourceOf<T>>> {
  const bundle = await request<Bundle>(`/${type}?${toSearchParams(params).toString()}`, {
    method: 'GET',
    signal,
  });
  return unbundle<ResourceOf<T>>(bundle, type);
}

/** POST `/Type/_search` with a form body: for searches on what identifies a person (name, DOB, phone). */
export async function postSearch<T extends ResourceType>(
  type: T,
  params: SearchParams,
  signal?: AbortSignal
): Promise<SearchResult<ResourceOf<T>>> {
  const bundle = await request<Bundle>(`/${type}/_search`, {
    method: 'POST',
    body: toSearchParams(params),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    signal,
  });
  return unbundle<ResourceOf<T>>(bundle, type);
}

/** POST `/Type`: the server assigns the id. */
export function create<T extends Resource>(resource: T, signal?: AbortSignal): Promise<T> {
  return request<T>(`/${resource.resourceType}`, {
    method: 'POST',
    body: JSON.stringify(resource),
    headers: { 'content-type': 'application/fhir+json', prefer: 'return=representation' },
    signal,
  });
}

/** PUT `/Type/id`, version-aware (`If-Match`) when the resource carries its version. */
export function update<T extends Resource>(resource: T & { id: string }, signal?: AbortSignal): Promise<T> {
  const version = resource.meta?.versionId;
  return request<T>(`/${resource.resourceType}/${encodeURIComponent(resource.id)}`, {
    method: 'PUT',
    body: JSON.stringify(resource),
    headers: {
      'content-type': 'application/fhir+json',
      prefer: 'return=representation',
      ...(version ? { 'if-match': `W/"${version}"` } : {}),
    },
    signal,
  });
}

/** GET `/healthz`: true when the server answers. */
export async function checkHealth(signal?: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch('/healthz', { cache: 'no-store', signal });
    setServerReachable(response.ok);
    return response.ok;
  } catch {
    setServerReachable(false);
    return false;
  }
}
