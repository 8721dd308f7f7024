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
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useClinicTimeZone } from '../app/SiteContext';
import { FhirError } from '../fhir/FhirError';
import { usePractice } from '../fhir/queries';
import { formatDateTime, todayIso } from '../patient/display';
import { FieldError } from '../ui/FieldError';
import { Tag } from '../ui/Tag';
import { useAction } from '../ui/useAction';
import { fetchAuditCsv, fetchAuditPage, type AuditRecord } from './adminApi';
import { adminKeys } from './adminQueries';
import {
  ACTIONS,
  actionLabel,
  auditQuery,
  csvFileName,
  DEFAULT_SORT,
  EMPTY_FILTERS,
  filterErrors,
  outcomeLabel,
  toggleSort,
  whatLabel,
  withCursor,
  type AuditFilters,
  type AuditSort,
  type SortColumn,
} from './auditQuery';

const ACTION_OPTIONS = [
  { value: '', label: 'Any action' },
  ...Object.entries(ACTIONS).map(([value, label]) => ({ value, label })),
];

/**
 * `/administration/audit` (ONC 170.315(d)(3) audit reports): who did what to which patient's data, when,
 * filtered by time, patient, user and action, sorted by any column (the server sorts: `sort=column`), read
 * page by page ("Load more" follows the cursor), and downloadable as CSV with the same filters.
 */
export default function AuditLogPage() {
  const practice = usePractice();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_FILTERS);
  const [sort, setSort] = useState<AuditSort>(DEFAULT_SORT);
  const query = useMemo(() => auditQuery(filters, sort), [filters, sort]);
  const draftErrors = filterErrors(draft);

  const pages = useInfiniteQuery({
    queryKey: adminKeys.audit(practice, query.toString()),
    queryFn: ({ pageParam, signal }) => fetchAuditPage(withCursor(query, pageParam), signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next || undefined,
    staleTime: 0,
  });
  const events = pages.data?.pages.flatMap((page) => page.events) ?? [];

  const download = useAction(fetchAuditCsv);
  async function onDownload() {
    const result = await download.run(query);
    if (!result.ok) return;
    const url = URL.createObjectURL(result.value);
    const link = document.createElement('a');
    link.href = url;
    link.download = csvFileName(filters, todayIso());
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (Object.keys(draftErrors).length === 0) setFilters(draft);
  }

  const set = (change: Partial<AuditFilters>) => setDraft((d) => ({ ...d, ...change }));
  const error = pages.error;
  return (
    <Stack gap="md" maw={1400}>
      <Title order={1}>Audit log</Title>
      <Paper p="sm" component="section" aria-label="Filters">
        <form onSubmit={onSubmit} aria-label="Audit log filters">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="sm">
            <TextInput
              type="datetime-local"
              label="From"
              description="Your computer’s local time"
              value={draft.from}
              onChange={(event) => set({ from: event.currentTarget.value })}
              error={draftErrors.from}
            />
            <TextInput
              type="datetime-local"
              label="To"
              description="Your computer’s local time"
              value={draft.to}
              onChange={(event) => set({ to: event.currentTarget.value })}
              error={draftErrors.to}
            />
            <TextInput
              label="Patient id"
              description="e.g. demo-pat-0004"
              autoComplete="off"
              spellCheck={false}
              value={draft.patient}
              onChange={(event) => set({ patient: event.currentTarget.value })}
            />
            <TextInput
              label="User"
              description="Username"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={draft.user}
              onChange={(event) => set({ user: event.currentTarget.value })}
            />
            <Select
              label="Action"
              description="C, R, U, D or E"
              data={ACTION_OPTIONS}
              value={draft.action}
              onChange={(value) => set({ action: value ?? '' })}
              allowDeselect={false}
            />
          </SimpleGrid>
          <Group mt="sm" justify="space-between">
            <Group gap="xs">
              <Button type="submit" disabled={Object.keys(draftErrors).length > 0}>
                Show
              </Button>
              <Button
                variant="default"
                onClick={() => {
                  setDraft(EMPTY_FILTERS);
                  setFilters(EMPTY_FILTERS);
                }}
              >
                Clear filters
              </Button>
            </Group>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              loading={download.pending}
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
      <Paper p="sm" component="section" aria-labelledby="audit-results">
        <Group justify="space-between" mb={6}>
          <Title order={2} id="audit-results">
            Events
          </Title>
          <Text size="sm" c="dimmed" aria-live="polite">
            {pages.isSuccess ? `${events.length} shown${pages.hasNextPage ? ', more to load' : ''}` : ''}
          </Text>
        </Group>
        {error && (
          <Stack gap={4} mb="xs">
            {['from', 'to', 'patient', 'user', 'action', 'sort', 'cursor'].map((field) => (
              <FieldError key={field} error={error} expression={field} />
            ))}
            <Text size="sm" c="red.9" role="alert">
              Could not load the audit log:{' '}
              {error instanceof FhirError && error.unreachable
                ? 'the server cannot be reached.'
                : error.message}
            </Text>
          </Stack>
        )}
        <AuditTable events={events} sort={sort} onSort={(column) => setSort((s) => toggleSort(s, column))} />
        {pages.isPending && (
          <Text size="sm" c="dimmed" role="status" mt="xs">
            Loading the audit log…
          </Text>
        )}
        {pages.isSuccess && events.length === 0 && (
          <Text size="sm" c="dimmed" mt="xs">
            No events match these filters.
          </Text>
        )}
        {pages.hasNextPage && (
          <Button
            mt="sm"
            variant="default"
            loading={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
          >
            Load more
          </Button>
        )}
      </Paper>
    </Stack>
  );
}

const COLUMNS: { label: string; sort?: SortColumn }[] = [
  { label: 'When', sort: 'recorded' },
  { label: 'User', sort: 'user' },
  { label: 'Action', sort: 'subtype' },
  { label: 'Outcome', sort: 'outcome' },
  { label: 'Patient', sort: 'patient' },
  { label: 'What' },
  { label: 'Address' },
];

function AuditTable({
  events,
  sort,
  onSort,
}: {
  events: AuditRecord[];
  sort: AuditSort;
  onSort: (column: SortColumn) => void;
}) {
  const timeZone = useClinicTimeZone();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped withRowBorders={false} aria-labelledby="audit-results">
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map((column) =>
              column.sort ? (
                <SortHeader
                  key={column.label}
                  label={column.label}
                  column={column.sort}
                  sort={sort}
                  onSort={onSort}
                />
              ) : (
                <Table.Th key={column.label} scope="col">
                  {column.label}
                </Table.Th>
              )
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.seq}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {formatDateTime(event.recorded, true, timeZone)}
              </Table.Td>
              <Table.Td>{event.userName ?? event.userId ?? ''}</Table.Td>
              <Table.Td>
                {actionLabel(event)}
                {event.emergency && (
                  <>
                    {' '}
                    <Tag tone="danger">Emergency access</Tag>
                  </>
                )}
              </Table.Td>
              <Table.Td>{outcomeLabel(event.outcome)}</Table.Td>
              <Table.Td>
                <Text span size="sm" ff="monospace">
                  {(event.patientIds ?? []).join(', ')}
                </Text>
              </Table.Td>
              <Table.Td>{whatLabel(event)}</Table.Td>
              <Table.Td>{event.address ?? ''}</Table.Td>
            </Table.Tr>
          ))}
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
  sort: AuditSort;
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
