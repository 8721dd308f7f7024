import { Button, Group, Radio, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import {
  localToday,
  recordConsent,
  type ConsentForm as ConsentBody,
  type ConsentType,
} from './registrationApi';
import { SignaturePad } from './SignaturePad';

const FIELDS = ['type', 'signedBy', 'signature', 'date', 'expires'];

/** One consent signed on the screen, by the patient or a representative (name and relationship). */
export function ConsentForm({
  patientId,
  type,
  label,
  onSaved,
}: {
  patientId: string;
  type: ConsentType;
  label: string;
  onSaved: () => void;
}) {
  const [signer, setSigner] = useState<'patient' | 'representative'>('patient');
  const [name, setName] = useState('');
  const [relationship, setRelationship] = useState('');
  const [signature, setSignature] = useState<string | null>(null);
  const action = useAction(recordConsent);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!signature) return;
    const body: ConsentBody = {
      patientId,
      type,
      date: localToday(),
      signedBy:
        signer === 'patient'
          ? { kind: 'patient' }
          : { kind: 'representative', name: name.trim(), relationship: relationship.trim() },
      signature: { contentType: 'image/png', data: signature.slice(signature.indexOf(',') + 1) },
    };
    const result = await action.run(body);
    if (result.ok) onSaved();
  }

  const e = (field: string) => fieldErrorMessage(action.error, field);
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label={label}>
      <Stack gap="sm">
        <FormErrors error={action.error} fields={FIELDS} />
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
              value={name}
              onChange={(ev) => setName(ev.currentTarget.value)}
              error={e('signedBy.name')}
            />
            <TextInput
              label="Relationship to the patient"
              required
              value={relationship}
              onChange={(ev) => setRelationship(ev.currentTarget.value)}
              error={e('signedBy.relationship')}
            />
          </SimpleGrid>
        )}
        <SignaturePad label={`Signature: ${label}`} onChange={setSignature} />
        {fieldErrorMessage(action.error, 'signature') && (
          <div role="alert" style={{ color: 'var(--mantine-color-red-9)', fontSize: 14 }}>
            {fieldErrorMessage(action.error, 'signature')}
          </div>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={action.pending} disabled={!signature}>
            Save signed consent
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
