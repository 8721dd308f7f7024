import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/**
 * The one error type of medassist: an HTTP status and the FHIR OperationOutcome that explains it.
 * Made by the small builders below and turned into a response in one place (api/errors.ts).
 */
export class OutcomeError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome
  ) {
    super(outcome.issue?.[0]?.details?.text ?? 'error');
    this.name = 'OutcomeError';
  }
}

type IssueCode = OperationOutcomeIssue['code'];

/** Builds an OperationOutcome with one issue. `expression` names the failing element (FHIRPath). */
export function outcome(
  severity: OperationOutcomeIssue['severity'],
  code: IssueCode,
  text: string,
  expression?: string
): OperationOutcome {
  const issue: OperationOutcomeIssue = { severity, code, details: { text } };
  if (expression) {
    issue.expression = [expression];
  }
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

export const badRequest = (text: string, expression?: string): OutcomeError =>
  new OutcomeError(400, outcome('error', 'invalid', text, expression));

export const invalidResource = (issues: OperationOutcomeIssue[]): OutcomeError =>
  new OutcomeError(400, { resourceType: 'OperationOutcome', issue: issues });

export const notFound = (text: string): OutcomeError =>
  new OutcomeError(404, outcome('error', 'not-found', text));

export const gone = (text: string): OutcomeError => new OutcomeError(410, outcome('error', 'deleted', text));

export const conflict = (text: string, expression?: string): OutcomeError =>
  new OutcomeError(409, outcome('error', 'conflict', text, expression));

export const preconditionFailed = (text: string, expression?: string): OutcomeError =>
  new OutcomeError(412, outcome('error', 'conflict', text, expression));

export const unprocessable = (text: string, expression?: string): OutcomeError =>
  new OutcomeError(422, outcome('error', 'business-rule', text, expression));

export const notSupported = (text: string, expression?: string): OutcomeError =>
  new OutcomeError(400, outcome('error', 'not-supported', text, expression));

export const tooLarge = (text: string): OutcomeError =>
  new OutcomeError(413, outcome('error', 'too-costly', text));

export const serverError = (): OutcomeError =>
  new OutcomeError(
    500,
    outcome(
      'error',
      'exception',
      'Internal server error. The error was logged; if this was a write, its transaction was rolled back.'
    )
  );

export const allOk = (text = 'All OK'): OperationOutcome => outcome('information', 'informational', text);

export function isOutcomeError(err: unknown): err is OutcomeError {
  return err instanceof OutcomeError;
}

/** 401: no credentials, or credentials that are expired, revoked or wrong (`expression`: the wrong field). */
export const unauthorized = (text: string, expression?: string): OutcomeError =>
  new OutcomeError(401, outcome('error', 'login', text, expression));

/** 403: the caller is known but their role or scopes do not allow this. */
export const forbidden = (text: string, expression?: string): OutcomeError =>
  new OutcomeError(403, outcome('error', 'forbidden', text, expression));

/** 423: the account is locked after repeated failed sign-ins. */
export const accountLocked = (text: string): OutcomeError =>
  new OutcomeError(423, outcome('error', 'lock-error', text));

/** 429: too many attempts from one address or for one account. */
export const tooManyRequests = (text: string): OutcomeError =>
  new OutcomeError(429, outcome('error', 'throttled', text));
