import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';

/** What a store answered to a transaction or batch Bundle. */
export type SubmitResult =
  { ok: true; response: Bundle } | { ok: false; status: number; outcome: OperationOutcome };

/**
 * Where imported Bundles go: the database in this process, or a running medassist server over HTTP.
 * Both run the same FHIR implementation (api/router), so a load behaves the same either way.
 */
export interface ImportSink {
  /** One line for the user: where the data goes. */
  readonly description: string;
  /** Sends a transaction or batch Bundle; a rejected Bundle is an answer, not an exception. */
  submit(bundle: Bundle): Promise<SubmitResult>;
  /** Which of `ids` the practice already holds as resources of `resourceType`. */
  existing(resourceType: string, ids: string[]): Promise<Set<string>>;
}
