import { Group, Kbd, Stack, Text, Title } from '@mantine/core';
import { TodaysAppointments } from './TodaysAppointments';

/** The Patients screen: how to find a patient, and today's schedule at the chosen site. */
export function PatientsHome() {
  return (
    <Stack gap="md" maw={1100}>
      <Stack gap={4}>
        <Title order={1}>Patients</Title>
        <Group gap={6}>
          <Text size="sm">
            Find a patient with the search at the top (press <Kbd size="xs">/</Kbd> or{' '}
            <Kbd size="xs">Ctrl K</Kbd>): name as “first last” or “last, first”, date of birth (03/04/1961),
            MRN or phone number.
          </Text>
        </Group>
      </Stack>
      <TodaysAppointments />
    </Stack>
  );
}
