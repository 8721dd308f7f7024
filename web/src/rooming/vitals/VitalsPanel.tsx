import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Vital-sign entry (imperial or metric), safety checks, BMI, the visit's readings. PLACEHOLDER until its part lands. */
export function VitalsPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
