import type { Resource } from '@medplum/fhirtypes';
import { allOk } from '../../fhir/outcome.js';
import type { FhirResponse } from './types.js';

/** Status, ETag, Last-Modified and Location for a resource (FHIR R4 http.html#read, #create). */
export function resourceResponse(
  status: number,
  resource: Resource,
  baseUrl: string,
  prefer: string | undefined,
  withLocation = false
): FhirResponse {
  const headers: Record<string, string> = {};
  const version = resource.meta?.versionId;
  if (version) {
    headers.etag = `W/"${version}"`;
  }
  if (resource.meta?.lastUpdated) {
    headers['last-modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  }
  if (withLocation) {
    headers.location = `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${version}`;
  }
  const ret = /return=(minimal|representation|OperationOutcome)/.exec(prefer ?? '')?.[1];
  if (ret === 'minimal') {
    return { status, headers };
  }
  if (ret === 'OperationOutcome') {
    return {
      status,
      headers,
      body: allOk(`${resource.resourceType}/${resource.id} version ${version} stored`),
    };
  }
  return { status, headers, body: resource };
}

/**
 * Puts resourceType, id and meta first, as FHIR JSON is conventionally written: jsonb stores keys in its
 * own order. Applies to the resources inside a Bundle too.
 */
export function presentResource(resource: Resource): Resource {
  const { resourceType, id, meta, ...rest } = resource as Resource & Record<string, unknown>;
  const out: Record<string, unknown> = { resourceType };
  if (id !== undefined) {
    out.id = id;
  }
  if (meta !== undefined) {
    out.meta = meta;
  }
  Object.assign(out, rest);
  if (resourceType === 'Bundle' && Array.isArray(rest.entry)) {
    out.entry = (rest.entry as { resource?: Resource }[]).map((e) =>
      e.resource ? { ...e, resource: presentResource(e.resource) } : e
    );
  }
  return out as unknown as Resource;
}
