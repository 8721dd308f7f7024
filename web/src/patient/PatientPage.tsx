import { Alert, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useParams } from 'react-router';
import { ChartSummary } from '../chart/ChartSummary';
import { FhirError } from '../fhir/FhirError';
import { usePatient } from '../fhir/queries';
import { PageLoader } from '../ui/PageLoader';
import { PatientBanner } from './PatientBanner';

/** `/patients/:id`: the banner, then the chart summary. The URL holds only the opaque id. */
export default function PatientPage() {
  const { id = '' } = useParams();
  const patient = usePatient(id);

  if (patient.isPending) return <PageLoader label="Loading the patient" />;
  if (patient.isError) {
    const gone =
      patient.error instanceof FhirError && (patient.error.status === 404 || patient.error.status === 410);
    return (
      <Alert
        color="red"
        variant="outline"
        icon={<IconAlertTriangle size={18} aria-hidden />}
        title={gone ? 'Patient not found' : 'Could not open the chart'}
        role="alert"
      >
        {gone
          ? 'No patient has this id (it may have been merged or removed). Search again with the box at the top.'
          : patient.error.message}
      </Alert>
    );
  }
  return (
    <Stack gap="md">
      <PatientBanner patient={patient.data} />
      <ChartSummary patientId={id} />
    </Stack>
  );
}
