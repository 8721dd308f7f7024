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
