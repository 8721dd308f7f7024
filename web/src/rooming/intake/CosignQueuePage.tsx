import { Text } from '@mantine/core';

/** The provider's co-signature queue (/cosign). PLACEHOLDER until the intake part lands. */
export default function CosignQueuePage() {
  return <Text>Co-sign queue</Text>;
}
