import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import type { FlowRow, FollowUpRequest } from './flowApi';

/** When the provider wants to see the patient again, in the words a clinic uses. */
const RETURN_IN: { value: string; label: string; days: number }[] = [
  { value: '7', label: 'Return in 1 week', days: 7 },
  { value: '14', label: 'Return in 2 weeks', days: 14 },
  { value: '30', label: 'Return in 1 month', days: 30 },
  { value: '90', label: 'Return in 3 months', days: 90 },
  { value: '182', label: 'Return in 6 months', days: 182 },
  { value: '365', label: 'Return in 1 year', days: 365 },
];

/** The visit types a follow-up may be (docs/front-desk-api.md, Scheduling). */
const VISIT_TYPES = [
  { value: 'follow-up', label: 'Follow-up' },
  { value: 'nurse-visit', label: 'Nurse visit' },
  { value: 'lab-draw', label: 'Lab draw' },
  { value: 'procedure', label: 'Procedure' },
  { value: 'telehealth', label: 'Telehealth' },
];

const NONE = 'none';

/**
 * The provider is done: the visit moves to "ready for check-out", with the follow-up they ask for (if any),
 * which check-out then offers to book (POST /api/flow/encounters/:id/status with `followUp`).
 */
export function ReadyForCheckOutDialog({
  row,
  pending,
  error,
  onClose,
  onSubmit,
}: {
  row: FlowRow | undefined;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onSubmit: (row: FlowRow, followUp: FollowUpRequest | undefined) => void;
}) {
  const [returnIn, setReturnIn] = useState<string>(NONE);
  const [visitType, setVisitType] = useState<string>('follow-up');
  const close = () => {
    setReturnIn(NONE);
    setVisitType('follow-up');
    onClose();
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!row) return;
    const choice = RETURN_IN.find((r) => r.value === returnIn);
    onSubmit(row, choice ? { visitType, withinDays: choice.days, text: choice.label } : undefined);
  }
  return (
    <Modal
      opened={row !== undefined}
      onClose={close}
      title="Ready for check-out"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form onSubmit={submit} noValidate aria-label="Ready for check-out">
        <Stack gap="sm">
          <Text size="sm">
            <strong>{row?.patient?.name ?? 'Restricted chart'}</strong>, {row?.visitType.display}
          </Text>
          <FormErrors error={error} fields={['followUp']} />
          <Select
            label="Follow-up"
            data={[{ value: NONE, label: 'No follow-up' }, ...RETURN_IN]}
            value={returnIn}
            onChange={(value) => setReturnIn(value ?? NONE)}
            allowDeselect={false}
            error={fieldErrorMessage(error, ['followUp', 'followUp.withinDays', 'followUp.text'])}
          />
          {returnIn !== NONE && (
            <Select
              label="Follow-up visit type"
              data={VISIT_TYPES}
              value={visitType}
              onChange={(value) => setVisitType(value ?? 'follow-up')}
              allowDeselect={false}
              error={fieldErrorMessage(error, 'followUp.visitType')}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              Ready for check-out
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
