import type { Condition } from '@medplum/fhirtypes';
import { useActiveProblems } from '../fhir/queries';
import { conceptText, formatDate } from '../patient/display';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';

function onset(condition: Condition): string {
  return formatDate(condition.onsetDateTime ?? condition.onsetPeriod?.start ?? condition.recordedDate);
}

/** Active problems (Condition, clinical status active/recurrence/relapse). */
export function ProblemsSection({ patientId }: { patientId: string }) {
  const problems = useActiveProblems(patientId);
  return (
    <ChartSection title="Problems" query={problems} empty="No problems recorded">
      {(list) => (
        <DataTable
          columns={['Problem', 'ICD-10', 'Since']}
          nowrap={[2]}
          rows={list.map((c, i) => ({
            key: c.id ?? String(i),
            cells: [
              conceptText(c.code),
              c.code?.coding?.find((x) => x.system === ICD10)?.code ?? '',
              onset(c),
            ],
          }))}
        />
      )}
    </ChartSection>
  );
}
