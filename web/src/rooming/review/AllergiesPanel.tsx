import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Allergies (coded, NKDA, reviewed today). PLACEHOLDER until its part lands. */
export function AllergiesPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
