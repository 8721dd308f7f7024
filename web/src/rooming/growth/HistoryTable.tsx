import { Table, Text } from '@mantine/core';
import { useClinicTimeZone } from '../../app/SiteContext';
import { formatDateTime } from '../../patient/display';
import type { HistoryRow, HistoryValue } from './growthApi';
import { HISTORY_COLUMNS } from './trendsModel';

const FLAG_WORDS: Record<string, string> = { H: 'high', L: 'low', HH: 'critical high', LL: 'critical low' };

function Cell({ value }: { value: HistoryValue | undefined }) {
  if (!value)
    return (
      <Text c="dimmed" size="sm" span aria-label="not taken">
        –
      </Text>
    );
  const flag = value.flag && value.flag !== 'N' ? FLAG_WORDS[value.flag] : undefined;
  return (
    <Text
      size="sm"
      span
      fw={flag ? 700 : undefined}
      c={flag?.startsWith('critical') ? 'red.9' : undefined}
      title={value.asEntered ? `entered as ${value.asEntered}` : undefined}
    >
      {value.display}
      {flag ? ` (${flag})` : ''}
    </Text>
  );
}

/** Every measurement set of the patient, newest first, one column per sign. */
export function HistoryTable({ rows }: { rows: HistoryRow[] }) {
  const timeZone = useClinicTimeZone();
  return (
    <div
      role="region"
      aria-label="Vitals history, scrolls sideways"
      tabIndex={0}
      style={{ overflowX: 'auto' }}
    >
      <Table striped withRowBorders={false} verticalSpacing={4} fz="sm" aria-label="Vitals history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Date</Table.Th>
            {HISTORY_COLUMNS.map((c) => (
              <Table.Th key={c.sign} scope="col">
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={`${row.encounterId ?? ''}${row.date}`}>
              <Table.Th scope="row" style={{ whiteSpace: 'nowrap', fontWeight: 500 }}>
                {formatDateTime(row.date, false, timeZone)}
              </Table.Th>
              {HISTORY_COLUMNS.map((c) => (
                <Table.Td key={c.sign} style={{ whiteSpace: 'nowrap' }}>
                  <Cell value={row.values[c.sign]} />
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
