/** Emergency ("break-glass") access to a restricted chart: what the form checks before asking. Pure. */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { isForbidden } from '../fhir/FhirError';

/** The server wants a reason of at least 10 characters (docs/security/auth-api.md). */
export const EMERGENCY_REASON_MIN = 10;

/** What is wrong with the reason as typed, or undefined when it will do. */
export function emergencyReasonProblem(reason: string): string | undefined {
  const length = reason.trim().length;
  if (length === 0) return 'A reason is required.';
  if (length < EMERGENCY_REASON_MIN) {
    return `Say a little more: at least ${EMERGENCY_REASON_MIN} characters (${length} so far).`;
  }
  return undefined;
}

/**
 * True when a chart read was refused because the chart is restricted and this user may break the glass:
 * 403 with issue code "suppressed". Users without the permission get a 404 instead.
 */
export function isRestrictedChart(error: unknown): boolean {
  return isForbidden(error) && hasIssueCode(error.outcome, 'suppressed');
}

function hasIssueCode(outcome: OperationOutcome, code: string): boolean {
  return (outcome.issue ?? []).some((issue) => issue.code === code);
}
