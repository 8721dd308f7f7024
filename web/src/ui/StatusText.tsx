import { Text } from '@mantine/core';

/** A FHIR status code as words: "entered-in-error" -> "Entered in error". */
export function StatusText({ status }: { status: string | undefined }) {
  if (!status) return null;
  const words = status.replace(/-/g, ' ');
  return (
    <Text span size="sm">
      {words.charAt(0).toUpperCase() + words.slice(1)}
    </Text>
  );
}
