import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Care gaps for this patient. PLACEHOLDER until its part lands. */
export function CareGapsPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
