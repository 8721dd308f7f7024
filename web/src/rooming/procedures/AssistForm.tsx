import {
  ActionIcon,
  Button,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../../ui/FieldError';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import type { RoomingVisitView } from '../types';
import { codedOf, emptySupply, suppliesOf, type SupplyRow } from './procedureModel';
import { saveProcedure, useProcedureCatalog, useVisitConsents, type ProcedureRequest } from './proceduresApi';

const FIELDS = [
  'procedure',
  'procedure.code',
  'procedure.text',
  'bodySite',
  'bodySite.code',
  'bodySite.text',
  'bodySite.laterality',
  'note',
  'supplies',
  'consentId',
  'performerId',
];

/** The procedure the provider did with the MA assisting: what, where, supplies used, under which consent. */
export function AssistForm({ visit, onSaved }: { visit: RoomingVisitView; onSaved?: () => void }) {
  const catalog = useProcedureCatalog();
  const consents = useVisitConsents(visit.encounterId);
  const [choice, setChoice] = useState<string | null>(null);
  const [otherText, setOtherText] = useState('');
  const [site, setSite] = useState<string | null>(null);
  const [siteText, setSiteText] = useState('');
  const [laterality, setLaterality] = useState<string | null>(null);
  const [consentId, setConsentId] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [supplies, setSupplies] = useState<SupplyRow[]>([emptySupply()]);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction((body: ProcedureRequest) => saveProcedure(visit.encounterId, body));
  const e = (field: string) => fieldErrorMessage(action.error, field);

  const setSupply = (i: number, patch: Partial<SupplyRow>) =>
    setSupplies((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const bodySite =
      site || siteText.trim()
        ? { ...codedOf(site, siteText), ...(laterality ? { laterality } : {}) }
        : undefined;
    const result = await action.run({
      procedure: codedOf(choice, otherText),
      ...(bodySite ? { bodySite } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
      supplies: suppliesOf(supplies),
      ...(consentId ? { consentId } : {}),
    });
    if (result.ok) {
      setDone(result.value.procedure.code?.text ?? 'Procedure');
      setNote('');
      setSupplies([emptySupply()]);
      onSaved?.();
    }
  }

  const permitted = (consents.data ?? []).filter((c) => c.decision === 'consent');
  return (
    <form aria-label="Procedure assistance" noValidate onSubmit={(ev) => void onSubmit(ev)}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          Procedure assistance
        </Title>
        <FormErrors error={action.error} fields={FIELDS} />
        {done && (
          <Text role="status" c="teal.9" size="sm">
            {done} recorded, you as assistant.
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Procedure done"
            data={[
              ...(catalog.data?.procedures ?? []).map((p) => ({ value: p.code, label: p.display })),
              { value: 'other', label: 'Other (type it)' },
            ]}
            value={choice}
            onChange={setChoice}
            searchable
            required
            error={e('procedure') ?? e('procedure.code')}
          />
          {choice === 'other' && (
            <TextInput
              label="Procedure done (other)"
              value={otherText}
              onChange={(ev) => setOtherText(ev.currentTarget.value)}
              error={e('procedure.text')}
            />
          )}
          <Select
            label="Under consent"
            placeholder={permitted.length ? 'Choose' : 'No signed consent yet'}
            data={permitted.map((c) => ({ value: c.id, label: c.procedure }))}
            value={consentId}
            onChange={setConsentId}
            clearable
            error={e('consentId')}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Procedure site"
            data={[
              ...(catalog.data?.bodySites ?? []).map((s) => ({ value: s.code, label: s.display })),
              { value: 'other', label: 'Other (type it)' },
            ]}
            value={site}
            onChange={setSite}
            clearable
            error={e('bodySite') ?? e('bodySite.code')}
          />
          {site === 'other' && (
            <TextInput
              label="Procedure site (other)"
              value={siteText}
              onChange={(ev) => setSiteText(ev.currentTarget.value)}
              error={e('bodySite.text')}
            />
          )}
          <Select
            label="Side"
            data={(catalog.data?.lateralities ?? []).map((l) => ({
              value: l,
              label: l[0].toUpperCase() + l.slice(1),
            }))}
            value={laterality}
            onChange={setLaterality}
            clearable
            error={e('bodySite.laterality')}
          />
        </SimpleGrid>
        <Table aria-label="Supplies used" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Supply used</Table.Th>
              <Table.Th w={100}>Quantity</Table.Th>
              <Table.Th w={100}>Unit</Table.Th>
              <Table.Th w={40} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {supplies.map((row, i) => (
              <Table.Tr key={i}>
                <Table.Td>
                  <TextInput
                    aria-label={`Supply ${i + 1}`}
                    value={row.text}
                    onChange={(ev) => setSupply(i, { text: ev.currentTarget.value })}
                    error={e(`supplies[${i}].text`)}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`Quantity of supply ${i + 1}`}
                    inputMode="decimal"
                    value={row.quantity}
                    onChange={(ev) => setSupply(i, { quantity: ev.currentTarget.value })}
                    error={e(`supplies[${i}].quantity`)}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`Unit of supply ${i + 1}`}
                    placeholder="each"
                    value={row.unit}
                    onChange={(ev) => setSupply(i, { unit: ev.currentTarget.value })}
                    error={e(`supplies[${i}].unit`)}
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    aria-label={`Remove supply ${i + 1}`}
                    onClick={() =>
                      setSupplies((rows) =>
                        rows.length > 1 ? rows.filter((_, j) => j !== i) : [emptySupply()]
                      )
                    }
                  >
                    <IconTrash size={16} aria-hidden />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group>
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconPlus size={14} aria-hidden />}
            onClick={() => setSupplies((rows) => [...rows, emptySupply()])}
          >
            Add supply
          </Button>
        </Group>
        <Textarea
          label="Procedure note"
          autosize
          minRows={2}
          value={note}
          onChange={(ev) => setNote(ev.currentTarget.value)}
          error={e('note')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={action.pending}>
            Save procedure
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
