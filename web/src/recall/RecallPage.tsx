import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { IconPhoneCall } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { usePractice } from '../fhir/queries';
import { formatDate } from '../patient/display';
import { FieldError } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { logAttempt, recallKey, useRecallList } from './recallApi';
import {
  ATTEMPT_METHODS,
  ATTEMPT_OUTCOMES,
  attemptSummary,
  dueLabel,
  METHOD_LABELS,
  NO_FILTER,
  OUTCOME_LABELS,
  type AttemptMethod,
  type AttemptOutcome,
  type RecallFilter,
  type RecallItem,
} from './recallModel';

const VISIT_TYPES = [
  { value: 'follow-up', label: 'Follow-up' },
  { value: 'new-patient', label: 'New patient' },
  { value: 'nurse-visit', label: 'Nurse visit' },
  { value: 'lab-draw', label: 'Lab draw' },
  { value: 'procedure', label: 'Procedure' },
  { value: 'telehealth', label: 'Telehealth' },
];

/**
 * The recall list (GET /api/recall): patients a provider asked to see again who have nothing booked for
 * it, most overdue first, with the last contact attempt; "Log attempt" records a call, text or letter.
 */
export default function RecallPage() {
  const [filter, setFilter] = useState<RecallFilter>(NO_FILTER);
  const [attemptFor, setAttemptFor] = useState<RecallItem>();
  const list = useRecallList(filter);
  const items = list.data?.items ?? [];
  return (
    <Stack gap="md">
      <Title order={1}>Recall list</Title>
      <Group gap="lg" align="flex-end">
        <Switch
          label="Overdue only"
          checked={filter.overdueOnly}
          onChange={(e) => setFilter({ ...filter, overdueOnly: e.currentTarget.checked })}
        />
        <Select
          label="Visit type"
          placeholder="Any"
          data={VISIT_TYPES}
          value={filter.visitType}
          onChange={(value) => setFilter({ ...filter, visitType: value })}
          clearable
          w={200}
        />
        <Switch
          label="Show closed"
          checked={filter.includeClosed}
          onChange={(e) => setFilter({ ...filter, includeClosed: e.currentTarget.checked })}
        />
      </Group>
      {list.isPending ? (
        <Text role="status">Loading the recall list…</Text>
      ) : list.isError ? (
        <Alert color="red" role="alert">
          The recall list could not be loaded. Try again.
        </Alert>
      ) : items.length === 0 ? (
        <Text c="dimmed">Nobody is due for a recall with these filters.</Text>
      ) : (
        <Table striped highlightOnHover aria-label="Recall list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Patient</Table.Th>
              <Table.Th>Date of birth</Table.Th>
              <Table.Th>Visit</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Contact attempts</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => {
              const due = dueLabel(item, list.data?.today ?? item.dueDate);
              return (
                <Table.Tr key={item.id} data-recall={item.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/patients/${encodeURIComponent(item.patient.id)}`}>
                      {item.patient.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{formatDate(item.patient.birthDate)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{item.visitType.display ?? item.visitType.code}</Text>
                    {item.reason && (
                      <Text size="xs" c="dimmed">
                        {item.reason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDate(item.dueDate)}</Text>
                    <Badge color={due.color} variant="light" c="dark.8" tt="none">
                      {due.text}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{attemptSummary(item)}</Text>
                    {item.lastAttempt?.note && (
                      <Text size="xs" c="dimmed">
                        {item.lastAttempt.note}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      leftSection={<IconPhoneCall size={14} aria-hidden />}
                      onClick={() => setAttemptFor(item)}
                      aria-label={`Log attempt for ${item.patient.name}`}
                    >
                      Log attempt
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <AttemptDialog item={attemptFor} onClose={() => setAttemptFor(undefined)} />
    </Stack>
  );
}

const FIELDS = ['method', 'outcome', 'note', 'id'] as const;

/** Records one contact attempt (POST /api/recall/:id/attempts) and refreshes the list. */
function AttemptDialog({ item, onClose }: { item: RecallItem | undefined; onClose: () => void }) {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const [method, setMethod] = useState<AttemptMethod>('phone');
  const [outcome, setOutcome] = useState<AttemptOutcome | null>(null);
  const [note, setNote] = useState('');
  const save = useAction(logAttempt);
  const close = () => {
    setMethod('phone');
    setOutcome(null);
    setNote('');
    save.reset();
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!item || !outcome) return;
    const result = await save.run(item.id, {
      method,
      outcome,
      ...(note.trim() ? { note: note.trim() } : {}),
    });
    if (result.ok) {
      await queryClient.invalidateQueries({ queryKey: recallKey(practice) });
      close();
    }
  };
  return (
    <Modal
      opened={item !== undefined}
      onClose={close}
      title="Log a contact attempt"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {item && (
        <form onSubmit={(e) => void submit(e)}>
          <Stack gap="sm">
            <Text size="sm">
              {item.patient.name}, born {formatDate(item.patient.birthDate)}:{' '}
              {item.visitType.display ?? item.visitType.code} due {formatDate(item.dueDate)}
            </Text>
            <FormErrors error={save.error} fields={FIELDS} />
            <Select
              label="How"
              data={ATTEMPT_METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] }))}
              value={method}
              onChange={(value) => value && setMethod(value)}
              allowDeselect={false}
              aria-describedby="recall-method-error"
            />
            <FieldError error={save.error} expression="method" id="recall-method-error" />
            <Select
              label="Outcome"
              placeholder="Choose what happened"
              data={ATTEMPT_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] }))}
              value={outcome}
              onChange={(value) => setOutcome(value)}
              required
              aria-describedby="recall-outcome-error"
            />
            <FieldError error={save.error} expression="outcome" id="recall-outcome-error" />
            <Textarea
              label="Note"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              maxLength={1000}
              autosize
              minRows={2}
              aria-describedby="recall-note-error"
            />
            <FieldError error={save.error} expression="note" id="recall-note-error" />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={save.pending} disabled={!outcome}>
                Save attempt
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
