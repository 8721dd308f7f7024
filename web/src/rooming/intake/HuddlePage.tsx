import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconPrinter } from '@tabler/icons-react';
import { useState } from 'react';
import { locationTimeZone, useSite } from '../../app/SiteContext';
import { siteName } from '../../app/siteName';
import { usePracticeOrganization, useSites } from '../../fhir/queries';
import { PanelState } from '../review/PanelState';
import { useHuddle } from './intakeApi';
import { allergyWords, huddleUrl, tomorrow } from './intakeModel';

/** The huddle sheet (/huddle): a site's visits of a day (default tomorrow) with care gaps and allergies. */
export default function HuddlePage() {
  const site = useSite();
  const sites = useSites();
  const practiceName = usePracticeOrganization().data?.name;
  const [siteId, setSiteId] = useState<string | undefined>(site.siteId);
  const chosenSite = siteId ?? site.siteId ?? sites.data?.[0]?.id;
  // Tomorrow in the chosen site's zone until the user picks a date (the site's zone may load after mount).
  const siteZone = locationTimeZone(sites.data?.find((s) => s.id === chosenSite)) ?? site.timeZone;
  const [picked, setDate] = useState<string>();
  const date = picked ?? tomorrow(new Date(), siteZone);
  const query = useHuddle(chosenSite, date);

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Huddle sheet</Title>
        <Group align="flex-end">
          <Select
            label="Site"
            data={(sites.data ?? []).map((s) => ({ value: s.id ?? '', label: siteName(s, practiceName) }))}
            value={chosenSite ?? null}
            onChange={(v) => v && setSiteId(v)}
            allowDeselect={false}
            w={220}
          />
          <TextInput
            label="Date"
            type="date"
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
            w={170}
          />
          <Button
            leftSection={<IconPrinter size={16} aria-hidden />}
            disabled={!chosenSite}
            onClick={() => chosenSite && window.open(huddleUrl(chosenSite, date, true), '_blank', 'noopener')}
          >
            Print huddle sheet
          </Button>
        </Group>
      </Group>
      {!chosenSite ? (
        <Text c="dimmed">Choose a site.</Text>
      ) : (
        <PanelState query={query} label="huddle sheet">
          {(sheet) =>
            sheet.rows.length === 0 ? (
              <Text c="dimmed">No visits booked on {sheet.date}.</Text>
            ) : (
              <Table striped aria-label={`Huddle sheet for ${sheet.date}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>Patient</Table.Th>
                    <Table.Th>Visit</Table.Th>
                    <Table.Th>Provider</Table.Th>
                    <Table.Th>Allergies</Table.Th>
                    <Table.Th>Care gaps</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sheet.rows.map((row) => (
                    <Table.Tr key={row.appointmentId}>
                      <Table.Td>{row.time}</Table.Td>
                      <Table.Td>
                        {row.restricted || !row.patient ? (
                          <Text size="sm" c="dimmed">
                            Restricted chart
                          </Text>
                        ) : (
                          <>
                            <Text size="sm" fw={600}>
                              {row.patient.name}
                            </Text>
                            <Text size="xs" c="dimmed">
                              DOB {row.patient.birthDate ?? 'unknown'}
                            </Text>
                          </>
                        )}
                      </Table.Td>
                      <Table.Td>{row.visitType.display}</Table.Td>
                      <Table.Td>{row.provider?.name ?? ''}</Table.Td>
                      <Table.Td>
                        {row.allergies?.nkda && row.allergies.count === 0 ? (
                          <Badge size="sm" color="gray" variant="light">
                            NKDA
                          </Badge>
                        ) : (
                          <Text size="sm" c={row.allergies?.count ? 'red.9' : undefined}>
                            {allergyWords(row.allergies)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {row.restricted ? null : row.gaps.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            None due
                          </Text>
                        ) : (
                          <Stack gap={2}>
                            {row.gaps.map((gap) => (
                              <Text size="sm" key={gap.id}>
                                <Text span fw={600}>
                                  {gap.title}
                                </Text>
                                : {gap.why}
                              </Text>
                            ))}
                          </Stack>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )
          }
        </PanelState>
      )}
    </Stack>
  );
}
