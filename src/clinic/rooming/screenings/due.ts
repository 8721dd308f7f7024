import { localDate } from '../../flow/visit.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import type { RoomingVisit } from '../visit.js';
import { screeningHistory, type ScreeningRecord } from './history.js';
import { SCREENINGS, type ScreeningId } from './questionnaires.js';

/** A screening the checklist shows for this visit. */
export interface DueScreening {
  /** e.g. 'phq-2', 'gad-7', 'fall-risk', 'tobacco', 'social-needs'. */
  id: string;
  title: string;
  /** Done during this visit (a completed QuestionnaireResponse with this encounter). */
  done: boolean;
  /** Why it is due ("none in the last 12 months"). */
  reason: string;
}

/**
 * Age in whole years on the clinic's calendar date of `at` (birthday rule: not yet a year older before the
 * birthday). The date is taken in `timeZone` (the visit's clinic), so the age does not turn at UTC midnight.
 */
export function ageInYears(birthDate: string | undefined, at: Date, timeZone = 'UTC'): number | undefined {
  const m = birthDate ? /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(birthDate) : null;
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? '1'), Number(m[3] ?? '1')];
  const [ty, tm, td] = localDate(at, timeZone).split('-').map(Number);
  const age = ty - y;
  return tm < mo || (tm === mo && td < d) ? age - 1 : age;
}

/** The instant 12 calendar months before `now` (Feb 29 goes back to Feb 28, not on to Mar 1). */
export function yearBefore(now: Date): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  if (d.getUTCMonth() !== now.getUTCMonth()) d.setUTCDate(0);
  return d;
}

/** Which instruments a screening's history counts: a PHQ-9 is also a depression screening. */
const COUNTS_FOR: Record<string, ScreeningId[]> = {
  'phq-2': ['phq-2', 'phq-9'],
  'gad-7': ['gad-7'],
  'fall-risk': ['fall-risk'],
  tobacco: ['tobacco'],
  'social-needs': ['social-needs'],
};

/** The rules by age (USPSTF depression >= 12 and anxiety 18-64 (2023); STEADI >= 65; tobacco >= 12). */
const RULES: { id: ScreeningId; applies: (age: number) => boolean; who: string }[] = [
  { id: 'phq-2', applies: (age) => age >= 12, who: 'ages 12 and over' },
  { id: 'gad-7', applies: (age) => age >= 18 && age <= 64, who: 'adults 18-64' },
  { id: 'fall-risk', applies: (age) => age >= 65, who: 'ages 65 and over' },
  { id: 'tobacco', applies: (age) => age >= 12, who: 'ages 12 and over' },
  { id: 'social-needs', applies: () => true, who: 'every patient' },
];

/**
 * The newest screening of another visit that counts for `id` (a PHQ-9 counts for the PHQ-2) after `since`
 * (the 12-month window), from a history newest first (screeningHistory): the one rule dueFrom and the
 * checklist's fall-risk item both go by.
 */
export function recentScreening(
  history: readonly ScreeningRecord[],
  id: ScreeningId,
  encounterId: string | undefined,
  since: number
): ScreeningRecord | undefined {
  return history.find(
    (r) => r.encounterId !== encounterId && COUNTS_FOR[id].includes(r.id) && new Date(r.at).getTime() > since
  );
}

/**
 * The due screenings from the visit and the patient's screening history (pure; dueScreenings reads the
 * history): a screening is due when the rule's age applies and none (or, for depression, no PHQ-2 or PHQ-9)
 * was done in the last 12 months before this visit; `done` when it was completed in this encounter. The
 * PHQ-9 is due when this visit's PHQ-2 was positive.
 */
export function dueFrom(
  visit: Pick<RoomingVisit, 'encounter' | 'patient'> & { timeZone?: string },
  history: readonly ScreeningRecord[],
  now: Date
): DueScreening[] {
  const age = ageInYears(visit.patient.birthDate, now, visit.timeZone);
  const encounterId = visit.encounter.id;
  const since = yearBefore(now).getTime();
  const thisVisit = history.filter((r) => r.encounterId === encounterId);
  const doneHere = (id: ScreeningId) => thisVisit.some((r) => r.id === id);
  const list: DueScreening[] = [];
  for (const rule of RULES) {
    const title = SCREENINGS[rule.id].title;
    if (doneHere(rule.id)) {
      list.push({ id: rule.id, title, done: true, reason: 'completed this visit' });
      continue;
    }
    if (age === undefined || !rule.applies(age)) {
      continue;
    }
    if (rule.id === 'phq-2' && doneHere('phq-9')) {
      // A PHQ-9 this visit is the depression screening: no PHQ-2 needed.
      continue;
    }
    if (!recentScreening(history, rule.id, encounterId, since)) {
      list.push({ id: rule.id, title, done: false, reason: `${rule.who}: none in the last 12 months` });
    }
  }
  const phq2Here = thisVisit.find((r) => r.id === 'phq-2');
  if (doneHere('phq-9') || phq2Here?.positive) {
    const at = list.findIndex((d) => d.id === 'phq-2');
    list.splice(at + 1, 0, {
      id: 'phq-9',
      title: SCREENINGS['phq-9'].title,
      done: doneHere('phq-9'),
      reason: doneHere('phq-9') ? 'completed this visit' : 'the PHQ-2 this visit was positive',
    });
  }
  return list;
}

/**
 * The screenings due at this visit, by the rules of docs/rooming/screenings.md "Due rules" (dueFrom).
 * The rooming checklist (part C) calls this with the visit it has read.
 */
export async function dueScreenings(
  conn: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  now: Date
): Promise<DueScreening[]> {
  const history = await screeningHistory(conn, ctx, visit.patient.id as string);
  return dueFrom(visit, history, now);
}
