/**
 * Copies a resource with every `reference` found in `targets` replaced by its Type/id. Used on the entries of a
 * loaded Bundle, so each entry stands alone: the Bundle can then be retried entry by entry as a batch, and
 * an entry dropped from it (a shared resource already stored) is still referred to correctly.
 */
export function rewriteReferences<T>(value: T, targets: Map<string, string>): T {
  if (Array.isArray(value)) {
    return value.map((v: unknown) => rewriteReferences(v, targets)) as T;
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      k === 'reference' && typeof v === 'string' ? (targets.get(v) ?? v) : rewriteReferences(v, targets);
  }
  return out as T;
}
