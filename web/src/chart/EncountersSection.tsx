import { useClinicTimeZone } from '../app/SiteContext';
import type { Encounter } from '@medplum/fhirtypes';
import { siteName } from '../app/siteName';
import { usePracticeOrganization, useRecentEncounters } from '../fhir/queries';
import { conceptText, formatDateTime } from '../patient/display';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';
import { StatusText } from '../ui/StatusText';

function where(encounter: Encounter, practiceName: string | undefined): string {
  return (encounter.location ?? [])
    .map((l) => l.location.display)
    .filter((name): name is string => Boolean(name))
    .map((name) => siteName({ name }, practiceName))
    .join(', ');
}

/** The last five encounters (Encounter?patient=&_sort=-date&_count=5). */
export function EncountersSection({ patientId }: { patientId: string }) {
  const timeZone = useClinicTimeZone();
  const encounters = useRecentEncounters(patientId);
  const practiceName = usePracticeOrganization().data?.name;
  return (
    <ChartSection title="Recent encounters" query={encounters} empty="No recent encounters">
      {(list) => (
        <DataTable
          columns={['Date', 'Visit', 'Where', 'Status']}
          nowrap={[0]}
          rows={list.map((e, i) => ({
            key: e.id ?? String(i),
            cells: [
              formatDateTime(e.period?.start, false, timeZone),
              e.type?.map(conceptText).filter(Boolean).join(', ') || e.class.display || '',
              where(e, practiceName),
              <StatusText key="status" status={e.status} />,
            ],
          }))}
        />
      )}
    </ChartSection>
  );
}
