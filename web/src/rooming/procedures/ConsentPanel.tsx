import {
  Alert,
  Anchor,
  Button,
  Group,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconPrinter } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePractice } from '../../fhir/queries';
import { SignaturePad } from '../../registration/SignaturePad';
import { fieldErrorMessage } from '../../ui/FieldError';
import { FormErrors } from '../../ui/FormErrors';
import { Tag } from '../../ui/Tag';
import { useAction } from '../../ui/useAction';
import type { RoomingPanelProps } from '../types';
import { codedOf, whenWords } from './procedureModel';
import {
  consentsKey,
  saveConsent,
  useProcedureCatalog,
  useVisitConsents,
  type ConsentRequest,
} from './proceduresApi';
import { useClinicTimeZone } from '../../app/SiteContext';

/** Every field the server may name; the rest of its messages show at the top of the form. */
const FIELDS = [
  'procedure',
  'procedure.code',
  'procedure.text',
  'explanation.risks',
  'explanation.benefits',
  'explanation.alternatives',
  'decision',
  'signedBy.name',
  'signedBy.relationship',
  'signature',
  'witness.name',
  'witness.signature',
  'explainedBy',
];

function openPdf(url: string) {
  window.open(url, '_blank', 'noopener');
}

/**
 * Informed consent for a procedure: what, what was explained (risks, benefits, alternatives), the patient's
 * (or representative's) and the witness's signatures, consent or refusal, then "Print consent".
 */
