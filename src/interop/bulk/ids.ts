import { createHash } from 'node:crypto';
import { ID_RE } from '../../store/repository.js';

/** Keys in sorted order at every level, so equal resources serialize alike whatever order their keys came in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The id given to an imported resource that has none. It is a hash of the resource's content (keys sorted),
 * not a random UUID, so importing the same file twice PUTs the same record to the same id and the second
 * run writes nothing; two identical records in one load collapse into one, which is what a re-run expects.
 * 32 hex digits (128 bits) fit FHIR's 64-character id and make an accidental collision negligible.
 */
export function contentId(resource: object): string {
  return createHash('sha256').update(canonicalJson(resource)).digest('hex').slice(0, 32);
}

/** The uuid of a `urn:uuid:<uuid>` fullUrl, if it is one and usable as a FHIR id. */
export function uuidOfFullUrl(fullUrl: string | undefined): string | undefined {
  if (!fullUrl?.startsWith('urn:uuid:')) {
    return undefined;
  }
  const id = fullUrl.slice('urn:uuid:'.length);
  return ID_RE.test(id) ? id : undefined;
}

/** True when `id` is a valid FHIR id (FHIR R4 datatypes.html#id). */
export function isFhirId(id: unknown): id is string {
  return typeof id === 'string' && ID_RE.test(id);
}
