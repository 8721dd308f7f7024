import { Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useClinicTimeZone } from '../../app/SiteContext';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import { PanelState } from '../review/PanelState';
import { cosign, useCosignQueue } from './intakeApi';
import { formatDateTime } from './intakeModel';

const KIND_LABEL = { chiefComplaint: 'Chief complaint', note: 'MA note' } as const;

/** The provider's co-signature queue (/cosign): MA-entered chief complaints and notes awaiting a signature. */
export default function CosignQueuePage() {
  const [scope, setScope] = useState<'mine' | 'all'>('mine');
  const query = useCosignQueue(scope);
  const timeZone = useClinicTimeZone();
  const sign = useAction(useCallback((id: string, version: string) => cosign(id, version), []));
  const [signing, setSigning] = useState<string>();

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>Co-sign queue</Title>
        <SegmentedControl
          size="xs"
          aria-label="Whose visits"
          value={scope}
          onChange={(v) => setScope(v)}
          data={[
            { value: 'mine', label: 'My patients' },
            { value: 'all', label: 'All providers' },
          ]}
        />
      </Group>
      <FormErrors error={sign.error} fields={[]} />
      <PanelState query={query} label="co-sign queue">
        {(data) =>
          data.items.length === 0 ? (
            <Text c="dimmed">Nothing awaiting your co-signature.</Text>
          ) : (
            <Table striped highlightOnHover aria-label="Entries awaiting co-signature">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Entry</Table.Th>
                  <Table.Th>Text</Table.Th>
                  <Table.Th>Entered</Table.Th>
                  <Table.Th>Provider</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {item.patient?.name ?? 'Unknown patient'}
                      </Text>
                      <Text size="xs" c="dimmed">
                        DOB {item.patient?.birthDate ?? 'unknown'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{KIND_LABEL[item.kind]}</Text>
                      {item.status === 'amended' && (
                        <Text size="xs" c="orange.9">
                          Amended
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td maw={420}>
                      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                        {item.text}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{item.enteredBy.name}</Text>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(item.enteredAt, timeZone)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{item.provider?.name ?? ''}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        aria-label={`Co-sign ${KIND_LABEL[item.kind]} for ${item.patient?.name ?? 'patient'}`}
                        loading={sign.pending && signing === item.id}
                        onClick={() => {
                          setSigning(item.id);
                          void sign.run(item.id, item.version).then(() => query.refetch());
                        }}
                      >
                        Co-sign
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </PanelState>
    </Stack>
  );
}
