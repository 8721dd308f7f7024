import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Procedure consent with signatures, PDF, refusal. PLACEHOLDER until its part lands. */
export function ConsentPanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
