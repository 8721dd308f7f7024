import { Anchor, Group, Image, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { QueryState } from '../../ui/QueryState';
import { changeTone, changeWords, sizeWords, whenWords } from './procedureModel';
import { mediaUrl, useWoundSeries, type WoundSeries } from './proceduresApi';
import { useClinicTimeZone } from '../../app/SiteContext';

/** teal.9 and red.9 keep 4.5:1 on white and on the striped rows (green.9 does not); the sign says it too. */
const TONE_COLOR = { good: 'teal.9', bad: 'red.9', neutral: 'dark.6' } as const;

function Change({ pct, label }: { pct: number | null; label: string }) {
  return (
    <Text size="sm" c={TONE_COLOR[changeTone(pct)]} aria-label={`${label}: ${changeWords(pct)}`}>
      {changeWords(pct)}
    </Text>
  );
}

function OneWound({ wound }: { wound: WoundSeries }) {
  const timeZone = useClinicTimeZone();
  return (
    <Paper withBorder p="sm">
      <Stack gap="xs">
        <Title order={4} size="h6">
          {wound.bodySite || 'Wound'} · {wound.measurements.length} measurement
          {wound.measurements.length === 1 ? '' : 's'}
        </Title>
        <Table aria-label={`Wound history: ${wound.bodySite}`} withTableBorder striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Size (L × W × D)</Table.Th>
              <Table.Th>Area</Table.Th>
              <Table.Th>Since previous</Table.Th>
              <Table.Th>Since first</Table.Th>
              <Table.Th>Description</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {wound.measurements.map((m) => (
              <Table.Tr key={m.observationId}>
                <Table.Td>{whenWords(m.at, timeZone)}</Table.Td>
                <Table.Td>{sizeWords(m)}</Table.Td>
                <Table.Td>{m.areaMm2} mm²</Table.Td>
                <Table.Td>
                  <Change pct={m.changeFromPreviousPct} label="Change since previous" />
                </Table.Td>
                <Table.Td>
                  <Change pct={m.changeFromFirstPct} label="Change since first" />
                </Table.Td>
                <Table.Td>
                  {[m.description.appearance, m.description.drainage, m.description.edges]
                    .filter(Boolean)
                    .join('; ')}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {wound.measurements.some((m) => m.photos.length > 0) && (
          <Group gap="sm" align="flex-start" wrap="wrap" aria-label="Photos side by side">
            {wound.measurements.flatMap((m) =>
              m.photos.map((photo, i) => (
                <Stack key={photo} gap={2} align="center">
                  <Anchor href={mediaUrl(photo)} target="_blank" rel="noopener">
                    <Image
                      src={mediaUrl(photo)}
                      alt={`Wound photo ${i + 1}, ${whenWords(m.at, timeZone)}`}
                      w={140}
                      h={105}
                      fit="cover"
                      radius="sm"
                    />
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {whenWords(m.at, timeZone)}
                  </Text>
                </Stack>
              ))
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** Each wound of the patient with its measurements over visits, the change in area and the photos in order. */
export function WoundHistory({ patientId }: { patientId: string }) {
  const wounds = useWoundSeries(patientId);
  return (
    <QueryState query={wounds} label="wound history" empty="No wounds documented yet.">
      {(list) => (
        <Stack gap="sm">
          {list.map((w) => (
            <OneWound key={w.woundId} wound={w} />
          ))}
        </Stack>
      )}
    </QueryState>
  );
}
