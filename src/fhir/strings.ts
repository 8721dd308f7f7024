/**
 * The form string search compares: accents removed, lower case, inner whitespace collapsed
 * (FHIR R4 search.html#string: "case- and accent-insensitive"). The same function normalizes indexed
 * values and search values, so both engines compare identical text.
 */
export function normalizeString(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Escapes LIKE wildcards so user text matches literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => '\\' + c);
}
