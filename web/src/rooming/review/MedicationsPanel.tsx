import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Medication reconciliation (taking / not taking / changed, source, reviewed) and preferred pharmacy. PLACEHOLDER until its part lands. */
export function MedicationsPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
