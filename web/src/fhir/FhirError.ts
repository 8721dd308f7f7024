import type { OperationOutcome } from '@medplum/fhirtypes';

/**
 * The one error the data layer throws: the HTTP status and the server's OperationOutcome.
 * Status 0 means the server could not be reached (no HTTP response at all).
 */
export class FhirError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;

  constructor(status: number, outcome: OperationOutcome) {
    super(
      outcome.issue?.map((i) => i.details?.text ?? i.diagnostics ?? i.code).join('; ') || `HTTP ${status}`
    );
    this.name = 'FhirError';
    this.status = status;
    this.outcome = outcome;
  }

  /** True when no response came back (server down, network gone), as opposed to a refused request. */
  get unreachable(): boolean {
    return this.status === 0;
  }
}

/** True for the error a request gets when the server cannot be reached. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof FhirError && error.unreachable;
}

/**
 * True for a refusal (403). For a read, most often data the user's role does not read (the front desk and
 * clinical data): screens say so calmly, as it is expected, rather than as a fault.
 */
export function isForbidden(error: unknown): error is FhirError {
  return error instanceof FhirError && error.status === 403;
}
