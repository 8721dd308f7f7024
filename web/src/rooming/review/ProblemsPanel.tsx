import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Problem list (read for the MA; reviewed stamp). PLACEHOLDER until its part lands. */
export function ProblemsPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
