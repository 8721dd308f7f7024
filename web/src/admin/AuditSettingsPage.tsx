import { Button, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { usePractice } from '../fhir/queries';
import { saveAuditSettings, type AuditSettings } from './adminApi';
import { adminKeys, useAuditSettings } from './adminQueries';

const SWITCHES: { key: keyof AuditSettings; label: string; description: string }[] = [
  { key: 'read', label: 'Chart reads', description: 'Every time someone opens a record.' },
  { key: 'search', label: 'Searches', description: 'Patient searches and lists.' },
  { key: 'export', label: 'Exports', description: 'Bulk exports and downloads.' },
  { key: 'print', label: 'Prints', description: 'Printed charts, labels and forms.' },
];

/**
 * `/administration/audit-settings` (ONC 170.315(d)(2)): which kinds of access are recorded. Changes,
 * sign-ins, emergency access and changes to these settings are always recorded.
 */
export default function AuditSettingsPage() {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const settings = useAuditSettings();
  const [form, setForm] = useState<AuditSettings>();
  // The saved settings fill the form once; a background re-read must not undo switches not yet saved.
  useEffect(() => {
    if (settings.data && !form) setForm(settings.data);
  }, [settings.data, form]);
  const save = useMutation({
    mutationFn: saveAuditSettings,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.auditSettings(practice) }),
  });
  const changed =
    form !== undefined &&
    settings.data !== undefined &&
    SWITCHES.some(({ key }) => form[key] !== settings.data[key]);

  return (
    <Stack gap="md" maw={720}>
      <Title order={1}>Audit settings</Title>
      <Text size="sm">
        What medassist records in the audit log besides changes, sign-ins and emergency access, which are
        always recorded. Every change to these settings is recorded too.
      </Text>
      <Paper p="md" component="section" aria-label="What is recorded">
        {settings.isPending && (
          <Text size="sm" c="dimmed" role="status">
            Loading the settings…
          </Text>
        )}
        {settings.isError && (
          <Text size="sm" c="red.9" role="alert">
            Could not load the settings: {settings.error.message}
          </Text>
        )}
        {form && (
          <form
            aria-label="Audit settings"
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate(form);
            }}
          >
            <Stack gap="md">
              {SWITCHES.map(({ key, label, description }) => (
                <Switch
                  key={key}
                  label={`Record ${label.toLowerCase()}`}
                  description={description}
                  checked={form[key]}
                  onChange={(event) => {
                    const checked = event.currentTarget.checked;
                    save.reset();
                    setForm((f) => (f ? { ...f, [key]: checked } : f));
                  }}
                />
              ))}
              <Group>
                <Button type="submit" loading={save.isPending} disabled={!changed}>
                  Save
                </Button>
                <Text size="sm" role="status" c={save.isError ? 'red.9' : undefined}>
                  {save.isSuccess ? 'Saved.' : save.isError ? `Could not save: ${save.error.message}` : ''}
                </Text>
              </Group>
            </Stack>
          </form>
        )}
      </Paper>
    </Stack>
  );
}
