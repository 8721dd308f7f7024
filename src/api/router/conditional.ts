import { badRequest } from '../../fhir/outcome.js';
import { parseSearchRequest } from '../../fhir/searchRequest.js';
import { executeSearch } from '../../store/search/execute.js';
import type { RouterEnv } from './types.js';

const RESULT_PARAMETERS = new Set([
  '_count',
  '_sort',
  '_cursor',
  '_elements',
  '_summary',
  '_total',
  '_include',
  '_revinclude',
  '_format',
  '_pretty',
]);

/** Finds the ids matching a conditional URL's query (If-None-Exist, conditional update, conditional references). */
export async function matchConditional(
  env: RouterEnv,
  type: string,
  queryText: string,
  name: string
): Promise<string[]> {
  const query = parseQueryString(queryText);
  if (query.length === 0) {
    throw badRequest(`${name} needs search parameters`, name);
  }
  const result = query.find(([k]) => k.startsWith('_') && RESULT_PARAMETERS.has(k.split(':')[0]));
  if (result) {
    throw badRequest(`${name} takes search criteria only, not ${result[0]}`, name);
  }
  const request = parseSearchRequest(type, [...query, ['_count', '2'], ['_elements', 'id']], {
    strict: true,
  });
  // Criteria that filter nothing would match whatever happens to be there.
  if (request.filters.length === 0) {
    throw badRequest(`${name} needs at least one search criterion`, name);
  }
  const bundle = await executeSearch(env.tx ?? env.db, env.ctx, request);
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id as string);
}

/** A query string as [name, value] pairs, in order. */
export function parseQueryString(q: string): [string, string][] {
  return [...new URLSearchParams(q).entries()];
}
