/**
 * Reading an OperationOutcome for one field: the server names the field, header or search parameter at
 * fault in `issue.expression` (docs/api.md, Errors), so a screen can show the message next to that field.
 * Pure: no I/O, no DOM.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/** An issue's message as a person reads it. */
export function issueText(issue: OperationOutcomeIssue): string {
  return issue.details?.text ?? issue.diagnostics ?? issue.code;
}

/**
 * The messages of the error-level issues whose expression is (or is inside) one of `expressions`,
 * joined, or undefined when none is about them. `Patient.name` matches `Patient.name[0].given`.
 */
export function outcomeMessage(
  outcome: OperationOutcome | undefined,
  expressions: string | readonly string[]
): string | undefined {
  if (!outcome) return undefined;
  const wanted = typeof expressions === 'string' ? [expressions] : expressions;
  const messages = (outcome.issue ?? [])
    .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
    .filter((issue) => (issue.expression ?? []).some((e) => wanted.some((w) => matchesExpression(e, w))))
    .map(issueText);
  return messages.length ? [...new Set(messages)].join('; ') : undefined;
}

/** True when `actual` names `wanted` or something inside it (`x.y[2].z` is inside `x.y`). */
export function matchesExpression(actual: string, wanted: string): boolean {
  if (actual === wanted) return true;
  if (!actual.startsWith(wanted)) return false;
  const next = actual.charAt(wanted.length);
  return next === '.' || next === '[';
}

/** The issues no field claims: shown as a general message. */
export function unclaimedIssues(outcome: OperationOutcome | undefined, claimed: readonly string[]): string[] {
  return (outcome?.issue ?? [])
    .filter((issue) => !(issue.expression ?? []).some((e) => claimed.some((w) => matchesExpression(e, w))))
    .map(issueText);
}
