import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Vitals history table, BP/weight/BMI charts, growth charts for children. PLACEHOLDER until its part lands. */
export function TrendsPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
