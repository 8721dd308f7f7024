import { Text } from '@mantine/core';
import { useImmunizations } from '../fhir/queries';
import { conceptText, formatDate } from '../patient/display';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';

const SHOWN = 8;

/** Immunizations, newest first (the latest few; the count of the rest). */
export function ImmunizationsSection({ patientId }: { patientId: string }) {
  const immunizations = useImmunizations(patientId);
  return (
    <ChartSection title="Immunizations" query={immunizations} empty="No immunizations recorded">
      {(list) => (
        <>
          <DataTable
            columns={['Vaccine', 'Date', 'Status']}
            nowrap={[1]}
            rows={list.slice(0, SHOWN).map((im, i) => ({
              key: im.id ?? String(i),
              cells: [
                conceptText(im.vaccineCode),
                formatDate(im.occurrenceDateTime ?? im.occurrenceString),
                im.status === 'completed'
                  ? 'Given'
                  : im.status === 'not-done'
                    ? 'Not given'
                    : 'Entered in error',
              ],
            }))}
          />
          {list.length > SHOWN && (
            <Text size="sm" c="dimmed" mt={4}>
              and {list.length - SHOWN} earlier
            </Text>
          )}
        </>
      )}
    </ChartSection>
  );
}
