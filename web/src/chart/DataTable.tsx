import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** A compact table with column headers; rows are arrays of cells in column order. */
export function DataTable({
  columns,
  rows,
  nowrap = [],
}: {
  columns: string[];
  rows: { key: string; cells: ReactNode[] }[];
  /** Columns (by index) kept on one line, e.g. dates. */
  nowrap?: number[];
}) {
  return (
    <Table striped withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((column) => (
            <Table.Th key={column} scope="col">
              {column}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.key}>
            {row.cells.map((cell, index) => (
              <Table.Td key={index} style={nowrap.includes(index) ? { whiteSpace: 'nowrap' } : undefined}>
                {cell}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
