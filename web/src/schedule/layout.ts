/**
 * How the calendar lays a day out: which 10-minute rows of a column are open, where blocks and visits sit,
 * side-by-side lanes for visits that overlap (an overbooking), and what a visit card says and allows.
 * Pure: no I/O, no DOM; the screens only draw what these return.
 */
import type { HumanName } from '@medplum/fhirtypes';
import { formatDate, formatNameFamilyFirst } from '../patient/display';
import type {
  BookedVisit,
  FreeSlot,
  ScheduleBlock,
  TimeRange,
  VisitPatient,
  WaitlistEntry,
  WaitlistOffer,
} from './scheduleApi';
import { DAY_START_MINUTES, ROW_COUNT, ROW_MINUTES, localTimeOf, timeLabel } from './time';

/**
 * Visits and blocks are placed in 5-minute units (two per 10-minute row), so a 15-minute nurse visit ends
 * where it ends and the next one starts right below it instead of beside it.
 */
export const UNIT_MINUTES = 5;
export const UNITS_PER_ROW = ROW_MINUTES / UNIT_MINUTES;
export const UNIT_COUNT = ROW_COUNT * UNITS_PER_ROW;

/** Where something sits in a column: its first 5-minute unit and how many it covers (clipped to the grid). */
export interface RowSpan {
  row: number;
  span: number;
}

/**
 * The 5-minute units [start, end) covers on `date` in the clinic's zone, clipped to 07:00-18:00; undefined
 * when it does not show on that day's grid at all. A partly covered unit counts as covered.
 */
export function placeRange(start: string, end: string, date: string, timeZone: string): RowSpan | undefined {
  const from = localTimeOf(start, timeZone);
  const to = localTimeOf(end, timeZone);
  const startMin = from.date < date ? 0 : from.date > date ? Infinity : from.minutes;
  const endMin = to.date > date ? 24 * 60 : to.date < date ? -Infinity : to.minutes;
  const first = Math.max(0, Math.floor((startMin - DAY_START_MINUTES) / UNIT_MINUTES));
  const last = Math.min(UNIT_COUNT, Math.ceil((endMin - DAY_START_MINUTES) / UNIT_MINUTES));
  if (!(last > first)) return undefined;
  return { row: first, span: last - first };
}

/** For each row of a column on `date`: true when the whole 10 minutes lie inside one of its open ranges. */
export function openRows(
  open: readonly TimeRange[],
  scheduleId: string,
  date: string,
  timeZone: string
): boolean[] {
  const rows = new Array<boolean>(ROW_COUNT).fill(false);
  for (const range of open) {
    if (range.scheduleId !== scheduleId) continue;
    const from = localTimeOf(range.start, timeZone);
    const to = localTimeOf(range.end, timeZone);
    const startMin = from.date < date ? 0 : from.date > date ? Infinity : from.minutes;
    const endMin = to.date > date ? 24 * 60 : to.date < date ? -Infinity : to.minutes;
    for (let row = 0; row < ROW_COUNT; row++) {
      const rowStart = DAY_START_MINUTES + row * ROW_MINUTES;
      if (rowStart >= startMin && rowStart + ROW_MINUTES <= endMin) rows[row] = true;
    }
  }
  return rows;
}

/** Statuses that hold a time on the calendar; cancelled, entered-in-error and waitlist entries do not. */
const HIDDEN_STATUSES = new Set(['cancelled', 'entered-in-error', 'waitlist']);

export interface PlacedVisit extends RowSpan {
  visit: BookedVisit;
  /** Side-by-side position among visits that overlap it (0-based) and how many share the width. */
  lane: number;
  lanes: number;
}

export interface PlacedBlock extends RowSpan {
  block: ScheduleBlock;
}

/** The blocks of one column on one day. */
export function placeBlocks(
  blocks: readonly ScheduleBlock[],
  scheduleId: string,
  date: string,
  timeZone: string
): PlacedBlock[] {
  const out: PlacedBlock[] = [];
  for (const block of blocks) {
    if (block.scheduleId !== scheduleId) continue;
    const at = placeRange(block.start, block.end, date, timeZone);
    if (at) out.push({ block, ...at });
  }
  return out;
}

/**
 * The visits of one column on one day, in time order, with lanes: visits whose times overlap (directly or
 * through a chain) form a group as wide as its most overlapping moment, and each takes the lowest free lane.
 */
export function placeVisits(
  visits: readonly BookedVisit[],
  scheduleId: string,
  date: string,
  timeZone: string
): PlacedVisit[] {
  const placed: PlacedVisit[] = [];
  for (const visit of visits) {
    if (visit.scheduleId !== scheduleId || HIDDEN_STATUSES.has(visit.status)) continue;
    const at = placeRange(visit.start, visit.end, date, timeZone);
    if (at) placed.push({ visit, ...at, lane: 0, lanes: 1 });
  }
  placed.sort((a, b) => a.row - b.row || b.span - a.span || a.visit.start.localeCompare(b.visit.start));

  let group: PlacedVisit[] = [];
  let groupEnd = -1;
  const laneEnds: number[] = [];
  const closeGroup = () => {
    const lanes = Math.max(1, ...group.map((p) => p.lane + 1));
    for (const p of group) p.lanes = lanes;
    group = [];
    laneEnds.length = 0;
  };
  for (const p of placed) {
    if (p.row >= groupEnd) closeGroup();
    let lane = laneEnds.findIndex((end) => end <= p.row);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = p.row + p.span;
    p.lane = lane;
    group.push(p);
    groupEnd = Math.max(groupEnd, p.row + p.span);
  }
  closeGroup();
  return placed;
}

