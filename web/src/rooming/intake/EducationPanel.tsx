import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Education handouts EN/ES (PDF), what was given, MedlinePlus Connect links. PLACEHOLDER until its part lands. */
export function EducationPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
