import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Stack gap="xs">
      <Title order={1}>Page not found</Title>
      <Text>
        This address does not match a screen.{' '}
        <Anchor component={Link} to="/patients">
          Go to Patients
        </Anchor>
      </Text>
    </Stack>
  );
}
