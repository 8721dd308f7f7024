/** Who is asking, for which practice (tenant). Auth (a later issue) fills `user`; the store scopes every query by practice. */
export interface RequestContext {
  practiceId: string;
  /** The server's FHIR base URL, e.g. http://127.0.0.1:8080/fhir/R4, for links and fullUrls. */
  baseUrl: string;
  user?: string;
}
