import { Text } from '@mantine/core';
import type { MedicationStatement } from '@medplum/fhirtypes';
import { useMedications } from '../fhir/queries';
import { useClinicTimeZone } from '../app/SiteContext';
import { conceptText, formatDateTime } from '../patient/display';
import { isNoMedications } from '../patient/medicationSummary';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';

function medicationName(statement: MedicationStatement): string {
  return (
    conceptText(statement.medicationCodeableConcept) ||
    statement.medicationReference?.display ||
    'Unnamed medication'
  );
}

/** Current medications (MedicationStatement active, intended or on hold); "takes none" is said as such. */
export function MedicationsSection({ patientId }: { patientId: string }) {
  const medications = useMedications(patientId);
  const timeZone = useClinicTimeZone();
  return (
    <ChartSection title="Medications" query={medications} empty="No medications recorded">
      {(all) => {
        const list = all.filter((m) => !isNoMedications(m));
        const none = all.find(isNoMedications);
        if (list.length === 0 && none) {
          return (
            <Text size="sm">
              No current medications
              {none.dateAsserted ? ` (recorded ${formatDateTime(none.dateAsserted, false, timeZone)})` : ''}
            </Text>
          );
        }
        return (
          <DataTable
            columns={['Medication', 'How taken', 'Since']}
            rows={list.map((m, i) => ({
              key: m.id ?? String(i),
              cells: [
                medicationName(m),
                m.dosage
                  ?.map((d) => d.text)
                  .filter(Boolean)
                  .join('; ') ?? '',
                formatDateTime(
                  m.effectivePeriod?.start ?? m.effectiveDateTime ?? m.dateAsserted,
                  false,
                  timeZone
                ),
              ],
            }))}
          />
        );
      }}
    </ChartSection>
  );
}
