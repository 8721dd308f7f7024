import {
  ActionIcon,
  Autocomplete,
  Button,
  Group,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useCallback, useMemo, useState } from 'react';
import { FhirError } from '../../fhir/FhirError';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import type { RoomingPanelProps } from '../types';
import { PanelState } from './PanelState';
import { PharmacyField } from './PharmacyField';
import {
  postReconciliation,
  useDrugSearch,
  useMedicationList,
  useRefreshPatient,
  type MedicationView,
} from './reviewApi';
import {
  itemIndexOf,
  MED_ANSWER_OPTIONS,
  nothingTaken,
  MED_SOURCE_OPTIONS,
  reconcileBody,
  unanswered,
  type AddedMedication,
  type MedSource,
  type RowAnswer,
} from './reviewModel';
import { ReviewedLine } from './ReviewedLine';

const blank = (row: MedicationView): RowAnswer => ({ source: row.source ?? 'patient', dosage: '', note: '' });

/** Server messages about one row (`items[i].field`), keyed by the row's ref or added key. */
function rowErrors(error: unknown, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof FhirError)) return out;
  for (const issue of error.outcome.issue ?? []) {
    for (const expression of issue.expression ?? []) {
      const at = itemIndexOf(expression);
      const key = at ? keys[at.index] : undefined;
      if (key) out[key] = issue.details?.text ?? issue.diagnostics ?? 'Check this row';
    }
  }
  return out;
}

