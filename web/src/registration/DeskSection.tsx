import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Consent, Coverage } from '@medplum/fhirtypes';
import { useId } from 'react';
import { QueryState } from '../ui/QueryState';
import { useConsents, useCoverages } from './deskApi';
import { MergeSection } from './MergeSection';
import { useClinicTimeZone } from '../app/SiteContext';
import { CONSENT_TYPE_SYSTEM, consentState } from './consentState';

function consentType(c: Consent): string {
  return (
    c.category?.flatMap((cat) => cat.coding ?? []).find((x) => x.system === CONSENT_TYPE_SYSTEM)?.display ??
    'Consent'
  );
}

function copay(c: Coverage): string {
  const value = c.costToBeneficiary?.find((x) => x.type?.coding?.some((t) => t.code === 'copay'))?.valueMoney
    ?.value;
  return value === undefined ? '' : `$${value.toFixed(2)}`;
}

/** The chart's "Insurance and consents" section: what the desk captured, and (lead MA, admin) merges. */
export function DeskSection({ patientId }: { patientId: string }) {
  const headingId = useId();
  const coverages = useCoverages(patientId);
  const consents = useConsents(patientId);
  const timeZone = useClinicTimeZone();
  const now = new Date();
  return (
    <Paper component="section" aria-labelledby={headingId} p="sm">
      <Title order={2} id={headingId} mb={6}>
        Insurance and consents
      </Title>
      <Stack gap="sm">
        <QueryState query={coverages} label="insurance" empty="No insurance on file">
          {(list: Coverage[]) => (
            <Table striped aria-label="Insurance">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Payer</Table.Th>
                  <Table.Th>Member id</Table.Th>
                  <Table.Th>Group</Table.Th>
                  <Table.Th>Co-pay</Table.Th>
                  <Table.Th>Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>{c.payor?.[0]?.display ?? ''}</Table.Td>
                    <Table.Td>{c.subscriberId ?? ''}</Table.Td>
                    <Table.Td>
                      {c.class?.find((k) => k.type.coding?.[0]?.code === 'group')?.value ?? ''}
                    </Table.Td>
                    <Table.Td>{copay(c)}</Table.Td>
                    <Table.Td>{c.status}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
        <QueryState query={consents} label="consents" empty="No signed consents on file">
          {(list: Consent[]) => (
            <Table striped aria-label="Consents">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Consent</Table.Th>
                  <Table.Th>Signed</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Signed by</Table.Th>
                  <Table.Th>State</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((c) => {
                  const state = consentState(c, now, timeZone);
                  return (
                    <Table.Tr key={c.id}>
                      <Table.Td>{consentType(c)}</Table.Td>
                      <Table.Td>{c.dateTime ?? ''}</Table.Td>
                      <Table.Td>{c.provision?.period?.end ?? ''}</Table.Td>
                      <Table.Td>{c.performer?.[0]?.display ?? 'the patient'}</Table.Td>
                      <Table.Td>
                        <Badge color={state === 'valid' ? 'green' : 'red'} variant="light">
                          {state}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
        <Text size="xs" c="dimmed">
          Card images and signatures are under Documents.
        </Text>
        <MergeSection patientId={patientId} />
      </Stack>
    </Paper>
  );
}
