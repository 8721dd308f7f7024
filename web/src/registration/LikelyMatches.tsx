import { Alert, Anchor, Checkbox, List, Stack, Text } from '@mantine/core';
import { IconUsers } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { LikelyMatch } from './registrationApi';

/**
 * The charts that look like the patient being registered, each with why; registering needs the explicit
 * "this is a new patient" confirmation (the server answers 409 without it).
 */
export function LikelyMatches({
  matches,
  confirmed,
  onConfirm,
}: {
  matches: LikelyMatch[];
  confirmed: boolean;
  onConfirm: (value: boolean) => void;
}) {
  return (
    <section aria-label="Likely matches">
      <Alert
        color="yellow"
        variant="light"
        icon={<IconUsers size={18} aria-hidden />}
        title="This patient may already have a chart"
      >
        <Stack gap="xs">
          <List spacing={4} size="sm">
            {matches.map((m, i) => (
              <List.Item key={m.patient?.id ?? `restricted-${i}`}>
                {m.patient ? (
                  <Anchor component={Link} to={`/patients/${m.patient.id}`} target="_blank" fw={600}>
                    {m.patient.name}
                  </Anchor>
                ) : (
                  <Text span fw={600}>
                    A restricted chart (ask the privacy officer)
                  </Text>
                )}
                {m.patient?.birthDate ? ` · born ${m.patient.birthDate}` : ''}
                {m.patient?.mrn ? ` · MRN ${m.patient.mrn}` : ''}
                <Text span size="sm" c="dimmed">
                  {' '}
                  ({m.confidence === 'high' ? 'likely' : 'possible'}:{' '}
                  {m.reasons.map((r) => r.text).join('; ')})
                </Text>
              </List.Item>
            ))}
          </List>
          <Text size="sm">
            If one of these is this patient, open that chart instead of registering again.
          </Text>
          <Checkbox
            label="I checked: this is a new patient, none of these charts"
            checked={confirmed}
            onChange={(event) => onConfirm(event.currentTarget.checked)}
          />
        </Stack>
      </Alert>
    </section>
  );
}
