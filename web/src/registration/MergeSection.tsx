import { Button, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSession } from '../auth/authContext';
import { usePractice } from '../fhir/queries';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { mergeCharts, patientByMrn, undoMerge, useMerges } from './deskApi';

/**
 * Merging a duplicate chart into this one (lead MA, practice administrator): the duplicate is named by its
 * MRN; merges of the last 30 days can be undone here.
 */
export function MergeSection({ patientId }: { patientId: string }) {
  const session = useSession();
  const allowed = session.user.roles.some((r) => r === 'lead-ma' || r === 'practice-admin');
  const practice = usePractice();
  const queryClient = useQueryClient();
  const merges = useMerges(patientId);
  const [mrn, setMrn] = useState('');
  const [reason, setReason] = useState('');
  const merge = useAction(async () => {
    const source = await patientByMrn(mrn);
    return mergeCharts({ sourceId: source?.id ?? 'unknown-mrn', targetId: patientId, reason: reason.trim() });
  });
  const undo = useAction(undoMerge);
  if (!allowed) return null;

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['practice', practice] });
  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const result = await merge.run();
    if (result.ok) {
      setMrn('');
      setReason('');
      await refresh();
    }
  }
  const now = new Date().toISOString();
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        Merge a duplicate chart into this one
      </Title>
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Merge a duplicate chart">
        <FormErrors error={merge.error} fields={['sourceId', 'reason']} />
        <Group align="flex-end">
          <TextInput
            label="MRN of the duplicate"
            value={mrn}
            onChange={(e) => setMrn(e.currentTarget.value)}
            error={fieldErrorMessage(merge.error, 'sourceId')}
          />
          <TextInput
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={fieldErrorMessage(merge.error, 'reason')}
            w={320}
          />
          <Button
            type="submit"
            color="orange"
            loading={merge.pending}
            disabled={!mrn.trim() || !reason.trim()}
          >
            Merge into this chart
          </Button>
        </Group>
      </form>
      {(merges.data ?? []).length > 0 && (
        <List size="sm">
          {(merges.data ?? []).map((m) => (
            <List.Item key={m.id}>
              <Text span size="sm">
                {m.targetId === patientId ? 'Merged in' : 'Merged into'} another chart{' '}
                {m.mergedAt.slice(0, 10)} by {m.mergedBy} ({m.reason}); {m.repointed.length} records moved.
                {m.undoneAt ? ` Undone ${m.undoneAt.slice(0, 10)}.` : ''}
              </Text>{' '}
              {!m.undoneAt && m.undoUntil > now && (
                <Button
                  size="compact-xs"
                  variant="default"
                  loading={undo.pending}
                  onClick={() =>
                    void undo.run(m.id).then(async (r) => {
                      if (r.ok) await refresh();
                    })
                  }
                >
                  Undo (until {m.undoUntil.slice(0, 10)})
                </Button>
              )}
            </List.Item>
          ))}
        </List>
      )}
      <FormErrors error={undo.error} fields={[]} />
    </Stack>
  );
}
