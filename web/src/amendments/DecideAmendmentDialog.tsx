import { Button, Group, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import type { Task } from '@medplum/fhirtypes';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { keys, usePractice } from '../fhir/queries';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { amendmentsKey, decideAmendment } from './amendmentApi';

/** The fields shown, whose errors show next to them; the rest shows at the top of the form. */
const FIELDS = {
  accepted: ['decision', 'reason', 'amendment', 'amendedResource'],
  denied: ['decision', 'reason'],
} as const;

/**
 * Accepts or denies an amendment request (POST /api/amendments/:id/decision). A reason is always required
 * (for a denial, HIPAA 164.526(d) asks for its basis); an acceptance also needs the amendment text, which
 * the server appends to the data.
 */
export function DecideAmendmentDialog({
  patientId,
  task,
  focusLabel,
  onClose,
}: {
  patientId: string;
  /** The request being decided; the dialog is open while set. */
  task: Task | undefined;
  focusLabel: string;
  onClose: () => void;
}) {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<'accepted' | 'denied'>('accepted');
  const [reason, setReason] = useState('');
  const [amendment, setAmendment] = useState('');
  const action = useAction(decideAmendment);

  function close() {
    setDecision('accepted');
    setReason('');
    setAmendment('');
    action.reset();
    onClose();
  }

  const complete = reason.trim() !== '' && (decision === 'denied' || amendment.trim() !== '');

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!task?.id || !complete) return;
    const result = await action.run(
      task.id,
      decision === 'accepted'
        ? { decision, reason: reason.trim(), amendment: amendment.trim() }
        : { decision, reason: reason.trim() }
    );
    if (!result.ok) return;
    // The decision also changed the data concerned (a note, or the corrected resource): re-read the chart.
    await queryClient.invalidateQueries({ queryKey: amendmentsKey(practice, patientId) });
    void queryClient.invalidateQueries({ queryKey: keys.patient(practice, patientId) });
    close();
  }

  const error = action.error;
  return (
    <Modal opened={task !== undefined} onClose={close} title="Decide the amendment request" size="lg">
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Decide the amendment request">
        <Stack gap="sm">
          <Text size="sm">
            <strong>{focusLabel}</strong>: “{task?.description}” (requested by{' '}
            {task?.requester?.display ?? 'the patient'})
          </Text>
          <FormErrors error={error} fields={FIELDS[decision]} />
          <Radio.Group
            label="Decision"
            required
            value={decision}
            onChange={(value) => setDecision(value === 'denied' ? 'denied' : 'accepted')}
            error={fieldErrorMessage(error, 'decision')}
          >
            <Group mt={4}>
              <Radio value="accepted" label="Accept" />
              <Radio value="denied" label="Deny" />
            </Group>
          </Radio.Group>
          <Textarea
            label="Reason"
            description={
              decision === 'denied'
                ? 'The basis for the denial; the patient is told it and may file a statement of disagreement.'
                : 'Why the change is made.'
            }
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={fieldErrorMessage(error, 'reason')}
          />
          {decision === 'accepted' && (
            <Textarea
              label="Amendment"
              description="The correction, appended to the data concerned."
              required
              autosize
              minRows={2}
              value={amendment}
              onChange={(event) => setAmendment(event.currentTarget.value)}
              error={fieldErrorMessage(error, ['amendment', 'amendedResource'])}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={action.pending} disabled={!complete}>
              {decision === 'accepted' ? 'Accept request' : 'Deny request'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
