import { SimpleGrid, Stack } from '@mantine/core';
import { AllergiesSection } from './AllergiesSection';
import { AppointmentsSection } from './AppointmentsSection';
import { DocumentsSection } from './DocumentsSection';
import { EncountersSection } from './EncountersSection';
import { ImmunizationsSection } from './ImmunizationsSection';
import { MedicationsSection } from './MedicationsSection';
import { ProblemsSection } from './ProblemsSection';
import { VitalsSection } from './VitalsSection';

/** The chart summary: what the MA checks before rooming. Two columns on wide screens, one otherwise. */
export function ChartSummary({ patientId }: { patientId: string }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" verticalSpacing="md">
      <Stack gap="md">
        <ProblemsSection patientId={patientId} />
        <MedicationsSection patientId={patientId} />
        <AllergiesSection patientId={patientId} />
        <ImmunizationsSection patientId={patientId} />
      </Stack>
      <Stack gap="md">
        <VitalsSection patientId={patientId} />
        <AppointmentsSection patientId={patientId} />
        <EncountersSection patientId={patientId} />
        <DocumentsSection patientId={patientId} />
      </Stack>
    </SimpleGrid>
  );
}
