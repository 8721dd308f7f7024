import {
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconDownload } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { locationTimeZone, useClinicTimeZone } from '../app/SiteContext';
import { siteName } from '../app/siteName';
import { search } from '../fhir/client';
import { FhirError } from '../fhir/FhirError';
import { keys, usePractice, usePracticeOrganization, useSites } from '../fhir/queries';
import { formatHumanName, todayIso } from '../patient/display';
import { FieldError } from '../ui/FieldError';
import { useAction } from '../ui/useAction';
import { WaitChart } from './WaitChart';
import { fetchWaitTimes, fetchWaitTimesCsv, type WaitTimeFigures, type WaitTimeRow } from './waitTimeApi';
import {
  csvFileName,
  DEFAULT_SORT,
  defaultFilters,
  filterErrors,
  formatMinutes,
  formatRate,
  sortRows,
  toggleSort,
  waitTimeQuery,
  type SortColumn,
  type WaitTimeFilters,
  type WaitTimeSort,
} from './waitTimeModel';

function useProviders() {
  const practice = usePractice();
  return useQuery({
    queryKey: keys.reference(practice, 'practitioners'),
    queryFn: async ({ signal }) => (await search('Practitioner', [['_count', '200']], signal)).resources,
    staleTime: 10 * 60_000,
  });
}

/**
 * `/reports/wait-times`: how long patients waited, per day and provider, over a date range (last 30 days
 * by default), for one site or all and one provider or all: a chart of the daily waiting-room time, the
 * figures in a sortable table, and the same rows as CSV. Counts and minutes only: no patient is named.
 */
