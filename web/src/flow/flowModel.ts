/**
 * The flow board's rules as the screen applies them, pure (no I/O): which step each status offers, how long a
 * visit has been in its status, when a row turns amber or red, and how a name is shortened for a wall display.
 * The server decides every transition again (POST /api/flow/encounters/:id/status answers 409 naming
 * `status` for one its model refuses); the statuses and their order are src/clinic/flow/status.ts.
 */

export const FLOW_STATUSES = [
  'scheduled',
  'arrived',
  'waiting',
  'roomed',
  'ready-for-provider',
  'with-provider',
  'ready-for-checkout',
  'checked-out',
  'no-show',
  'left-without-being-seen',
] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/** The same words as src/clinic/flow/status.ts FLOW_STATUS_LABELS. */
export const FLOW_STATUS_LABELS: Record<FlowStatus, string> = {
  scheduled: 'Scheduled',
  arrived: 'Arrived',
  waiting: 'Waiting',
  roomed: 'Roomed',
  'ready-for-provider': 'Ready for provider',
  'with-provider': 'With provider',
  'ready-for-checkout': 'Ready for check-out',
  'checked-out': 'Checked out',
  'no-show': 'No-show',
  'left-without-being-seen': 'Left without being seen',
};

export function isFlowStatus(value: string): value is FlowStatus {
  return (FLOW_STATUSES as readonly string[]).includes(value);
}

export function statusLabel(status: string): string {
  return isFlowStatus(status) ? FLOW_STATUS_LABELS[status] : status;
}

/** Statuses in which the visit is over: no clock, no actions. */
const DONE: ReadonlySet<string> = new Set(['checked-out', 'no-show', 'left-without-being-seen']);

export function isDone(status: string): boolean {
  return DONE.has(status);
}

/**
 * The next step a row offers, by its status:
 * - `check-in` opens the check-in dialog (POST /api/flow/check-in);
 * - `room` asks for a free room, then sets `roomed` with it;
 * - `status` moves the encounter straight to `to`;
 * - `ready-for-checkout` asks for the provider's follow-up, then moves the encounter there;
 * - `check-out` opens the check-out dialog.
 */
export type FlowStep =
  | { kind: 'check-in'; label: string }
  | { kind: 'room'; label: string }
  | { kind: 'status'; label: string; to: FlowStatus }
  | { kind: 'ready-for-checkout'; label: string }
  | { kind: 'check-out'; label: string };

export function nextStep(status: string): FlowStep | undefined {
  switch (status) {
    case 'scheduled':
      return { kind: 'check-in', label: 'Check in' };
    case 'arrived':
    case 'waiting':
      return { kind: 'room', label: 'Room' };
    case 'roomed':
      return { kind: 'status', label: 'Ready for provider', to: 'ready-for-provider' };
    case 'ready-for-provider':
      return { kind: 'status', label: 'With provider', to: 'with-provider' };
    case 'with-provider':
      return { kind: 'ready-for-checkout', label: 'Ready for check-out' };
    case 'ready-for-checkout':
      return { kind: 'check-out', label: 'Check out' };
    default:
      return undefined;
  }
}

/** A patient who arrived may leave before the provider sees them; after that it is a check-out. */
export function canLeaveWithoutBeingSeen(status: string): boolean {
  return ['arrived', 'waiting', 'roomed', 'ready-for-provider'].includes(status);
}

/** Whole minutes from `since` to `now` (0 for a time in the future or unreadable). */
export function minutesSince(since: string | undefined, now: number): number {
  if (!since) return 0;
  const start = Date.parse(since);
  if (Number.isNaN(start) || start > now) return 0;
  return Math.floor((now - start) / 60_000);
}

/** A duration in minutes as the board says it: "7 min", "1 h 05 min". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export interface Threshold {
  amber: number;
  red: number;
}

export type WaitLevel = 'ok' | 'amber' | 'red';

/**
 * How long is too long in a status: red from `red` minutes, amber from `amber`. A status without thresholds
 * (or a finished visit) is never flagged.
 */
export function waitLevel(
  status: string,
  minutes: number,
  thresholds: Partial<Record<string, Threshold>>
): WaitLevel {
  const limit = thresholds[status];
  if (!limit || isDone(status)) return 'ok';
  if (minutes >= limit.red) return 'red';
  if (minutes >= limit.amber) return 'amber';
  return 'ok';
}

/**
 * A name for a display others can see (the waiting-room wall): first name and the initial of the last
 * ("Maria H."), from the board's "Given Family" or "Family, Given" text. Nothing else of the patient.
 */
export function wallName(name: string | undefined): string {
  const text = (name ?? '').trim();
  if (text === '') return 'Patient';
  let given: string;
  let family: string;
  const comma = text.indexOf(',');
  if (comma >= 0) {
    family = text.slice(0, comma).trim();
    given =
      text
        .slice(comma + 1)
        .trim()
        .split(/\s+/)[0] ?? '';
  } else {
    const words = text.split(/\s+/);
    given = words[0] ?? '';
    family = words.length > 1 ? (words.at(-1) ?? '') : '';
  }
  const initial = family ? `${Array.from(family)[0]?.toUpperCase() ?? ''}.` : '';
  return [given, initial].filter(Boolean).join(' ') || 'Patient';
}

/** The flags the board may show, in the clinic's words. */
export const FLAG_LABELS: Record<string, string> = {
  interpreter: 'Interpreter',
  'mobility-aid': 'Mobility aid',
  'fall-risk': 'Fall risk',
  'labs-needed': 'Labs needed',
};

export function flagLabel(flag: string): string {
  return FLAG_LABELS[flag] ?? flag.replace(/-/g, ' ');
}
