import { Badge, Group, List, Stack, Text } from '@mantine/core';
import { useCallback } from 'react';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import type { RoomingPanelProps } from '../types';
import { PanelState } from './PanelState';
import { postReviewed, useProblemList, useRefreshPatient } from './reviewApi';
import { ReviewedLine } from './ReviewedLine';

const ACTIVE = ['active', 'recurrence', 'relapse'];

/** Problem list (read for the MA; reviewed stamp). */
export function ProblemsPanel({ visit, onSaved }: RoomingPanelProps) {
  const patientId = visit.patient.id;
  const query = useProblemList(patientId, visit.encounterId);
  const refresh = useRefreshPatient(patientId);
  const review = useAction(
    useCallback(() => postReviewed(visit.encounterId, 'problems'), [visit.encounterId])
  );

  return (
    <Stack gap="xs">
      <FormErrors error={review.error} fields={[]} />
      <PanelState query={query} label="problem list">
        {(list) => (
          <Stack gap="xs">
            {list.problems.length === 0 ? (
              <Text size="sm" c="dimmed">
                No problems on the list.
              </Text>
            ) : (
              <List size="sm" spacing={2} listStyleType="none" aria-label="Problems">
                {list.problems.map((p) => {
                  const active = ACTIVE.includes(p.clinicalStatus ?? '');
                  return (
                    <List.Item key={p.id}>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={active ? 600 : undefined} c={active ? undefined : 'dimmed'}>
                          {p.text}
                        </Text>
                        {!active && (
                          <Badge size="xs" color="gray" variant="light">
                            {p.clinicalStatus ?? 'inactive'}
                          </Badge>
                        )}
                        {p.onset && (
                          <Text size="xs" c="dimmed">
                            since {p.onset.slice(0, 10)}
                          </Text>
                        )}
                      </Group>
                    </List.Item>
                  );
                })}
              </List>
            )}
            <ReviewedLine
              stamp={list.reviewed}
              label="Mark problem list reviewed"
              pending={review.pending}
              onReview={() =>
                void review.run().then(async (r) => {
                  if (r.ok) {
                    await refresh();
                    onSaved?.();
                  }
                })
              }
            />
          </Stack>
        )}
      </PanelState>
    </Stack>
  );
}
