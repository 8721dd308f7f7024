/**
 * The recall list's words and filters (docs/front-desk-api.md, "Reminders and the recall list"), kept
 * apart from the screen so they are unit-tested.
 */

export const ATTEMPT_METHODS = ['phone', 'sms', 'email', 'letter', 'portal'] as const;
export type AttemptMethod = (typeof ATTEMPT_METHODS)[number];
export const ATTEMPT_OUTCOMES = [
  'no-answer',
  'left-message',
  'wrong-number',
  'will-call-back',
  'declined',
  'booked',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export const METHOD_LABELS: Record<AttemptMethod, string> = {
  phone: 'Phone call',
  sms: 'Text message',
  email: 'Email',
  letter: 'Letter',
  portal: 'Patient portal',
};

export const OUTCOME_LABELS: Record<AttemptOutcome, string> = {
  'no-answer': 'No answer',
  'left-message': 'Left a message',
  'wrong-number': 'Wrong number',
  'will-call-back': 'Will call back',
  declined: 'Declined (closes the recall)',
  booked: 'Booked a visit',
};

export interface RecallAttempt {
  at: string;
  method: AttemptMethod;
  outcome: AttemptOutcome;
  note?: string;
  by?: string;
}

export interface RecallItem {
  id: string;
  source: string;
  patient: { id: string; name: string; birthDate?: string };
  visitType: { code: string; display?: string };
  reason?: string;
  requestedOn: string;
  dueDate: string;
  overdueDays: number;
  attempts: number;
  lastAttempt?: RecallAttempt;
  closed: boolean;
}

export interface RecallList {
  today: string;
  timeZone: string;
  items: RecallItem[];
}

export interface RecallFilter {
  overdueOnly: boolean;
  visitType: string | null;
  includeClosed: boolean;
}

export const NO_FILTER: RecallFilter = { overdueOnly: false, visitType: null, includeClosed: false };

/** The query string of GET /api/recall for a filter (no patient data: only flags and a visit-type code). */
export function recallQuery(filter: RecallFilter): string {
  const params = new URLSearchParams();
  if (filter.overdueOnly) params.set('overdue', 'true');
  if (filter.visitType) params.set('visitType', filter.visitType);
  if (filter.includeClosed) params.set('closed', 'true');
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** How due a recall is, in words and a colour: the colour never carries the meaning alone. */
export function dueLabel(
  item: Pick<RecallItem, 'overdueDays' | 'dueDate' | 'closed'>,
  today: string
): {
  text: string;
  color: 'red' | 'orange' | 'gray' | 'blue';
} {
  if (item.closed) return { text: 'Closed', color: 'gray' };
  if (item.overdueDays > 0) {
    return {
      text: `${item.overdueDays} ${item.overdueDays === 1 ? 'day' : 'days'} overdue`,
      color: item.overdueDays > 30 ? 'red' : 'orange',
    };
  }
  const days = Math.round(
    (Date.parse(`${item.dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000
  );
  if (days === 0) return { text: 'Due today', color: 'orange' };
  return { text: `Due in ${days} ${days === 1 ? 'day' : 'days'}`, color: 'blue' };
}

/** "Left a message by phone call, 2026-11-20" for the last attempt; "No attempts yet" otherwise. */
export function attemptSummary(item: Pick<RecallItem, 'attempts' | 'lastAttempt'>): string {
  const last = item.lastAttempt;
  if (!last || item.attempts === 0) return 'No attempts yet';
  const outcome = OUTCOME_LABELS[last.outcome].replace(/ \(.*\)$/, '');
  const method = METHOD_LABELS[last.method].toLowerCase();
  const count = item.attempts === 1 ? '1 attempt' : `${item.attempts} attempts`;
  return `${count}; last: ${outcome} (${method}, ${last.at.slice(0, 10)})`;
}
