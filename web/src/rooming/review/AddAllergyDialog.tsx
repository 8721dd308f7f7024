import { Autocomplete, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { FieldError, fieldErrorMessage } from '../../ui/FieldError';
import { FormErrors } from '../../ui/FormErrors';
import { useAllergenSearch } from './reviewApi';
import { allergyBody, EMPTY_ALLERGY_FORM, type AllergyForm } from './reviewModel';

const FIELDS = [
  'substance',
  'substance.code',
  'substance.text',
  'category',
  'criticality',
  'reaction',
  'reaction[0].manifestation',
  'reaction[0].manifestation.text',
  'reaction[0].severity',
  'note',
];

/** Adds an allergy: a catalog substance (or typed text), the reaction and its severity, the criticality. */
export function AddAllergyDialog({
  opened,
  pending,
  error,
  onClose,
  onSave,
}: {
  opened: boolean;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onSave: (body: Record<string, unknown>) => Promise<boolean>;
}) {
  const [form, setForm] = useState<AllergyForm>(EMPTY_ALLERGY_FORM);
  const [substance, setSubstance] = useState('');
  const catalog = useAllergenSearch(substance.trim());
  const allergens = catalog.data?.allergens ?? [];
  const reactions = catalog.data?.reactions ?? [];
  const chosen = allergens.find((a) => a.display === substance);
  const set = (patch: Partial<AllergyForm>) => setForm((f) => ({ ...f, ...patch }));

  const close = () => {
    setForm(EMPTY_ALLERGY_FORM);
    setSubstance('');
    onClose();
  };
  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const body = allergyBody({
      ...form,
      catalog: chosen ? `${chosen.system}|${chosen.code}` : '',
      text: chosen ? '' : substance,
    });
    if (await onSave(body)) close();
  }

  return (
    <Modal opened={opened} onClose={close} title="Add allergy" closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Add allergy">
        <Stack gap="sm">
          <FormErrors error={error} fields={FIELDS} />
          <Autocomplete
            label="Substance"
            description="Choose from the list, or type the substance"
            data={allergens.map((a) => a.display)}
            value={substance}
            onChange={(value) => {
              setSubstance(value);
              const entry = allergens.find((a) => a.display === value);
              if (entry) set({ category: entry.category });
            }}
            required
            data-autofocus
            error={fieldErrorMessage(error, ['substance', 'substance.code', 'substance.text'])}
          />
          <Select
            label="Category"
            data={[
              { value: 'medication', label: 'Drug' },
              { value: 'food', label: 'Food' },
              { value: 'environment', label: 'Environment' },
              { value: 'biologic', label: 'Biologic' },
            ]}
            value={form.category || null}
            onChange={(v) => set({ category: v ?? '' })}
            error={fieldErrorMessage(error, 'category')}
          />
          <Group grow align="flex-start">
            <Select
              label="Reaction"
              searchable
              clearable
              data={reactions.map((r) => ({ value: r.code, label: r.display }))}
              value={form.reaction || null}
              onChange={(v) => set({ reaction: v ?? '' })}
            />
            <TextInput
              label="Other reaction"
              value={form.reactionText}
              disabled={form.reaction !== ''}
              onChange={(e) => set({ reactionText: e.currentTarget.value })}
            />
          </Group>
          <FieldError
            error={error}
            expression={['reaction[0].manifestation', 'reaction[0].manifestation.text']}
          />
          <Group grow align="flex-start">
            <Select
              label="Severity"
              data={[
                { value: 'mild', label: 'Mild' },
                { value: 'moderate', label: 'Moderate' },
                { value: 'severe', label: 'Severe' },
              ]}
              value={form.severity || null}
              onChange={(v) => set({ severity: v ?? '' })}
              error={fieldErrorMessage(error, 'reaction[0].severity')}
            />
            <Select
              label="Criticality"
              data={[
                { value: 'low', label: 'Low' },
                { value: 'high', label: 'High' },
                { value: 'unable-to-assess', label: 'Unable to assess' },
              ]}
              value={form.criticality || null}
              onChange={(v) => set({ criticality: v ?? '' })}
              error={fieldErrorMessage(error, 'criticality')}
            />
          </Group>
          <Select
            label="Verification"
            data={[
              { value: 'unconfirmed', label: 'Reported, unconfirmed' },
              { value: 'confirmed', label: 'Confirmed' },
            ]}
            value={form.verificationStatus}
            allowDeselect={false}
            onChange={(v) => set({ verificationStatus: v ?? 'unconfirmed' })}
          />
          <TextInput
            label="Note"
            value={form.note}
            onChange={(e) => set({ note: e.currentTarget.value })}
            error={fieldErrorMessage(error, 'note')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} disabled={substance.trim() === ''}>
              Save allergy
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
