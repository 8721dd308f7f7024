import { Group, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { FhirError } from '../fhir/FhirError';
import { outcomeMessage } from '../fhir/outcome';

/**
 * The server's message for one field, shown next to it: the OperationOutcome issues whose `expression`
 * names `expression` (a field like `Patient.birthDate`, or a search parameter like `birthdate`).
 * Renders nothing when the error is about something else. Give the field `aria-describedby={id}`.
 */
export function FieldError({
  error,
  expression,
  id,
}: {
  error: unknown;
  expression: string | readonly string[];
  id?: string;
}) {
  const message = fieldErrorMessage(error, expression);
  if (!message) return null;
  return (
    <Group gap={6} wrap="nowrap" align="flex-start" id={id} role="alert">
      <IconAlertCircle
        size={16}
        aria-hidden
        color="var(--mantine-color-red-8)"
        style={{ flexShrink: 0, marginTop: 2 }}
      />
      <Text size="sm" c="red.9">
        {message}
      </Text>
    </Group>
  );
}

/** The message `FieldError` would show, for fields that take an `error` prop. */
export function fieldErrorMessage(
  error: unknown,
  expression: string | readonly string[]
): string | undefined {
  return error instanceof FhirError ? outcomeMessage(error.outcome, expression) : undefined;
}
