import { Alert, Button, CopyButton, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

/**
 * The ten recovery codes, shown once after MFA enrolment: each lets the user sign in once without their phone.
 * They are never shown again, so the user says they saved them before going on.
 */
export function RecoveryCodesStep({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Stack gap="sm">
      <Text size="sm" fw={650}>
        Two-step sign-in is set up.
      </Text>
      <Alert
        color="yellow"
        variant="light"
        icon={<IconAlertTriangle size={18} aria-hidden />}
        title="Save your recovery codes"
      >
        <Text size="sm">
          If you lose your phone, each of these codes lets you sign in once. Write them down or print them and
          keep them somewhere safe. They will not be shown again.
        </Text>
      </Alert>
      <SimpleGrid
        cols={2}
        spacing={4}
        component="ol"
        aria-label="Recovery codes"
        style={{ margin: 0, paddingLeft: '1.5rem', fontFamily: 'var(--mantine-font-family-monospace)' }}
      >
        {codes.map((code) => (
          <li key={code}>
            <Text span ff="monospace" size="sm">
              {code}
            </Text>
          </li>
        ))}
      </SimpleGrid>
      <Group justify="space-between">
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? 'Codes copied' : 'Copy the codes'}
            </Button>
          )}
        </CopyButton>
        <Button onClick={onDone}>I have saved them</Button>
      </Group>
    </Stack>
  );
}
