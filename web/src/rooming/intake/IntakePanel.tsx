import { Button, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useClinicTimeZone } from '../../app/SiteContext';
import { FhirError } from '../../fhir/FhirError';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import { PanelState } from '../review/PanelState';
import type { RoomingPanelProps } from '../types';
import { saveIntake, useIntake } from './intakeApi';
import { cosignLine } from './intakeModel';

function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof FhirError)) return undefined;
  const issue = error.outcome.issue?.find((i) => i.expression?.includes(field));
  return issue?.details?.text ?? issue?.diagnostics;
}

/** Chief complaint and MA intake note, queued for the provider's co-signature. */
export function IntakePanel({ visit, onSaved }: RoomingPanelProps) {
  const query = useIntake(visit.encounterId);
  const timeZone = useClinicTimeZone();
  const [chiefComplaint, setChiefComplaint] = useState('');
  const [note, setNote] = useState('');
  const loaded = query.data;
  useEffect(() => {
    if (!loaded) return;
    setChiefComplaint(loaded.chiefComplaint?.text ?? '');
    setNote(loaded.note?.text ?? '');
  }, [loaded]);
  const save = useAction(
    useCallback(
      (body: { chiefComplaint?: string; note?: string }) => saveIntake(visit.encounterId, body),
      [visit.encounterId]
    )
  );
  const changed =
    (chiefComplaint.trim() !== '' && chiefComplaint.trim() !== (loaded?.chiefComplaint?.text ?? '')) ||
    (note.trim() !== '' && note.trim() !== (loaded?.note?.text ?? ''));
  const submit = () => {
    const body = {
      ...(chiefComplaint.trim() ? { chiefComplaint: chiefComplaint.trim() } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    void save.run(body).then((r) => {
      if (r.ok) {
        void query.refetch();
        onSaved?.();
      }
    });
  };

  return (
    <Stack gap="xs" component="section" aria-label="Intake">
      <Title order={3} size="h5">
        Chief complaint and notes
      </Title>
      <FormErrors error={save.error} fields={['chiefComplaint', 'note']} />
      <PanelState query={query} label="intake">
        {(data) => (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            <Stack gap="xs">
              <TextInput
                label="Chief complaint"
                placeholder="In the patient's words"
                maxLength={500}
                value={chiefComplaint}
                onChange={(e) => setChiefComplaint(e.currentTarget.value)}
                error={fieldError(save.error, 'chiefComplaint')}
              />
              {data.chiefComplaint && (
                <Text
                  size="xs"
                  c={data.chiefComplaint.awaitingCosign ? 'dark.7' : 'dimmed'}
                  fw={data.chiefComplaint.awaitingCosign ? 600 : undefined}
                >
                  {cosignLine(data.chiefComplaint, visit.provider?.name, timeZone)}
                </Text>
              )}
              <Textarea
                label="MA note"
                autosize
                minRows={2}
                maxRows={8}
                maxLength={4000}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                error={fieldError(save.error, 'note')}
              />
              {data.note && (
                <Text
                  size="xs"
                  c={data.note.awaitingCosign ? 'dark.7' : 'dimmed'}
                  fw={data.note.awaitingCosign ? 600 : undefined}
                >
                  {cosignLine(data.note, visit.provider?.name, timeZone)}
                </Text>
              )}
              <Group>
                <Button type="submit" size="xs" loading={save.pending} disabled={!changed}>
                  Save intake
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </PanelState>
    </Stack>
  );
}
