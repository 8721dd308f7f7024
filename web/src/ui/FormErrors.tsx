import { Alert } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { FhirError } from '../fhir/FhirError';
import { unclaimedIssues } from '../fhir/outcome';

/**
 * What the server said that no field of the form claims (the rest shows next to its field: FieldError): a
 * general message at the top of the form.
 */
export function FormErrors({ error, fields }: { error: unknown; fields: readonly string[] }) {
  if (!error) return null;
  const messages =
    error instanceof FhirError
      ? error.unreachable
        ? ['Cannot reach the medassist server. Try again.']
        : unclaimedIssues(error.outcome, fields)
      : ['Something went wrong. Try again.'];
  if (messages.length === 0) return null;
  return (
    <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle size={18} aria-hidden />}>
      {messages.join(' ')}
    </Alert>
  );
}
