/**
 * Pure helpers of the rooming screen: progress, which sections show and in which order, what each
 * checklist item points at, words for statuses and notices. Tested in test/web/rooming/screen.
 */
import type { ChecklistItemView } from '../types';

/**
 * A checklist item as GET /api/rooming/encounters/:id answers it (src/clinic/rooming/screen/checklist.ts
 * RoomingChecklistItem): `tickable` is the server's list of items that may be ticked by hand
 * (src/clinic/rooming/screen/handTicks.ts HAND_TICKABLE_ITEMS), so the screen offers exactly what the server
 * accepts; `ticked` says who ticked it and when; `attention` marks a done item the provider must read (a
 * refused consent).
 */
export interface ScreenChecklistItem extends ChecklistItemView {
  tickable?: boolean;
  ticked?: { by?: string; at?: string };
  attention?: boolean;
}

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
 * screenings, intake; procedure consent on procedure visits (or when the checklist asks for it), or on any
 * visit once a consent is recorded or the MA asks for one (`consent`: a procedure is being done at a
 * follow-up); procedure and wound care at every visit in the room (a dermatology wound re-check is a
 * follow-up or a nurse visit), not on telehealth (nothing to assist or measure); then education, care gaps
 * and trends.
 */
export function sectionsFor(
  visitType: string,
  items: readonly ChecklistItemView[],
  options: { consent?: boolean } = {}
): SectionId[] {
  const has = (id: string) => items.some((i) => i.id === id);
  const sections: SectionId[] = [];
  if (has('vitals') || has('pain') || visitType !== 'telehealth') sections.push('vitals');
  sections.push('allergies', 'medications', 'problems', 'screenings', 'intake');
  if (visitType === 'procedure' || has('consent') || options.consent) sections.push('consent');
  if (visitType !== 'telehealth') sections.push('procedure');
  sections.push('education', 'care-gaps', 'trends');
  return sections;
}

export function sectionAnchor(section: SectionId): string {
  return `rooming-${section}`;
}

/** Whether an item was done only by a tick by hand (then the tick can be taken back). */
export function tickedByHand(item: ScreenChecklistItem): boolean {
  return item.done && item.ticked !== undefined;
}

/**
 * Whether to offer the tick by hand: only items the server says may be ticked (never vital signs, pain or
 * consent; an answer without the flag offers nothing), while open or ticked by hand (to take it back).
 */
export function mayTick(item: ScreenChecklistItem): boolean {
  return item.tickable === true && (!item.done || tickedByHand(item));
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
