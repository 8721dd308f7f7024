import { Divider, Stack, Title } from '@mantine/core';
import type { RoomingPanelProps } from '../types';
import { AssistForm } from './AssistForm';
import { WoundForm } from './WoundForm';
import { WoundHistory } from './WoundHistory';

/** Procedure assistance (MA as assistant, supplies) and wound documentation with photos and change over visits. */
export function ProcedurePanel({ visit, onSaved }: RoomingPanelProps) {
  return (
    <Stack gap="md">
      <AssistForm visit={visit} onSaved={onSaved} />
      <Divider />
      <WoundForm visit={visit} onSaved={onSaved} />
      <Title order={3} size="h5">
        Wound history
      </Title>
      <WoundHistory patientId={visit.patient.id} />
    </Stack>
  );
}