export default function WaitTimePage() {
  const practice = usePractice();
  const sites = useSites();
  // "The last 30 days" in the clinic's calendar: the chosen site's zone, else the first site's, once known.
  const chosenZone = useClinicTimeZone();
  const zoneKnown = chosenZone !== undefined || !sites.isPending;
  const timeZone = chosenZone ?? locationTimeZone(sites.data?.[0]);
  const [draft, setDraft] = useState<WaitTimeFilters>(() => defaultFilters(todayIso()));
  const [filters, setFilters] = useState<WaitTimeFilters | undefined>();
  useEffect(() => {
    if (zoneKnown && !filters) {
      const initial = defaultFilters(todayIso(new Date(), timeZone));
      setDraft(initial);
      setFilters(initial);
    }
  }, [zoneKnown, timeZone, filters]);
  const [sort, setSort] = useState<WaitTimeSort>(DEFAULT_SORT);
  const draftErrors = filterErrors(draft);
  const query = useMemo(() => (filters ? waitTimeQuery(filters) : undefined), [filters]);

  const report = useQuery({
    queryKey: ['practice', practice, 'report', 'wait-times', query?.toString() ?? ''],
    queryFn: ({ signal }) => fetchWaitTimes(query ?? new URLSearchParams(), signal),
    enabled: query !== undefined,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const organization = usePracticeOrganization();
  const providers = useProviders();
  const rows = useMemo(() => sortRows(report.data?.rows ?? [], sort), [report.data, sort]);

  const download = useAction(fetchWaitTimesCsv);
  async function onDownload() {
    if (!filters || !query) return;
    const result = await download.run(query);
    if (!result.ok) return;
    const url = URL.createObjectURL(result.value);
    const link = document.createElement('a');
    link.href = url;
    link.download = csvFileName(filters);
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (Object.keys(draftErrors).length === 0) setFilters(draft);
  }
  const set = (change: Partial<WaitTimeFilters>) => setDraft((d) => ({ ...d, ...change }));

  const siteOptions = [
    { value: '', label: 'All sites' },
    ...(sites.data ?? []).map((s) => ({ value: s.id ?? '', label: siteName(s, organization.data?.name) })),
  ];
  const providerOptions = [
    { value: '', label: 'All providers' },
    ...(providers.data ?? [])
      .map((p) => ({ value: p.id ?? '', label: formatHumanName(p.name?.[0]) || (p.id ?? '') }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  ];
  const error = report.error;
  const total = report.data?.total;

  return (
    <Stack gap="md" maw={1400}>
      <Title order={1}>Wait times</Title>
      <Paper p="sm" component="section" aria-label="Filters">
        <form onSubmit={onSubmit} aria-label="Wait-time report filters">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
            <TextInput
              type="date"
              label="From"
              value={draft.from}
              onChange={(event) => set({ from: event.currentTarget.value })}
              error={draftErrors.from}
            />
            <TextInput
              type="date"
              label="To"
              value={draft.to}
              onChange={(event) => set({ to: event.currentTarget.value })}
              error={draftErrors.to}
            />
            <Select
              label="Site"
              data={siteOptions}
              value={draft.location}
              onChange={(value) => set({ location: value ?? '' })}
              allowDeselect={false}
            />
            <Select
              label="Provider"
              data={providerOptions}
              value={draft.provider}
              onChange={(value) => set({ provider: value ?? '' })}
              allowDeselect={false}
              searchable
            />
          </SimpleGrid>
          <Group mt="sm" justify="space-between">
            <Button type="submit" disabled={Object.keys(draftErrors).length > 0}>
              Show
            </Button>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={download.pending}
              disabled={!filters}
              onClick={() => void onDownload()}
            >
              Download CSV
            </Button>
          </Group>
          {download.error !== undefined && (
            <Text size="sm" c="red.9" role="alert" mt="xs">
              Could not download the CSV:{' '}
              {download.error instanceof Error ? download.error.message : 'try again'}
            </Text>
          )}
        </form>
      </Paper>

      {error && (
        <Stack gap={4}>
          {['from', 'to', 'location', 'provider'].map((field) => (
            <FieldError key={field} error={error} expression={field} />
          ))}
          <Text size="sm" c="red.9" role="alert">
            Could not load the report:{' '}
            {error instanceof FhirError && error.unreachable
              ? 'the server cannot be reached.'
              : error.message}
          </Text>
        </Stack>
      )}
      {report.isPending && (
        <Text size="sm" c="dimmed" role="status">
          Loading the report…
        </Text>
      )}

      {total && (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm" aria-label="Totals for the range">
          <Figure label="Visits" value={String(total.visits)} />
          <Figure label="Arrival to roomed (median)" value={formatMinutes(total.arrivalToRoomed.median)} />
          <Figure label="Roomed to provider (median)" value={formatMinutes(total.roomedToProvider.median)} />
          <Figure label="Total visit (median)" value={formatMinutes(total.totalVisit.median)} />
          <Figure label="No-show rate" value={formatRate(total.noShowRate)} />
          <Figure label="On-time starts" value={formatRate(total.onTimeRate)} />
        </SimpleGrid>
      )}

      {report.data && report.data.days.length > 0 && (
        <Paper p="sm" component="section" aria-labelledby="wait-chart">
          <Title order={2} id="wait-chart" mb="xs">
            Waiting room, per day
          </Title>
          <WaitChart days={report.data.days} />
        </Paper>
      )}

      <Paper p="sm" component="section" aria-labelledby="wait-table">
        <Group justify="space-between" mb={6}>
          <Title order={2} id="wait-table">
            By day and provider
          </Title>
          <Text size="sm" c="dimmed" aria-live="polite">
            {report.isSuccess ? `${rows.length} rows` : ''}
          </Text>
        </Group>
        <WaitTable rows={rows} sort={sort} onSort={(column) => setSort((s) => toggleSort(s, column))} />
        {report.isSuccess && rows.length === 0 && (
          <Text size="sm" c="dimmed" mt="xs">
            No visits or appointments in this range.
          </Text>
        )}
        {report.data && (
          <Text size="xs" c="dimmed" mt="sm">
            Median: {report.data.definitions.median}. 90th percentile (p90): {report.data.definitions.p90}. On
            time: {report.data.definitions.onTime}. No-show rate: {report.data.definitions.noShowRate}. Scope:{' '}
            {report.data.definitions.scope}.
          </Text>
        )}
      </Paper>
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Paper p="xs" withBorder>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz="lg">
        {value}
      </Text>
    </Paper>
  );
}

const COLUMNS: { label: string; sort: SortColumn }[] = [
  { label: 'Date', sort: 'date' },
  { label: 'Provider', sort: 'provider' },
  { label: 'Visits', sort: 'visits' },
  { label: 'Arrival to roomed, median', sort: 'waitMedian' },
  { label: 'Arrival to roomed, p90', sort: 'waitP90' },
  { label: 'Roomed to provider, median', sort: 'providerMedian' },
  { label: 'Roomed to provider, p90', sort: 'providerP90' },
  { label: 'Total visit, median', sort: 'totalMedian' },
  { label: 'Total visit, p90', sort: 'totalP90' },
  { label: 'No-show rate', sort: 'noShowRate' },
  { label: 'On-time starts', sort: 'onTimeRate' },
];

function counts(f: WaitTimeFigures): { noShow: string; onTime: string } {
  return {
    noShow: `${f.noShows} of ${f.appointmentsDue} due`,
    onTime: `${f.onTimeStarts} of ${f.onTimeEligible}`,
  };
}

function WaitTable({
  rows,
  sort,
  onSort,
}: {
  rows: WaitTimeRow[];
  sort: WaitTimeSort;
  onSort: (column: SortColumn) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped withRowBorders={false} aria-labelledby="wait-table">
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map((column) => (
              <SortHeader
                key={column.sort}
                label={column.label}
                column={column.sort}
                sort={sort}
                onSort={onSort}
              />
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const c = counts(row);
            return (
              <Table.Tr key={`${row.date} ${row.provider.id}`}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{row.date}</Table.Td>
                <Table.Td>{row.provider.name}</Table.Td>
                <Table.Td>
                  {row.visits}
                  {row.leftWithoutBeingSeen > 0 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      ({row.leftWithoutBeingSeen} left unseen)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{formatMinutes(row.arrivalToRoomed.median)}</Table.Td>
                <Table.Td>{formatMinutes(row.arrivalToRoomed.p90)}</Table.Td>
                <Table.Td>{formatMinutes(row.roomedToProvider.median)}</Table.Td>
                <Table.Td>{formatMinutes(row.roomedToProvider.p90)}</Table.Td>
                <Table.Td>{formatMinutes(row.totalVisit.median)}</Table.Td>
                <Table.Td>{formatMinutes(row.totalVisit.p90)}</Table.Td>
                <Table.Td title={c.noShow}>{formatRate(row.noShowRate)}</Table.Td>
                <Table.Td title={c.onTime}>{formatRate(row.onTimeRate)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A column header that sorts: the button says the column; `aria-sort` says the order. */
function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: SortColumn;
  sort: WaitTimeSort;
  onSort: (column: SortColumn) => void;
}) {
  const active = sort.column === column;
  const Icon = !active ? IconArrowsSort : sort.descending ? IconArrowDown : IconArrowUp;
  return (
    <Table.Th scope="col" aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column)} fw={650} fz="sm">
        <Group gap={4} wrap="nowrap">
          {label}
          <Icon size={14} aria-hidden color={active ? undefined : 'var(--mantine-color-gray-6)'} />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
