import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

/** A screen the signed-in user's role does not open (the server would refuse its requests anyway). */
export function NotAllowedPage() {
  return (
    <Stack gap="xs">
      <Title order={1}>Not available to your role</Title>
      <Text>
        This screen is for practice administrators.{' '}
        <Anchor component={Link} to="/patients">
          Go to Patients
        </Anchor>
      </Text>
    </Stack>
  );
}
