import { Badge, List, Stack, Text, Title, Tooltip } from '@mantine/core';
import { PanelState } from '../review/PanelState';
import type { RoomingPanelProps } from '../types';
import { useCareGaps } from './intakeApi';

/** Care gaps for this patient today (rules in docs/rooming/intake.md; each gap's rule on hover). */
export function CareGapsPanel({ visit }: RoomingPanelProps) {
  const query = useCareGaps(visit.patient.id);
  return (
    <Stack gap="xs" component="section" aria-label="Care gaps">
      <Title order={3} size="h5">
        Care gaps
      </Title>
      <PanelState query={query} label="care gaps">
        {(data) =>
          data.gaps.length === 0 ? (
            <Text size="sm" c="dimmed">
              No care gaps due.
            </Text>
          ) : (
            <List size="sm" spacing={4} listStyleType="none" aria-label="Care gaps due">
              {data.gaps.map((gap) => (
                <List.Item key={gap.id}>
                  <Tooltip label={gap.rule} multiline w={320} withArrow>
                    <Badge color="orange" variant="light" c="dark.7" size="sm" mr={6}>
                      {gap.title}
                    </Badge>
                  </Tooltip>
                  <Text span size="sm">
                    {gap.why}
                  </Text>
                </List.Item>
              ))}
            </List>
          )
        }
      </PanelState>
    </Stack>
  );
}
