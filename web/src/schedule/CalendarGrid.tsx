import { Box, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconArrowsMove, IconCalendarX, IconFileText, IconUserOff } from '@tabler/icons-react';
import { useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { formatDate } from '../patient/display';
import {
  UNIT_COUNT,
  UNITS_PER_ROW,
  openRows,
  placeBlocks,
  placeVisits,
  visitActions,
  visitPatientName,
  visitStatus,
  visitSummary,
  type PlacedVisit,
} from './layout';
import type { BookedVisit, Calendar } from './scheduleApi';
import { ROW_COUNT, clockLabel, instantOf, minutesOfRow, shortDateLabel, timeLabel } from './time';

/** Height of one 10-minute row, in pixels: a 20-minute visit has room for two lines of text. */
const ROW_PX = 22;
const UNIT_PX = ROW_PX / UNITS_PER_ROW;
const DRAG_TYPE = 'application/x-medassist-visit';

/** One column of the grid: a schedule on a date (a day view has one date; a week view seven per schedule). */
export interface GridColumn {
  key: string;
  scheduleId: string;
  date: string;
  label: string;
  /** Shown above the label (the day, in a week view). */
  overline?: string;
}

export type VisitAction = 'reschedule' | 'cancel' | 'no-show' | 'chart';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

const STATUS_TONES: Record<string, { bg: string; border: string }> = {
  booked: { bg: 'var(--mantine-color-indigo-0)', border: 'var(--mantine-color-indigo-7)' },
  arrived: { bg: 'var(--mantine-color-teal-0)', border: 'var(--mantine-color-teal-8)' },
  'checked-in': { bg: 'var(--mantine-color-teal-0)', border: 'var(--mantine-color-teal-8)' },
  fulfilled: { bg: 'var(--mantine-color-gray-1)', border: 'var(--mantine-color-gray-6)' },
  noshow: { bg: 'var(--mantine-color-red-0)', border: 'var(--mantine-color-red-8)' },
};
const DEFAULT_TONE = { bg: 'var(--mantine-color-indigo-0)', border: 'var(--mantine-color-indigo-7)' };

/**
 * The calendar: time rows 7:00 AM-6:00 PM in 10-minute steps down, one column per schedule (and day) across.
 * Open times are shaded; blocks are labelled; visits are cards with a menu of actions, and can be dragged to
 * another time or column (native HTML5 drag and drop; the menu's "Reschedule" is the keyboard way).
 * Open cells are buttons that start a booking there; the arrow keys move between them (one tab stop).
 */
export function CalendarGrid({
  label,
  columns,
  calendar,
  timeZone,
  canBook,
  nowMs,
  onBookCell,
  onVisitAction,
  onDropVisit,
}: {
  label: string;
  columns: GridColumn[];
  calendar: Calendar;
  timeZone: string;
  canBook: boolean;
  nowMs: number;
  onBookCell: (scheduleId: string, start: string) => void;
  onVisitAction: (visit: BookedVisit, action: VisitAction) => void;
  onDropVisit: (visit: BookedVisit, scheduleId: string, start: string) => void;
}) {
  const grid = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState<BookedVisit>();
  const [dropKey, setDropKey] = useState<string>();
  const [activeCell, setActiveCell] = useState<string>();

  const model = columns.map((column) => {
    const open = openRows(calendar.open, column.scheduleId, column.date, timeZone);
    const visits = placeVisits(calendar.appointments, column.scheduleId, column.date, timeZone);
    const blocks = placeBlocks(calendar.blocks, column.scheduleId, column.date, timeZone);
    // Lanes: the least common multiple of every group's width, so each group divides the column evenly.
    const lanes = visits.reduce((l, p) => (l * p.lanes) / gcd(l, p.lanes), 1);
    return { column, open, visits, blocks, lanes };
  });
  const firstOpen = model
    .flatMap((m, c) => m.open.map((isOpen, row) => (isOpen ? `${c}:${row}` : '')))
    .find(Boolean);
  const tabStop = activeCell ?? firstOpen;

  function moveFocus(event: KeyboardEvent<HTMLButtonElement>, col: number, row: number) {
    const step: Record<string, [number, number]> = {
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
    };
    const delta = step[event.key];
    if (!delta) return;
    event.preventDefault();
    const c = col + delta[0];
    let r = row + delta[1];
    while (c >= 0 && c < columns.length && r >= 0 && r < ROW_COUNT) {
      const target = grid.current?.querySelector<HTMLButtonElement>(`button[data-cell="${c}:${r}"]`);
      if (target) {
        setActiveCell(`${c}:${r}`);
        target.focus();
        return;
      }
      if (delta[1] === 0) return; // across: only the same time in the next column
      r += delta[1];
    }
  }

  function dropProps(col: GridColumn, row: number) {
    const key = `${col.key}:${row}`;
    return {
      onDragOver: (event: DragEvent) => {
        if (!dragging) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        if (dropKey !== key) setDropKey(key);
      },
      onDragLeave: () => setDropKey((k) => (k === key ? undefined : k)),
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        const visit = dragging;
        setDragging(undefined);
        setDropKey(undefined);
        if (visit) onDropVisit(visit, col.scheduleId, instantOf(col.date, minutesOfRow(row), timeZone));
      },
    };
  }

  const template = `76px repeat(${columns.length}, minmax(${columns.length > 7 ? 92 : 150}px, 1fr))`;
  return (
    <Box ref={grid} role="group" aria-label={label} style={{ overflowX: 'auto' }}>
      <Box
        style={{
          display: 'grid',
          gridTemplateColumns: template,
          position: 'sticky',
          top: 0,
          zIndex: 5,
          background: 'var(--mantine-color-body)',
          borderBottom: '1px solid var(--mantine-color-gray-4)',
        }}
      >
        <span />
        {columns.map((column) => (
          <Box key={column.key} px={6} py={4} style={{ borderLeft: '1px solid var(--mantine-color-gray-3)' }}>
            {column.overline && (
              <Text size="xs" fw={700} c="dark.6">
                {column.overline}
              </Text>
            )}
            <Text size="sm" fw={650} truncate="end" title={column.label}>
              {column.label}
            </Text>
          </Box>
        ))}
      </Box>
      <Box style={{ display: 'grid', gridTemplateColumns: template }}>
        <Box aria-hidden style={{ display: 'grid', gridTemplateRows: `repeat(${ROW_COUNT}, ${ROW_PX}px)` }}>
          {Array.from({ length: ROW_COUNT }, (_, row) => {
            const minutes = minutesOfRow(row);
            return (
              <Text
                key={row}
                size="xs"
                c={minutes % 60 === 0 ? 'dark.7' : 'dark.3'}
                fw={minutes % 60 === 0 ? 700 : 400}
                ta="right"
                pr={6}
                style={{
                  whiteSpace: 'nowrap',
                  lineHeight: `${ROW_PX}px`,
                  borderTop: minutes % 60 === 0 ? '1px solid var(--mantine-color-gray-4)' : undefined,
                }}
              >
                {minutes % 30 === 0 ? clockLabel(minutes) : ''}
              </Text>
            );
          })}
        </Box>
        {model.map(({ column, open, visits, blocks, lanes }, col) => (
          <Box
            key={column.key}
            role="group"
            aria-label={column.overline ? `${column.label}, ${column.overline}` : column.label}
            style={{
              display: 'grid',
              gridTemplateRows: `repeat(${UNIT_COUNT}, ${UNIT_PX}px)`,
              gridTemplateColumns: `repeat(${lanes}, minmax(0, 1fr))`,
              borderLeft: '1px solid var(--mantine-color-gray-3)',
            }}
          >
            {open.map((isOpen, row) => {
              const minutes = minutesOfRow(row);
              const key = `${column.key}:${row}`;
              const style = {
                gridRow: `${row * UNITS_PER_ROW + 1} / span ${UNITS_PER_ROW}`,
                gridColumn: '1 / -1',
                borderTop:
                  minutes % 60 === 0
                    ? '1px solid var(--mantine-color-gray-4)'
                    : '1px dotted var(--mantine-color-gray-2)',
                background:
                  dropKey === key
                    ? 'var(--mantine-color-yellow-2)'
                    : isOpen
                      ? 'var(--mantine-color-green-0)'
                      : 'var(--mantine-color-gray-2)',
                outline: dropKey === key ? '2px dashed var(--mantine-color-yellow-9)' : undefined,
              } as const;
              if (!isOpen || !canBook) return <div key={key} style={style} {...dropProps(column, row)} />;
              const cell = `${col}:${row}`;
              const when = column.overline
                ? `${shortDateLabel(column.date)} ${clockLabel(minutes)}`
                : clockLabel(minutes);
              return (
                <button
                  key={key}
                  type="button"
                  className="schedule-cell"
                  data-cell={cell}
                  tabIndex={tabStop === cell ? 0 : -1}
                  aria-label={`Book ${when}, ${column.label}`}
                  onFocus={() => setActiveCell(cell)}
                  onKeyDown={(event) => moveFocus(event, col, row)}
                  onClick={() => onBookCell(column.scheduleId, instantOf(column.date, minutes, timeZone))}
                  style={{
                    ...style,
                    border: 0,
                    padding: 0,
                    margin: 0,
                    cursor: 'pointer',
                    borderTop: style.borderTop,
                  }}
                  {...dropProps(column, row)}
                />
              );
            })}
            {blocks.map(({ block, row, span }) => (
              <Box
                key={block.id}
                px={6}
                style={{
                  gridRow: `${row + 1} / span ${span}`,
                  gridColumn: '1 / -1',
                  zIndex: 1,
                  overflow: 'hidden',
                  background:
                    'repeating-linear-gradient(135deg, var(--mantine-color-gray-3) 0 6px, var(--mantine-color-gray-2) 6px 12px)',
                  borderTop: '1px solid var(--mantine-color-gray-5)',
                  borderBottom: '1px solid var(--mantine-color-gray-5)',
                }}
              >
                <Text size="xs" fw={700} c="dark.8" truncate="end">
                  {block.reason.charAt(0).toUpperCase() + block.reason.slice(1)} ·{' '}
                  {timeLabel(block.start, timeZone)}–{timeLabel(block.end, timeZone)}
                </Text>
              </Box>
            ))}
            {visits.map((placed) => (
              <VisitCard
                key={placed.visit.id}
                placed={placed}
                lanes={lanes}
                timeZone={timeZone}
                canBook={canBook}
                nowMs={nowMs}
                onAction={onVisitAction}
                onDragStart={setDragging}
                onDragEnd={() => {
                  setDragging(undefined);
                  setDropKey(undefined);
                }}
              />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function VisitCard({
  placed,
  lanes,
  timeZone,
  canBook,
  nowMs,
  onAction,
  onDragStart,
  onDragEnd,
}: {
  placed: PlacedVisit;
  lanes: number;
  timeZone: string;
  canBook: boolean;
  nowMs: number;
  onAction: (visit: BookedVisit, action: VisitAction) => void;
  onDragStart: (visit: BookedVisit) => void;
  onDragEnd: () => void;
}) {
  const { visit, row, span, lane } = placed;
  const width = lanes / placed.lanes;
  const tone = STATUS_TONES[visit.status] ?? DEFAULT_TONE;
  const position = {
    gridRow: `${row + 1} / span ${span}`,
    gridColumn: `${lane * width + 1} / span ${width}`,
    zIndex: 2,
    margin: '1px 2px',
    minWidth: 0,
  } as const;
  const summary = visitSummary(visit, timeZone);
  const [clock, meridiem] = timeLabel(visit.start, timeZone).split(' ');
  const until = ` ${meridiem} to ${timeLabel(visit.end, timeZone)}`;

  if (visit.restricted || !visit.patient) {
    return (
      <Box
        px={4}
        data-testid="visit-card"
        title={summary}
        style={{
          ...position,
          overflow: 'hidden',
          background: 'var(--mantine-color-gray-3)',
          borderLeft: '4px solid var(--mantine-color-gray-7)',
          borderRadius: 'var(--mantine-radius-xs)',
        }}
      >
        <Text size="xs" fw={600} c="dark.9" truncate="end">
          {clock}
          <span className="visually-hidden">{until},</span> Busy (restricted chart)
        </Text>
      </Box>
    );
  }

  const actions = visitActions(visit, nowMs, canBook);
  const name = visitPatientName(visit.patient);
  return (
    <Menu position="right-start" withinPortal shadow="md">
      <Menu.Target>
        <UnstyledButton
          data-testid="visit-card"
          data-visit-id={visit.id}
          title={summary}
          draggable={actions.reschedule}
          onDragStart={(event) => {
            event.dataTransfer.setData(DRAG_TYPE, visit.id);
            event.dataTransfer.setData('text/plain', visit.id);
            event.dataTransfer.effectAllowed = 'move';
            onDragStart(visit);
          }}
          onDragEnd={onDragEnd}
          px={4}
          style={{
            ...position,
            overflow: 'hidden',
            display: 'block',
            background: tone.bg,
            borderLeft: `4px solid ${tone.border}`,
            borderRadius: 'var(--mantine-radius-xs)',
            boxShadow: '0 0 0 1px var(--mantine-color-gray-4)',
            cursor: actions.reschedule ? 'grab' : 'pointer',
            textDecoration: visit.status === 'noshow' ? 'line-through' : undefined,
          }}
        >
          {/* The accessible name is the visible text plus what the card has no room to show. */}
          <Text size="xs" fw={700} c="dark.9" truncate="end" lh={1.35}>
            {clock}
            <span className="visually-hidden">{until},</span> {name}
            <span className="visually-hidden">
              , born {formatDate(visit.patient.birthDate) || 'date not recorded'},
            </span>
          </Text>
          <Text
            size="xs"
            c="dark.7"
            truncate="end"
            lh={1.35}
            className={span > UNITS_PER_ROW ? undefined : 'visually-hidden'}
          >
            {visit.visitType.display} · {visitStatus(visit)}
          </Text>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown aria-label={`Actions for ${name}`}>
        <Menu.Label>
          {name} · {timeLabel(visit.start, timeZone)}
        </Menu.Label>
        {actions.chart && (
          <Menu.Item
            leftSection={<IconFileText size={16} aria-hidden />}
            onClick={() => onAction(visit, 'chart')}
          >
            Open chart
          </Menu.Item>
        )}
        {actions.reschedule && (
          <Menu.Item
            leftSection={<IconArrowsMove size={16} aria-hidden />}
            onClick={() => onAction(visit, 'reschedule')}
          >
            Reschedule…
          </Menu.Item>
        )}
        {actions.cancel && (
          <Menu.Item
            leftSection={<IconCalendarX size={16} aria-hidden />}
            onClick={() => onAction(visit, 'cancel')}
          >
            Cancel appointment…
          </Menu.Item>
        )}
        {actions.noShow && (
          <Menu.Item
            leftSection={<IconUserOff size={16} aria-hidden />}
            onClick={() => onAction(visit, 'no-show')}
          >
            Mark no-show
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
