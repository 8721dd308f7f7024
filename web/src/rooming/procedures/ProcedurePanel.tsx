import { Text } from '@mantine/core';
import type { RoomingPanelProps } from '../types';

/** Procedure assistance (MA as assistant, supplies) and wound documentation with photos and change over visits. PLACEHOLDER until its part lands. */
export function ProcedurePanel({ visit }: RoomingPanelProps) {
  return <Text c="dimmed">Not yet available for {visit.patient.name}.</Text>;
}
