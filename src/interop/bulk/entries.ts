import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { contentId, isFhirId } from './ids.js';

/** One record on its way into the store, with where it came from for the report. */
export interface ImportEntry {
  /** The transaction entry to send (request.method and request.url set). */
  entry: BundleEntry;
  /** Where the record is in its file: "entry 12" (0-based, as Bundle.entry[12]) or "line 4" (1-based). */
  where: string;
  /** "Type/id" the entry writes, when it is a plain PUT. */
  target?: string;
  /**
   * A copy of shared reference data (an Organization or Practitioner inside a patient's Bundle): written only
   * if the store does not hold it yet, so the full copy from hospitalInformation*.json is not overwritten by
   * the shorter one every patient bundle repeats (which would also add a version on every re-run).
   */
  referenceCopy: boolean;
  /** Why the record cannot be sent at all (no resourceType, no request); it is reported as rejected. */
  problem?: string;
}

/**
 * Turns a resource into an idempotent `PUT Type/id`. `id` is the one chosen by the caller (a fullUrl's uuid);
 * else the resource's own id; else a hash of its content (see contentId), so a re-run PUTs to the same id.
 */
export function putEntry(resource: Resource, where: string, id?: string, fullUrl?: string): ImportEntry {
  const chosen =
    id ?? (isFhirId(resource.id) ? resource.id : resource.id === undefined ? contentId(resource) : undefined);
  // A resource whose own id is invalid keeps it, so the store rejects it with the reason instead of it
  // silently getting another id.
  const finalId = chosen ?? String(resource.id);
  const target = `${resource.resourceType}/${finalId}`;
  return {
    entry: {
      ...(fullUrl ? { fullUrl } : {}),
      resource: { ...resource, id: finalId },
      request: { method: 'PUT', url: target },
    },
    where,
    target,
    referenceCopy: false,
  };
}