/** A patient's name as the schedule lists it: family first ("Muñoz, José"). */
export function visitPatientName(patient: VisitPatient): string {
  const { name } = patient;
  if (typeof name === 'string') return name.trim() || 'Name not recorded';
  const names: HumanName[] = Array.isArray(name) ? name : [name];
  const chosen = names.find((n) => n.use === 'official') ?? names.find((n) => n.use !== 'old') ?? names[0];
  return formatNameFamilyFirst(chosen) || 'Name not recorded';
}

const STATUS_WORDS: Record<string, string> = {
  proposed: 'Proposed',
  pending: 'Pending',
  booked: 'Booked',
  arrived: 'Arrived',
  'checked-in': 'Checked in',
  fulfilled: 'Completed',
  noshow: 'No-show',
  cancelled: 'Cancelled',
  waitlist: 'Waitlist',
  'entered-in-error': 'Entered in error',
};

/** A status code as the front desk says it ("noshow" -> "No-show"; an unknown code with its dashes as spaces). */
export function statusWords(status: string): string {
  const known = STATUS_WORDS[status];
  if (known) return known;
  const words = status.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a visit shows as its status: where it is in the flow once the patient arrived, else its booking status. */
export function visitStatus(visit: BookedVisit): string {
  return statusWords(visit.flowStatus ?? visit.status);
}

/** The words a card (and a screen reader) gives a visit; a restricted chart's visit says only that it is busy. */
export function visitSummary(visit: BookedVisit, timeZone: string): string {
  const when = `${timeLabel(visit.start, timeZone)} to ${timeLabel(visit.end, timeZone)}`;
  if (visit.restricted || !visit.patient) return `${when}, Busy (restricted chart)`;
  const born = visit.patient.birthDate ? `, born ${formatDate(visit.patient.birthDate)}` : '';
  return `${when}, ${visitPatientName(visit.patient)}${born}, ${visit.visitType.display}, ${visitStatus(visit)}`;
}

/** Statuses from which a visit can still be moved or cancelled. */
const CHANGEABLE = new Set(['proposed', 'pending', 'booked']);

export interface VisitActions {
  reschedule: boolean;
  cancel: boolean;
  noShow: boolean;
  chart: boolean;
}

/**
 * What the front desk may do with a visit from its card (the server decides again). A no-show can only be
 * marked once the visit's start has passed; a restricted chart's visit offers nothing (nobody sees whose it is).
 */
export function visitActions(visit: BookedVisit, nowMs: number, canBook: boolean): VisitActions {
  if (visit.restricted || !visit.patient)
    return { reschedule: false, cancel: false, noShow: false, chart: false };
  const changeable = canBook && CHANGEABLE.has(visit.status);
  return {
    reschedule: changeable,
    cancel: changeable,
    noShow: changeable && Date.parse(visit.start) <= nowMs,
    chart: true,
  };
}

/** Found slots grouped by the clinic's local date, in time order. */
export function slotsByDate(
  slots: readonly FreeSlot[],
  timeZone: string
): { date: string; slots: FreeSlot[] }[] {
  const groups = new Map<string, FreeSlot[]>();
  for (const slot of [...slots].sort((a, b) => a.start.localeCompare(b.start))) {
    const { date } = localTimeOf(slot.start, timeZone);
    const list = groups.get(date) ?? [];
    list.push(slot);
    groups.set(date, list);
  }
  return [...groups].map(([date, list]) => ({ date, slots: list }));
}

/** The visit type code of an offer or entry, whichever way the server wrote it. */
export function visitTypeCode(value: { code: string } | string | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.code;
}

/** The time a waitlist offer proposes: its slot, else its own schedule and start. */
export function offerTime(offer: WaitlistOffer): { scheduleId: string; start: string } | undefined {
  if (offer.slot?.scheduleId && offer.slot.start)
    return { scheduleId: offer.slot.scheduleId, start: offer.slot.start };
  if (offer.scheduleId && offer.start) return { scheduleId: offer.scheduleId, start: offer.start };
  return undefined;
}

/** The dates a waitlist entry asks for, "from" and "to" (local dates), whichever way the server wrote them. */
export function entryDates(entry: WaitlistEntry): { from?: string; to?: string } {
  const period = Array.isArray(entry.requestedPeriod) ? entry.requestedPeriod[0] : entry.requestedPeriod;
  return {
    from: entry.from ?? period?.start?.slice(0, 10),
    to: entry.to ?? period?.end?.slice(0, 10),
  };
}
