import { Text } from '@mantine/core';
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { useAllergies } from '../fhir/queries';
import { isCurrentAllergy, isNoKnownAllergy } from '../patient/allergySummary';
import { conceptText, formatDate } from '../patient/display';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';

function reactions(allergy: AllergyIntolerance): string {
  return (allergy.reaction ?? [])
    .map((r) => [r.manifestation.map(conceptText).join(', '), r.severity].filter(Boolean).join(' — '))
    .join('; ');
}

/** All current AllergyIntolerance entries; "No known drug allergies" entries are said as such. */
export function AllergiesSection({ patientId }: { patientId: string }) {
  const allergies = useAllergies(patientId);
  return (
    <ChartSection title="Allergies" query={allergies} empty="No allergies recorded: ask the patient">
      {(all) => {
        const current = all.filter(isCurrentAllergy);
        const real = current.filter((a) => !isNoKnownAllergy(a));
        if (real.length === 0) {
          return (
            <Text size="sm">
              {current.length ? 'No known drug allergies' : 'No current allergies recorded'}
              {current[0]?.recordedDate ? ` (recorded ${formatDate(current[0].recordedDate)})` : ''}
            </Text>
          );
        }
        return (
          <DataTable
            columns={['Allergy', 'Reaction', 'Criticality', 'Recorded']}
            rows={real.map((a, i) => ({
              key: a.id ?? String(i),
              cells: [conceptText(a.code), reactions(a), a.criticality ?? '', formatDate(a.recordedDate)],
            }))}
          />
        );
      }}
    </ChartSection>
  );
}
