import { Text } from '@mantine/core';
import { useParams } from 'react-router';

/** The rooming screen of one visit (/rooming/:encounterId). PLACEHOLDER until the rooming-screen part lands. */
export default function RoomingPage() {
  const { encounterId } = useParams();
  return <Text>Rooming {encounterId}</Text>;
}