export function ConsentPanel({ visit, onSaved }: RoomingPanelProps) {
  const timeZone = useClinicTimeZone();
  const practice = usePractice();
  const queryClient = useQueryClient();
  const catalog = useProcedureCatalog();
  const consents = useVisitConsents(visit.encounterId);
  const [choice, setChoice] = useState<string | null>(null);
  const [otherText, setOtherText] = useState('');
  const [risks, setRisks] = useState('');
  const [benefits, setBenefits] = useState('');
  const [alternatives, setAlternatives] = useState('');
  const [signer, setSigner] = useState<'patient' | 'representative'>('patient');
  const [repName, setRepName] = useState('');
  const [repRelationship, setRepRelationship] = useState('');
  const [signature, setSignature] = useState<string | null>(null);
  const [witnessName, setWitnessName] = useState('');
  const [witnessSignature, setWitnessSignature] = useState<string | null>(null);
  const [padKey, setPadKey] = useState(0);
  const [saved, setSaved] = useState<{ pdfUrl: string; decision: 'consent' | 'refuse' } | null>(null);
  const action = useAction((body: ConsentRequest) => saveConsent(visit.encounterId, body));
  const e = (field: string) => fieldErrorMessage(action.error, field);

  async function submit(decision: 'consent' | 'refuse') {
    if (!signature || !witnessSignature) return;
    const result = await action.run({
      procedure: codedOf(choice, otherText),
      explanation: { risks, benefits, alternatives },
      decision,
      signedBy:
        signer === 'patient'
          ? { kind: 'patient' }
          : { kind: 'representative', name: repName.trim(), relationship: repRelationship.trim() },
      signature,
      witness: { name: witnessName.trim(), signature: witnessSignature },
    });
    if (result.ok) {
      setSaved({ pdfUrl: result.value.pdfUrl, decision });
      setSignature(null);
      setWitnessSignature(null);
      setPadKey((k) => k + 1);
      await queryClient.invalidateQueries({ queryKey: consentsKey(practice, visit.encounterId) });
      onSaved?.();
    }
  }

  const options = [
    ...(catalog.data?.procedures ?? []).map((p) => ({ value: p.code, label: p.display })),
    { value: 'other', label: 'Other (type it)' },
  ];
  const ready = !!signature && !!witnessSignature;

  return (
    <Stack gap="sm">
      {consents.data && consents.data.length > 0 && (
        <Table withTableBorder striped aria-label="Consents for this visit">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Procedure</Table.Th>
              <Table.Th>Decision</Table.Th>
              <Table.Th>Signed by</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {consents.data.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{c.procedure}</Table.Td>
                <Table.Td>
                  <Tag tone={c.decision === 'refuse' ? 'danger' : 'info'}>
                    {c.decision === 'refuse' ? 'Refused' : 'Consented'}
                  </Tag>
                </Table.Td>
                <Table.Td>{c.signedBy}</Table.Td>
                <Table.Td>{whenWords(c.signedAt, timeZone)}</Table.Td>
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    aria-label={`Print ${c.decision === 'refuse' ? 'refusal' : 'consent'}: ${c.procedure}`}
                    onClick={() => openPdf(c.pdfUrl)}
                  >
                    Print
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {saved && (
        <Alert
          color={saved.decision === 'refuse' ? 'red' : 'green'}
          title={
            // Dark text on the tint: the alert's own title colour is too light on green (axe color-contrast).
            <Text span fw={700} c="dark.9">
              {saved.decision === 'refuse' ? 'Refusal recorded' : 'Consent recorded'}
            </Text>
          }
        >
          <Button
            leftSection={<IconPrinter size={16} />}
            variant="light"
            onClick={() => openPdf(saved.pdfUrl)}
          >
            Print consent
          </Button>
        </Alert>
      )}
      <form
        aria-label="Procedure consent"
        noValidate
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void submit('consent');
        }}
      >
        <Stack gap="sm">
          <FormErrors error={action.error} fields={FIELDS} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Procedure"
              placeholder="Choose"
              data={options}
              value={choice}
              onChange={setChoice}
              searchable
              required
              error={e('procedure') ?? e('procedure.code')}
            />
            {choice === 'other' && (
              <TextInput
                label="Procedure (other)"
                value={otherText}
                onChange={(ev) => setOtherText(ev.currentTarget.value)}
                required
                error={e('procedure.text')}
              />
            )}
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            Explained by {visit.provider?.name ?? 'the visit provider'}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Textarea
              label="Risks explained"
              autosize
              minRows={2}
              value={risks}
              onChange={(ev) => setRisks(ev.currentTarget.value)}
              required
              error={e('explanation.risks')}
            />
            <Textarea
              label="Benefits explained"
              autosize
              minRows={2}
              value={benefits}
              onChange={(ev) => setBenefits(ev.currentTarget.value)}
              required
              error={e('explanation.benefits')}
            />
            <Textarea
              label="Alternatives explained"
              autosize
              minRows={2}
              value={alternatives}
              onChange={(ev) => setAlternatives(ev.currentTarget.value)}
              required
              error={e('explanation.alternatives')}
            />
          </SimpleGrid>
          <Radio.Group label="Signed by" value={signer} onChange={(v) => setSigner(v)}>
            <Group mt={4}>
              <Radio value="patient" label="The patient" />
              <Radio value="representative" label="A representative" />
            </Group>
          </Radio.Group>
          {signer === 'representative' && (
            <SimpleGrid cols={2}>
              <TextInput
                label="Representative's name"
                required
                value={repName}
                onChange={(ev) => setRepName(ev.currentTarget.value)}
                error={e('signedBy.name')}
              />
              <TextInput
                label="Relationship to the patient"
                required
                value={repRelationship}
                onChange={(ev) => setRepRelationship(ev.currentTarget.value)}
                error={e('signedBy.relationship')}
              />
            </SimpleGrid>
          )}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Stack gap={4}>
              <SignaturePad
                key={`s-${padKey}`}
                label={signer === 'patient' ? "Patient's signature" : "Representative's signature"}
                onChange={setSignature}
              />
              {e('signature') && (
                <Text role="alert" c="red.9" size="sm">
                  {e('signature')}
                </Text>
              )}
            </Stack>
            <Stack gap={4}>
              <TextInput
                label="Witness name"
                required
                value={witnessName}
                onChange={(ev) => setWitnessName(ev.currentTarget.value)}
                error={e('witness.name')}
              />
              <SignaturePad key={`w-${padKey}`} label="Witness signature" onChange={setWitnessSignature} />
              {e('witness.signature') && (
                <Text role="alert" c="red.9" size="sm">
                  {e('witness.signature')}
                </Text>
              )}
            </Stack>
          </SimpleGrid>
          <Group justify="flex-end">
            <Button
              type="button"
              color="red"
              variant="outline"
              disabled={!ready}
              loading={action.pending}
              onClick={() => void submit('refuse')}
            >
              Record refusal
            </Button>
            <Button type="submit" disabled={!ready} loading={action.pending}>
              Record consent
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
