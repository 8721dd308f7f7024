import {
  Button,
  FileInput,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { RELATIONSHIPS } from './options';
import {
  captureCoverage,
  localToday,
  readImageFile,
  useDeskSetup,
  type CoverageForm,
} from './registrationApi';

const FIELDS = [
  'payer',
  'memberId',
  'group',
  'plan',
  'relationship',
  'subscriber',
  'copay',
  'cardFront',
  'cardBack',
];

/** Insurance at the desk: payer, member id, group, plan, subscriber, co-pay, and photos of the card. */
export function InsuranceForm({ patientId, onSaved }: { patientId: string; onSaved: () => void }) {
  const setup = useDeskSetup();
  const [payer, setPayer] = useState<string | null>(null);
  const [memberId, setMemberId] = useState('');
  const [group, setGroup] = useState('');
  const [plan, setPlan] = useState('');
  const [relationship, setRelationship] = useState<CoverageForm['relationship']>('self');
  const [subFamily, setSubFamily] = useState('');
  const [subGiven, setSubGiven] = useState('');
  const [subBirthDate, setSubBirthDate] = useState('');
  const [copay, setCopay] = useState<number | string>('');
  const [front, setFront] = useState<File | null>(null);
  const [back, setBack] = useState<File | null>(null);
  const action = useAction(async (form: CoverageForm) => captureCoverage(form));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run({
      patientId,
      payer: { id: payer ?? '' },
      memberId: memberId.trim(),
      group: group.trim() || undefined,
      plan: plan.trim() || undefined,
      relationship,
      subscriber:
        relationship === 'self'
          ? undefined
          : { family: subFamily.trim(), given: subGiven.trim(), birthDate: subBirthDate || undefined },
      copay: typeof copay === 'number' ? copay : undefined,
      start: localToday(),
      cardFront: front ? await readImageFile(front) : undefined,
      cardBack: back ? await readImageFile(back) : undefined,
    });
    if (result.ok) onSaved();
  }

  const e = (field: string) => fieldErrorMessage(action.error, field);
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Insurance">
      <Stack gap="sm">
        <FormErrors error={action.error} fields={FIELDS} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Payer"
            required
            searchable
            data={(setup.data?.payers ?? []).map((p) => ({ value: p.id, label: p.name }))}
            value={payer}
            onChange={setPayer}
            error={e('payer')}
          />
          <TextInput
            label="Member id"
            required
            autoComplete="off"
            value={memberId}
            onChange={(ev) => setMemberId(ev.currentTarget.value)}
            error={e('memberId')}
          />
          <NumberInput
            label="Co-pay ($)"
            min={0}
            decimalScale={2}
            value={copay}
            onChange={setCopay}
            error={e('copay')}
          />
          <TextInput
            label="Group number"
            autoComplete="off"
            value={group}
            onChange={(ev) => setGroup(ev.currentTarget.value)}
            error={e('group')}
          />
          <TextInput
            label="Plan"
            autoComplete="off"
            value={plan}
            onChange={(ev) => setPlan(ev.currentTarget.value)}
            error={e('plan')}
          />
          <Select
            label="Patient's relationship to the subscriber"
            data={RELATIONSHIPS}
            value={relationship}
            onChange={(v) => setRelationship((v ?? 'self') as CoverageForm['relationship'])}
            error={e('relationship')}
            allowDeselect={false}
          />
        </SimpleGrid>
        {relationship !== 'self' && (
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label="Subscriber last name"
              required
              value={subFamily}
              onChange={(ev) => setSubFamily(ev.currentTarget.value)}
              error={e('subscriber.family') ?? e('subscriber')}
            />
            <TextInput
              label="Subscriber first name"
              required
              value={subGiven}
              onChange={(ev) => setSubGiven(ev.currentTarget.value)}
              error={e('subscriber.given')}
            />
            <TextInput
              label="Subscriber date of birth"
              type="date"
              value={subBirthDate}
              onChange={(ev) => setSubBirthDate(ev.currentTarget.value)}
              error={e('subscriber.birthDate')}
            />
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <FileInput
            label="Card front"
            accept="image/png,image/jpeg,image/webp"
            clearable
            value={front}
            onChange={setFront}
            error={e('cardFront')}
            placeholder="Photo or scan (PNG, JPEG, WebP; up to 1 MB)"
          />
          <FileInput
            label="Card back"
            accept="image/png,image/jpeg,image/webp"
            clearable
            value={back}
            onChange={setBack}
            error={e('cardBack')}
            placeholder="Photo or scan (PNG, JPEG, WebP; up to 1 MB)"
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          The card images are kept in the chart as administrative documents.
        </Text>
        <Group justify="flex-end">
          <Button type="submit" loading={action.pending} disabled={!payer || !memberId.trim()}>
            Save insurance
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
