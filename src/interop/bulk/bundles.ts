import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { putEntry, type ImportEntry } from './entries.js';
import { isFhirId, uuidOfFullUrl } from './ids.js';
import { rewriteReferences } from './references.js';

/** Resource types that many patients' Bundles repeat (Synthea puts a copy of each in every patient's file). */
const SHARED_TYPES = new Set(['Organization', 'Practitioner', 'PractitionerRole', 'Location']);

/** A Bundle file made ready to load: entries as idempotent writes, and how to send them. */
export interface LoadPlan {
  /** transaction: all of it or, if that fails, entry by entry; batch: entry by entry from the start. */
  mode: 'transaction' | 'batch';
  /** A transaction Bundle is sent whole; a collection has no such intent and may be sent in chunks. */
  atomic: boolean;
  entries: ImportEntry[];
}

/**
 * Converts a transaction, batch or collection Bundle (as Synthea writes them) into idempotent writes, so
 * re-running an interrupted import duplicates nothing:
 * - a POST whose fullUrl is `urn:uuid:<uuid>` becomes `PUT Type/<uuid>`: the uuid becomes the id, and a
 *   second run updates with identical content, which writes no new version;
 * - a POST without such a fullUrl is PUT to the resource's own id, else to a hash of its content;
 * - a collection's entries (no request) are treated as POSTs; conditional creates (ifNoneExist), PUTs,
 *   DELETEs and reads are kept as they are, being idempotent already;
 * - references to a converted entry's fullUrl are rewritten to Type/id, so every entry stands alone and
 *   the Bundle can be retried as a batch when its transaction fails.
 * Returns a message when the value is not a Bundle that can be loaded.
 */
export function planBundle(value: unknown): LoadPlan | string {
  const bundle = value as Bundle;
  if (typeof value !== 'object' || value === null || bundle.resourceType !== 'Bundle') {
    return 'the file is not a FHIR Bundle (resourceType must be "Bundle"; NDJSON files should end in .ndjson)';
  }
  const type = bundle.type;
  if (type !== 'transaction' && type !== 'batch' && type !== 'collection' && type !== 'searchset') {
    return `Bundle.type "${String(type)}" cannot be imported; use a transaction, batch or collection Bundle`;
  }
  const entries: ImportEntry[] = [];
  const targets = new Map<string, string>();
  const raw = bundle.entry ?? [];
  raw.forEach((entry, i) => {
    const planned = planEntry(entry, `entry ${i}`);
    if (planned.target && entry.fullUrl) {
      targets.set(entry.fullUrl, planned.target);
    }
    entries.push(planned);
  });
  // Shared reference data in a Bundle that is mostly something else (a patient's record) is a copy.
  const types = new Set(entries.map((e) => e.entry.resource?.resourceType));
  const onlyShared = [...types].every((t) => t !== undefined && SHARED_TYPES.has(t));
  for (const e of entries) {
    e.entry = {
      ...e.entry,
      ...(e.entry.resource ? { resource: rewriteReferences(e.entry.resource, targets) } : {}),
    };
    e.referenceCopy = !onlyShared && !!e.target && SHARED_TYPES.has(e.entry.resource?.resourceType ?? '');
  }
  return { mode: type === 'batch' ? 'batch' : 'transaction', atomic: type === 'transaction', entries };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

function planEntry(entry: BundleEntry, where: string): ImportEntry {
  const method = entry.request?.method;
  const resource = entry.resource;
  // Checked here, because the store rejects a whole Bundle, batch or not, for one entry without these.
  if (resource !== undefined && typeof resource.resourceType !== 'string') {
    return { entry, where, referenceCopy: false, problem: 'the resource has no resourceType' };
  }
  if (method === undefined && !resource) {
    return { entry, where, referenceCopy: false, problem: 'the entry has neither a resource nor a request' };
  }
  if (method !== undefined && !METHODS.has(method)) {
    return {
      entry,
      where,
      referenceCopy: false,
      problem: `request.method "${String(method)}" is not GET, POST, PUT, PATCH or DELETE`,
    };
  }
  if (method !== undefined && !entry.request?.url) {
    return { entry, where, referenceCopy: false, problem: 'the entry has request.method but no request.url' };
  }
  if ((method === 'PUT' || method === 'POST') && !resource) {
    return { entry, where, referenceCopy: false, problem: `a ${method} entry needs a resource` };
  }
  const isCreate = method === 'POST' || method === undefined;
  if (!isCreate || !resource || entry.request?.ifNoneExist) {
    const url = (entry.request?.url ?? '').replace(/^\//, '');
    const plainPut = method === 'PUT' && /^[A-Z][A-Za-z]+\/[^/?]+$/.test(url);
    return { entry, where, referenceCopy: false, ...(plainPut ? { target: url } : {}) };
  }
  const id = uuidOfFullUrl(entry.fullUrl) ?? (isFhirId(resource.id) ? resource.id : undefined);
  return putEntry(resource, where, id, entry.fullUrl);
}
