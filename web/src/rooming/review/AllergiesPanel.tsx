import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import type { RoomingPanelProps } from '../types';
import { AddAllergyDialog } from './AddAllergyDialog';
import { PanelState } from './PanelState';
import { postAllergy, postReviewed, useAllergyList, useRefreshPatient, type AllergyView } from './reviewApi';
import { ReviewedLine } from './ReviewedLine';
import { allergiesAnswered, reviewedText } from './reviewModel';

const CATEGORY: Record<string, string> = {
  medication: 'Drug',
  food: 'Food',
  environment: 'Environment',
  biologic: 'Biologic',
};

function reactionText(a: AllergyView): string {
  return a.reactions.map((r) => (r.severity ? `${r.text} (${r.severity})` : r.text)).join(', ') || '—';
}

/** Allergies (coded, NKDA, reviewed today): the list, add, NKDA, inactive / entered in error, the stamp. */
export function AllergiesPanel({ visit, onSaved }: RoomingPanelProps) {
  const patientId = visit.patient.id;
  const encounterId = visit.encounterId;
  const query = useAllergyList(patientId, encounterId);
  const refresh = useRefreshPatient(patientId);
  const [adding, setAdding] = useState(false);

  const afterSave = useCallback(async () => {
    await refresh();
    onSaved?.();
  }, [refresh, onSaved]);
  const send = useAction(useCallback((body: unknown) => postAllergy(encounterId, body), [encounterId]));
  const review = useAction(useCallback(() => postReviewed(encounterId, 'allergies'), [encounterId]));
  const save = async (body: unknown): Promise<boolean> => {
    const result = await send.run(body);
    // A refused change may be one made from an old copy (409 on version): show the list as it is now.
    if (result.ok) await afterSave();
    else await refresh();
    return result.ok;
  };
  // Nothing a provider can rely on yet: NKDA is offered where "Mark allergies reviewed" would be.
  const answered = query.data ? allergiesAnswered(query.data) : true;

  return (
    <Stack gap="xs">
      <Group justify="flex-end" wrap="wrap">
        <Group gap="xs">
          <Button size="xs" variant="light" onClick={() => setAdding(true)}>
            Add allergy
          </Button>
          {answered && (
            <Button
              size="xs"
              variant="default"
              loading={send.pending}
              onClick={() => void save({ action: 'nkda' })}
            >
              No known drug allergies
            </Button>
          )}
        </Group>
      </Group>
      {!adding && <FormErrors error={send.error} fields={[]} />}
      <FormErrors error={review.error} fields={[]} />
      <PanelState query={query} label="allergies">
        {(list) => (
          <Stack gap="xs">
            {list.nkda && (
              <Badge color="green" variant="light" c="dark.7" w="fit-content">
                No known drug allergies
              </Badge>
            )}
            {list.allergies.some((a) => !a.nkda) && (
              <Table striped withTableBorder verticalSpacing={4} fz="sm" aria-label="Allergy list">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Substance</Table.Th>
                    <Table.Th>Category</Table.Th>
                    <Table.Th>Reaction</Table.Th>
                    <Table.Th>Criticality</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>
                      <span className="visually-hidden">Actions</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.allergies
                    .filter((a) => !a.nkda)
                    .map((a) => (
                      <Table.Tr key={a.id}>
                        <Table.Td fw={a.criticality === 'high' ? 700 : undefined}>{a.text}</Table.Td>
                        <Table.Td>{a.category.map((c) => CATEGORY[c] ?? c).join(', ')}</Table.Td>
                        <Table.Td>{reactionText(a)}</Table.Td>
                        <Table.Td>
                          {a.criticality === 'high' ? (
                            <Badge color="red" variant="light">
                              High
                            </Badge>
                          ) : (
                            (a.criticality ?? '—')
                          )}
                        </Table.Td>
                        <Table.Td>{a.clinicalStatus ?? 'active'}</Table.Td>
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            {a.clinicalStatus !== 'inactive' && (
                              <Button
                                size="compact-xs"
                                variant="subtle"
                                aria-label={`Mark ${a.text} inactive`}
                                onClick={() =>
                                  void save({
                                    action: 'update',
                                    id: a.id,
                                    version: a.versionId,
                                    clinicalStatus: 'inactive',
                                  })
                                }
                              >
                                Inactive
                              </Button>
                            )}
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              color="red"
                              aria-label={`Mark ${a.text} entered in error`}
                              onClick={() =>
                                void save({ action: 'entered-in-error', id: a.id, version: a.versionId })
                              }
                            >
                              Entered in error
                            </Button>
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            )}
            {allergiesAnswered(list) ? (
              <ReviewedLine
                stamp={list.reviewed}
                label="Mark allergies reviewed"
                pending={review.pending}
                onReview={() =>
                  void review.run().then((r) => {
                    if (r.ok) return afterSave();
                  })
                }
              />
            ) : (
              <Group gap="sm" justify="space-between" wrap="wrap">
                <Stack gap={0}>
                  <Text size="sm" fw={600}>
                    {list.empty ? 'No allergies recorded.' : 'No active allergy recorded.'} Ask the patient:
                    add an allergy, or record no known drug allergies.
                  </Text>
                  <Text size="xs" c="dimmed" role="status">
                    {reviewedText(list.reviewed, new Date())}
                  </Text>
                </Stack>
                <Button size="xs" loading={send.pending} onClick={() => void save({ action: 'nkda' })}>
                  No known drug allergies
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </PanelState>
      <AddAllergyDialog
        opened={adding}
        pending={send.pending}
        error={adding ? send.error : undefined}
        onClose={() => {
          setAdding(false);
          send.reset();
        }}
        onSave={save}
      />
    </Stack>
  );
}
