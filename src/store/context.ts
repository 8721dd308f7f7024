import type { Principal } from '../auth/principal.js';

/** Who is asking, for which practice (tenant). The store scopes every query by practice. */
export interface RequestContext {
  practiceId: string;
  /** The server's FHIR base URL, e.g. http://127.0.0.1:8080/fhir/R4, for links and fullUrls. */
  baseUrl: string;
  /**
   * The authenticated caller. The store applies their access (src/auth/policy.ts) inside its queries and
   * names them in the audit record of every write. Absent only for the store's own internal reads.
   */
  principal?: Principal;
}
