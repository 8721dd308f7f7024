import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { usePatient } from '../../fhir/queries';
import { formatDate, patientName } from '../../patient/display';
import { TrendsPanel } from './TrendsPanel';

/** A patient's vitals history and growth charts (/patients/:id/vitals). */
export default function VitalsTrendsPage() {
  const { id = '' } = useParams();
  const patient = usePatient(id);
  const name = patient.data ? patientName(patient.data) : '';
  return (
    <Stack gap="sm" p="sm">
      <Anchor component={Link} to={`/patients/${encodeURIComponent(id)}`} size="sm">
        <IconArrowLeft size={14} aria-hidden /> Back to the chart
      </Anchor>
      <div>
        <Title order={1}>Vitals history and growth</Title>
        {patient.data && (
          <Text size="sm" c="dimmed">
            {name}
            {patient.data.birthDate ? `, born ${formatDate(patient.data.birthDate)}` : ''}
          </Text>
        )}
      </div>
      <Paper p="sm">
        <TrendsPanel
          visit={{
            encounterId: '',
            patient: {
              id,
              name,
              birthDate: patient.data?.birthDate,
              gender: patient.data?.gender,
            },
            visitType: { code: '', display: '' },
            flowStatus: '',
          }}
        />
      </Paper>
    </Stack>
  );
}
