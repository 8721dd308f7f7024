/**
 * Pure helpers of the rooming screen: progress, which sections show and in which order, what each
 * checklist item points at, words for statuses and notices. Tested in test/web/rooming/screen.
 */
import type { ChecklistItemView } from '../types';

export interface Progress {
  done: number;
  total: number;
  /** Whole percent, 100 for an empty list. */
  percent: number;
}

export function progressOf(items: readonly ChecklistItemView[]): Progress {
  const done = items.filter((i) => i.done).length;
  const total = items.length;
  return { done, total, percent: total === 0 ? 100 : Math.round((done / total) * 100) };
}

export function openItems(items: readonly ChecklistItemView[]): ChecklistItemView[] {
  return items.filter((i) => !i.done);
}

/** The sections of the screen (each one panel of another part), in checklist order. */
export type SectionId =
  | 'vitals'
  | 'allergies'
  | 'medications'
  | 'problems'
  | 'screenings'
  | 'intake'
  | 'consent'
  | 'procedure'
  | 'education'
  | 'care-gaps'
  | 'trends';

export const SECTION_TITLES: Record<SectionId, string> = {
  vitals: 'Vital signs and pain',
  allergies: 'Allergies',
  medications: 'Medications and pharmacy',
  problems: 'Problem list',
  screenings: 'Screenings',
  intake: 'Chief complaint and intake notes',
  consent: 'Procedure consent',
  procedure: 'Procedure and wound care',
  education: 'Patient education',
  'care-gaps': 'Care gaps',
  trends: 'Trends',
};

/** The section where a checklist item is done. */
export const ITEM_SECTION: Record<string, SectionId> = {
  vitals: 'vitals',
  pain: 'vitals',
  allergies: 'allergies',
  medications: 'medications',
  pharmacy: 'medications',
  screenings: 'screenings',
  'fall-risk': 'screenings',
  tobacco: 'screenings',
  pregnancy: 'screenings',
  'chief-complaint': 'intake',
  consent: 'consent',
};

/**
 * The sections for a visit: vitals unless it is telehealth with no vitals item, then the review sections,
 * screenings, intake, consent and procedure only for procedure visits, then education, care gaps and trends.
 */
export function sectionsFor(visitType: string, items: readonly ChecklistItemView[]): SectionId[] {
  const has = (id: string) => items.some((i) => i.id === id);
  const sections: SectionId[] = [];
  if (has('vitals') || has('pain') || visitType !== 'telehealth') sections.push('vitals');
  sections.push('allergies', 'medications', 'problems', 'screenings', 'intake');
  if (visitType === 'procedure') sections.push('consent', 'procedure');
  sections.push('education', 'care-gaps', 'trends');
  return sections;
}

export function sectionAnchor(section: SectionId): string {
  return `rooming-${section}`;
}

/** Whether an item was done only by a tick by hand (then the tick can be taken back). */
export function tickedByHand(item: ChecklistItemView): boolean {
  return item.done && /ticked by hand$/i.test(item.detail ?? '');
}

/** Items that may be ticked by hand: not for vital signs or pain (they are measured). */
export function mayTick(item: ChecklistItemView): boolean {
  return item.id !== 'vitals' && item.id !== 'pain' && (!item.done || tickedByHand(item));
}

export const FLOW_STATUS_WORDS: Record<string, string> = {
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

export function flowStatusWords(status: string): string {
  return FLOW_STATUS_WORDS[status] ?? status;
}

export const NOTICE_KIND_WORDS: Record<string, string> = {
  'critical-vital': 'Critical vital sign',
  'positive-screening': 'Positive screening',
  'ready-for-provider': 'Ready for provider',
  'cosign-needed': 'Co-signature needed',
};

export function noticeKindWords(kind: string): string {
  return NOTICE_KIND_WORDS[kind] ?? 'Notice';
}

/** "Urgent", "Stat" or "Routine". */
export function priorityWords(priority: string): string {
  return priority === 'stat' ? 'Stat' : priority === 'urgent' ? 'Urgent' : 'Routine';
}

/** Date of birth as the two-identifier header shows it: "1980-04-12" -> "04/12/1980". */
export function formatBirthDate(birthDate: string | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? '');
  return m ? `${m[2]}/${m[3]}/${m[1]}` : (birthDate ?? '');
}

export function sexWords(gender: string | undefined): string | undefined {
  switch (gender) {
    case 'female':
      return 'Female';
    case 'male':
      return 'Male';
    case 'other':
      return 'Other';
    case 'unknown':
      return 'Unknown';
    default:
      return undefined;
  }
}
