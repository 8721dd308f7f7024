import { Alert, Stack } from '@mantine/core';
import { IconAlertTriangle, IconLockOpen } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useClinicTimeZone } from '../app/SiteContext';
import type { EmergencyGrant } from '../auth/authApi';
import { useSession } from '../auth/authContext';
import { abilities } from '../auth/session';
import { AmendmentsSection } from '../amendments/AmendmentsSection';
import { ChartSummary } from '../chart/ChartSummary';
import { DeskSection } from '../registration/DeskSection';
import { FhirError } from '../fhir/FhirError';
import { keys, usePatient, usePractice } from '../fhir/queries';
import { PageLoader } from '../ui/PageLoader';
import { AccessHistory } from './AccessHistory';
import { formatDateTime } from './display';
import { isRestrictedChart } from './emergencyAccess';
import { PatientBanner } from './PatientBanner';
import { RestrictedChart } from './RestrictedChart';

/**
 * `/patients/:id`: the banner, then the chart summary, and, for the privacy officer and practice
 * administrators, the chart's access history. The URL holds only the opaque id. A restricted chart asks for
 * emergency access first (users who may not break the glass are told the patient is not found).
 */
export default function PatientPage() {
  const { id = '' } = useParams();
  const patient = usePatient(id);
  const can = abilities(useSession());
  const practice = usePractice();
  const queryClient = useQueryClient();
  const timeZone = useClinicTimeZone();
  const [grant, setGrant] = useState<EmergencyGrant>();

  if (patient.isPending) return <PageLoader label="Loading the patient" />;
  if (patient.isError) {
    if (isRestrictedChart(patient.error)) {
      return (
        <Stack gap="md">
          <RestrictedChart
            key={id}
            patientId={id}
            onGranted={(granted) => {
              setGrant(granted);
              void queryClient.refetchQueries({ queryKey: keys.patient(practice, id), exact: true });
            }}
          />
          {can.accessHistory && <AccessHistory patientId={id} />}
        </Stack>
      );
    }
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
      {grant?.patientId === id && (
        <Alert
          color="red"
          variant="light"
          icon={<IconLockOpen size={18} aria-hidden />}
          title="Emergency access"
        >
          You opened this restricted chart with emergency access until{' '}
          {formatDateTime(grant.expiresAt, true, timeZone)}. Everything you view is recorded.
        </Alert>
      )}
      <PatientBanner patient={patient.data} />
      <ChartSummary patientId={id} />
      <DeskSection patientId={id} />
      <AmendmentsSection patientId={id} />
      {can.accessHistory && <AccessHistory patientId={id} />}
    </Stack>
  );
}
