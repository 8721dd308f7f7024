import { NavLink, Stack } from '@mantine/core';
import { IconFileText, IconUsers } from '@tabler/icons-react';
import { Link, useLocation, useMatch } from 'react-router';
import { usePatient } from '../fhir/queries';
import { patientNameFamilyFirst } from '../patient/display';

/** Only areas that work: patient search/home, and the open patient's chart. */
export function AppNav() {
  const location = useLocation();
  const chart = useMatch('/patients/:id');
  return (
    <Stack gap={2}>
      <NavLink
        component={Link}
        to="/patients"
        label="Patients"
        leftSection={<IconUsers size={18} aria-hidden />}
        active={location.pathname === '/patients'}
        aria-current={location.pathname === '/patients' ? 'page' : undefined}
      />
      {chart?.params.id && <ChartLink id={chart.params.id} />}
    </Stack>
  );
}

function ChartLink({ id }: { id: string }) {
  const patient = usePatient(id);
  const name = patient.data ? patientNameFamilyFirst(patient.data) : 'Patient';
  return (
    <NavLink
      component={Link}
      to={`/patients/${encodeURIComponent(id)}`}
      label="Chart"
      description={name}
      leftSection={<IconFileText size={18} aria-hidden />}
      active
      aria-current="page"
      styles={{ description: { color: 'var(--mantine-color-indigo-9)', opacity: 1 } }}
    />
  );
}
