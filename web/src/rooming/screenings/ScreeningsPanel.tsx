import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Screenings due and their questionnaires with scores (PHQ-2 -> PHQ-9, GAD-7, fall risk, tobacco, social needs, pregnancy status). PLACEHOLDER until its part lands. */
export function ScreeningsPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
