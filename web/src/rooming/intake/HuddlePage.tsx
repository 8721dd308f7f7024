import { Text } from '@mantine/core';

/** Tomorrow's huddle sheet with care gaps (/huddle). PLACEHOLDER until the intake part lands. */
export default function HuddlePage() {
  return <Text>Huddle sheet</Text>;
}