/** Medication reconciliation (taking / not taking / changed, source, reviewed) and preferred pharmacy. */
export function MedicationsPanel({ visit, onSaved }: RoomingPanelProps) {
  const patientId = visit.patient.id;
  const encounterId = visit.encounterId;
  const query = useMedicationList(patientId, encounterId);
  const refresh = useRefreshPatient(patientId);
  const [answers, setAnswers] = useState<Record<string, RowAnswer>>({});
  const [added, setAdded] = useState<AddedMedication[]>([]);
  const [drugText, setDrugText] = useState('');
  const [drugDose, setDrugDose] = useState('');
  const [drugSource, setDrugSource] = useState<MedSource>('patient');
  const [sentKeys, setSentKeys] = useState<string[]>([]);
  const drugs = useDrugSearch(drugText);
  const send = useAction(
    useCallback((body: unknown) => postReconciliation(encounterId, body), [encounterId])
  );

  const afterSave = useCallback(async () => {
    await refresh();
    onSaved?.();
  }, [refresh, onSaved]);
  const rows = query.data?.current ?? [];
  const errors = useMemo(() => rowErrors(send.error, sentKeys), [send.error, sentKeys]);
  const answer = (row: MedicationView): RowAnswer => answers[row.ref] ?? blank(row);
  const setAnswer = (row: MedicationView, patch: Partial<RowAnswer>) =>
    setAnswers((all) => ({ ...all, [row.ref]: { ...(all[row.ref] ?? blank(row)), ...patch } }));

  async function submit(complete: boolean) {
    const { body, keys } = reconcileBody(rows, answers, added, complete);
    setSentKeys(keys);
    const result = await send.run(body);
    if (result.ok) {
      setAnswers({});
      setAdded([]);
      await afterSave();
    }
  }
  function addDrug() {
    const entry = drugs.data?.drugs.find((d) => d.display === drugText);
    if (!drugText.trim()) return;
    setAdded((list) => [
      ...list,
      {
        key: `added-${Date.now()}`,
        rxnorm: entry?.code,
        text: entry?.display ?? drugText.trim(),
        dosage: drugDose,
        source: drugSource,
      },
    ]);
    setDrugText('');
    setDrugDose('');
  }
  const left = unanswered(rows, answers);
  // Completing with nothing taken records "no current medications": the button says so.
  const none = nothingTaken(rows, answers, added);

  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        Medication reconciliation
      </Title>
      <FormErrors
        error={send.error}
        fields={sentKeys.flatMap((_, i) =>
          ['ref', 'status', 'source', 'dosage', 'note', 'drug', 'drug.rxnorm', 'drug.text'].map(
            (f) => `items[${i}].${f}`
          )
        )}
      />
      <PanelState query={query} label="medications">
        {(list) => (
          <Stack gap="xs">
            {list.current.length === 0 && added.length === 0 && (
              <Text size="sm" c="dimmed">
                {list.noMedications
                  ? 'No current medications: the patient said they take none. Ask again and add anything new.'
                  : 'No current medications on file. Ask the patient and add what they take.'}
              </Text>
            )}
            {(list.current.length > 0 || added.length > 0) && (
              <Table withTableBorder verticalSpacing={4} fz="sm" aria-label="Medication list">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Medication</Table.Th>
                    <Table.Th>Answer</Table.Th>
                    <Table.Th>Source</Table.Th>
                    <Table.Th>Dosage now / note</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.current.map((row) => {
                    const a = answer(row);
                    return (
                      <Table.Tr key={row.ref}>
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {row.text}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {row.dosage ?? 'No dosage on file'}
                            {row.kind === 'prescription' ? ' · prescription, not yet reconciled' : ''}
                          </Text>
                          {errors[row.ref] && (
                            <Text size="xs" c="red.9" role="alert">
                              {errors[row.ref]}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Radio.Group
                            aria-label={`Answer for ${row.text}`}
                            value={a.answer ?? null}
                            onChange={(v) => setAnswer(row, { answer: v })}
                          >
                            <Group gap={8} wrap="nowrap">
                              {MED_ANSWER_OPTIONS.map((o) => (
                                <Radio key={o.value} value={o.value} label={o.label} size="xs" />
                              ))}
                            </Group>
                          </Radio.Group>
                        </Table.Td>
                        <Table.Td>
                          <Select
                            aria-label={`Source for ${row.text}`}
                            size="xs"
                            data={MED_SOURCE_OPTIONS}
                            value={a.source}
                            allowDeselect={false}
                            onChange={(v) => setAnswer(row, { source: v ?? 'patient' })}
                            w={150}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            {a.answer === 'changed' && (
                              <TextInput
                                aria-label={`New dosage for ${row.text}`}
                                placeholder="How they take it now"
                                size="xs"
                                value={a.dosage}
                                onChange={(e) => setAnswer(row, { dosage: e.currentTarget.value })}
                              />
                            )}
                            <TextInput
                              aria-label={`Note for ${row.text}`}
                              placeholder="Note"
                              size="xs"
                              value={a.note}
                              onChange={(e) => setAnswer(row, { note: e.currentTarget.value })}
                            />
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                  {added.map((m) => (
                    <Table.Tr key={m.key}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {m.text}
                        </Text>
                        <Text size="xs" c="dimmed">
                          Added{m.rxnorm ? ` · RxNorm ${m.rxnorm}` : ' · not coded'}
                        </Text>
                        {errors[m.key] && (
                          <Text size="xs" c="red.9" role="alert">
                            {errors[m.key]}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>Taking</Table.Td>
                      <Table.Td>{MED_SOURCE_OPTIONS.find((o) => o.value === m.source)?.label}</Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Text size="sm">{m.dosage || '—'}</Text>
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            aria-label={`Remove ${m.text}`}
                            onClick={() => setAdded((l) => l.filter((x) => x.key !== m.key))}
                          >
                            <IconX size={14} aria-hidden />
                          </ActionIcon>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Group align="flex-end" gap="xs" wrap="wrap">
              <Autocomplete
                label="Add medication"
                placeholder="Type 2 letters: RxNorm list"
                data={(drugs.data?.drugs ?? []).map((d) => d.display)}
                value={drugText}
                onChange={setDrugText}
                w={320}
              />
              <TextInput
                label="Dosage"
                value={drugDose}
                onChange={(e) => setDrugDose(e.currentTarget.value)}
                w={180}
              />
              <Select
                label="Source"
                data={MED_SOURCE_OPTIONS}
                value={drugSource}
                allowDeselect={false}
                onChange={(v) => setDrugSource(v ?? 'patient')}
                w={150}
              />
              <Button variant="light" onClick={addDrug} disabled={!drugText.trim()}>
                Add
              </Button>
            </Group>
            <Group justify="space-between" wrap="wrap">
              <Text size="sm" c="dimmed">
                {left.length > 0
                  ? `${left.length} of ${rows.length} still to answer`
                  : 'Every medication answered'}
              </Text>
              <Group gap="xs">
                <Button variant="default" size="xs" loading={send.pending} onClick={() => void submit(false)}>
                  Save progress
                </Button>
              </Group>
            </Group>
            <ReviewedLine
              stamp={list.reviewed}
              label={none ? 'No current medications: reconciliation complete' : 'Reconciliation complete'}
              pending={send.pending}
              onReview={() => void submit(true)}
            />
          </Stack>
        )}
      </PanelState>
      <PharmacyField patientId={patientId} encounterId={encounterId} onSaved={afterSave} />
    </Stack>
  );
}
