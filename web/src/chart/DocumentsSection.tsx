import { useClinicTimeZone } from '../app/SiteContext';
import { useDocuments } from '../fhir/queries';
import { conceptText, formatDateTime } from '../patient/display';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';

/** Documents on file (DocumentReference?patient=), newest first. */
export function DocumentsSection({ patientId }: { patientId: string }) {
  const timeZone = useClinicTimeZone();
  const documents = useDocuments(patientId);
  return (
    <ChartSection title="Documents" query={documents} empty="No documents on file">
      {(list) => (
        <DataTable
          columns={['Date', 'Document', 'Description']}
          nowrap={[0]}
          rows={list.map((d, i) => ({
            key: d.id ?? String(i),
            cells: [
              formatDateTime(d.date, false, timeZone),
              conceptText(d.type) || 'Document',
              d.description ?? d.content[0]?.attachment.title ?? '',
            ],
          }))}
        />
      )}
    </ChartSection>
  );
}
