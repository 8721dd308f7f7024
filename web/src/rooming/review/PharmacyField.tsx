import { Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { fieldErrorMessage } from '../../ui/FieldError';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import { PanelState } from './PanelState';
import { putPharmacy, usePharmacy } from './reviewApi';
import { reviewedText } from './reviewModel';

/** The preferred pharmacy: a directory pharmacy or a name; "Confirm" saves it and stamps the visit. */
export function PharmacyField({
  patientId,
  encounterId,
  onSaved,
}: {
  patientId: string;
  encounterId: string;
  onSaved: () => Promise<void>;
}) {
  const query = usePharmacy(patientId, encounterId);
  const [choice, setChoice] = useState<string | null>(null);
  const [name, setName] = useState('');
  const save = useAction(useCallback((body: unknown) => putPharmacy(patientId, body), [patientId]));

  return (
    <PanelState query={query} label="preferred pharmacy">
      {(data) => {
        const current = data.pharmacy;
        const selected = choice ?? current?.organizationId ?? null;
        const typed = name.trim();
        const body = typed
          ? { name: typed, encounterId }
          : selected
            ? { organizationId: selected, encounterId }
            : current
              ? { name: current.name, encounterId }
              : undefined;
        return (
          <Stack gap={6}>
            <Title order={3} size="h5">
              Preferred pharmacy
            </Title>
            <FormErrors error={save.error} fields={['organizationId', 'name']} />
            <Group align="flex-end" gap="xs" wrap="wrap">
              <Select
                label="Preferred pharmacy"
                placeholder={data.choices.length ? 'Choose a pharmacy' : 'No pharmacy in the directory'}
                data={data.choices.map((p) => ({
                  value: p.organizationId ?? p.name,
                  label: p.phone ? `${p.name} (${p.phone})` : p.name,
                }))}
                value={selected}
                onChange={(v) => {
                  setChoice(v);
                  setName('');
                }}
                searchable
                clearable
                error={fieldErrorMessage(save.error, 'organizationId')}
                w={260}
              />
              <TextInput
                label="Or pharmacy name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={fieldErrorMessage(save.error, 'name')}
                w={220}
              />
              <Button
                size="sm"
                disabled={!body}
                loading={save.pending}
                onClick={() =>
                  void save.run(body).then(async (r) => {
                    if (r.ok) {
                      setChoice(null);
                      setName('');
                      await onSaved();
                    }
                  })
                }
              >
                Confirm
              </Button>
            </Group>
            <Text size="sm" c={data.reviewed ? undefined : 'dimmed'} role="status">
              {current ? `On file: ${current.name}. ` : 'No preferred pharmacy on file. '}
              {reviewedText(data.reviewed, new Date()).replace('Reviewed', 'Confirmed')}
            </Text>
          </Stack>
        );
      }}
    </PanelState>
  );
}
