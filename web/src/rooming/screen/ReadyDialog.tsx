import { Button, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../../ui/FieldError';
import { FormErrors } from '../../ui/FormErrors';
import type { ChecklistItemView } from '../types';

/** Confirms "ready for provider" with items open: names them and asks why (sent as `incomplete`). */
export function ReadyDialog({
  open,
  openItems,
  pending,
  error,
  onClose,
  onConfirm,
}: {
  open: boolean;
  openItems: ChecklistItemView[];
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  const close = () => {
    setReason('');
    onClose();
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    onConfirm(reason.trim());
  }
  return (
    <Modal
      opened={open}
      onClose={close}
      title="Ready for provider with items open"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form onSubmit={submit} noValidate aria-label="Ready for provider with items open">
        <Stack gap="sm">
          <Text size="sm">These checklist items are not done:</Text>
          <List size="sm">
            {openItems.map((item) => (
              <List.Item key={item.id}>{item.label}</List.Item>
            ))}
          </List>
          <FormErrors error={error} fields={['incomplete']} />
          <Textarea
            label="Reason"
            description="Why the patient goes to the provider now (kept on the visit)"
            required
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={fieldErrorMessage(error, ['incomplete'])}
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} disabled={reason.trim().length === 0}>
              Send to provider
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
