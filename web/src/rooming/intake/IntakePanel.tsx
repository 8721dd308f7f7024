import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Chief complaint and MA intake notes (queued for co-signature). PLACEHOLDER until its part lands. */
export function IntakePanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
