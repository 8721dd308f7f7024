import { Group, Text } from '@mantine/core';
import { IconStethoscope } from '@tabler/icons-react';
import { usePracticeOrganization } from '../fhir/queries';
import { PatientSearch } from '../search/PatientSearch';
import { SiteSelect } from './SiteSelect';
import { UserSlot } from './UserSlot';

/** The top bar: practice and site, patient search (from anywhere), the signed-in user. */
export function AppHeader() {
  const organization = usePracticeOrganization();
  const practiceName = organization.data?.name;
  return (
    <Group h="100%" px="md" gap="md" wrap="nowrap" justify="space-between">
      <Group gap="sm" wrap="nowrap" miw={0}>
        <IconStethoscope size={22} aria-hidden stroke={1.75} color="var(--mantine-color-indigo-8)" />
        <Text fw={650} size="sm" truncate="end" maw={220} title={practiceName}>
          {practiceName ?? 'medassist'}
        </Text>
        <SiteSelect practiceName={practiceName} />
      </Group>
      <PatientSearch />
      <UserSlot />
    </Group>
  );
}
