import { Button, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePractice } from '../fhir/queries';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { amendmentsKey, requestAmendment } from './amendmentApi';
import type { FocusOption } from './focusOptions';

const FIELDS = ['patientId', 'focus', 'requestedChange', 'requestedBy'] as const;
const DEFAULT_REQUESTER = 'the patient';

/**
 * Records a patient's request to amend their data (POST /api/amendments): which data, the change asked for,
 * and who asked. The server's OperationOutcome shows next to the field its `issue.expression` names.
 */
export function RecordAmendmentDialog({
  patientId,
  options,
  opened,
  onClose,
}: {
  patientId: string;
  options: FocusOption[];
  opened: boolean;
  onClose: () => void;
}) {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const [focus, setFocus] = useState<string | null>(null);
  const [change, setChange] = useState('');
  const [requestedBy, setRequestedBy] = useState(DEFAULT_REQUESTER);
  const action = useAction(requestAmendment);

  function close() {
    setFocus(null);
    setChange('');
    setRequestedBy(DEFAULT_REQUESTER);
    action.reset();
    onClose();
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!focus || !change.trim()) return;
    const result = await action.run({
      patientId,
      focus,
      requestedChange: change.trim(),
      requestedBy: requestedBy.trim() || undefined,
    });
    if (!result.ok) return;
    await queryClient.invalidateQueries({ queryKey: amendmentsKey(practice, patientId) });
    close();
  }

  const error = action.error;
  return (
    <Modal opened={opened} onClose={close} title="Record an amendment request" size="lg">
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Record an amendment request">
        <Stack gap="sm">
          <FormErrors error={error} fields={FIELDS} />
          <Select
            label="Data concerned"
            placeholder="Pick the data the patient wants corrected"
            required
            data-autofocus
            data={options}
            value={focus}
            onChange={setFocus}
            searchable
            nothingFoundMessage="Nothing matches"
            error={fieldErrorMessage(error, 'focus')}
          />
          <Textarea
            label="Requested change"
            description="What the patient asks to change, in their words."
            required
            autosize
            minRows={3}
            value={change}
            onChange={(event) => setChange(event.currentTarget.value)}
            error={fieldErrorMessage(error, 'requestedChange')}
          />
          <TextInput
            label="Requested by"
            description="The patient, or their representative."
            autoComplete="off"
            value={requestedBy}
            onChange={(event) => setRequestedBy(event.currentTarget.value)}
            error={fieldErrorMessage(error, 'requestedBy')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={action.pending} disabled={!focus || !change.trim()}>
              Record request
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
