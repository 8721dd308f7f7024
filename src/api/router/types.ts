import type { Resource } from '@medplum/fhirtypes';
import type { Database, SqlConnection } from '../../store/db.js';
import type { RequestContext } from '../../store/context.js';
import type { AuditWriter } from '../../auth/audit/writer.js';

/** A FHIR request with HTTP taken away (Medplum's fhir-router idea): the API, bundles and tests share it. */
export interface FhirRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Path below the FHIR base, without a leading slash: "Patient", "Patient/1/_history/2". */
  path: string;
  query: [string, string][];
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body?: unknown;
}

export interface FhirResponse {
  status: number;
  headers: Record<string, string>;
  body?: Resource;
}

/** Where the router reads and writes: the database, or an open transaction when inside a transaction Bundle. */
export interface RouterEnv {
  db: Database;
  tx?: SqlConnection;
  ctx: RequestContext;
  /** Where unexpected errors inside a batch are logged (they are answered per entry, not thrown). */
  onError?: (err: unknown) => void;
  /** Where reads and searches are recorded (writes record themselves in store/writes.ts). */
  audit?: AuditWriter;
}
