/**
 * What the review panels compute without the server (and their unit tests check): the "reviewed" line, the
 * reconciliation's request from the rows on screen, the allergy dialog's request. Server contract:
 * docs/rooming/review.md.
 */

export interface ReviewStamp {
  what: 'allergies' | 'medications' | 'problems' | 'pharmacy';
  at: string;
  by: { reference?: string; display?: string };
}

/** Same local calendar day. */
function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * "Reviewed today by lortega at 10:42" for a stamp of today (local time), "Reviewed Nov 25, 2026 by lortega"
 * for an older one, "Not reviewed at this visit" without one.
 */
export function reviewedText(stamp: ReviewStamp | undefined, now: Date, locale = 'en-US'): string {
  if (!stamp) return 'Not reviewed at this visit';
  const at = new Date(stamp.at);
  const who = stamp.by.display ?? 'someone';
  if (sameDay(at, now)) {
    const time = new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at);
    return `Reviewed today by ${who} at ${time}`;
  }
  const day = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' }).format(at);
  return `Reviewed ${day} by ${who}`;
}

// ---------- medications ----------

export type MedAnswer = 'taking' | 'not-taking' | 'changed';
export type MedSource = 'patient' | 'caregiver' | 'pharmacy-list' | 'outside-records';

export const MED_SOURCE_OPTIONS: { value: MedSource; label: string }[] = [
  { value: 'patient', label: 'Patient' },
  { value: 'caregiver', label: 'Caregiver' },
  { value: 'pharmacy-list', label: 'Pharmacy list' },
  { value: 'outside-records', label: 'Outside records' },
];

export const MED_ANSWER_OPTIONS: { value: MedAnswer; label: string }[] = [
  { value: 'taking', label: 'Taking' },
  { value: 'not-taking', label: 'Not taking' },
  { value: 'changed', label: 'Changed' },
];

/** One row's answer on screen. */
export interface RowAnswer {
  answer?: MedAnswer;
  source: MedSource;
  dosage: string;
  note: string;
}

/** A medication the MA adds (from the RxNorm catalog, or typed). */
export interface AddedMedication {
  key: string;
  rxnorm?: string;
  text: string;
  dosage: string;
  source: MedSource;
}

export interface ReconcileItemBody {
  ref?: string;
  drug?: { rxnorm: string } | { text: string };
  status: MedAnswer | '';
  source: MedSource;
  dosage?: string;
  note?: string;
}

/**
 * Nothing would be left that the patient takes: every row answered "Not taking" (or no rows) and nothing
 * added. Completing then says "the patient takes no medications" (the button says so; the server records it).
 */
export function nothingTaken(
  rows: readonly { ref: string }[],
  answers: Readonly<Record<string, RowAnswer>>,
  added: readonly AddedMedication[]
): boolean {
  return added.length === 0 && rows.every((r) => answers[r.ref]?.answer === 'not-taking');
}

/**
 * The request body for POST /api/rooming/encounters/:id/medications: rows first, in order, then added ones
 * (saving progress sends only the rows answered so far). `keys[i]` is the row (ref or added key) of
 * `items[i]`, so an error naming `items[i].dosage` shows on its row. Completing with nothing taken sends
 * `noMedications` (see nothingTaken).
 */
export function reconcileBody(
  rows: readonly { ref: string }[],
  answers: Readonly<Record<string, RowAnswer>>,
  added: readonly AddedMedication[],
  complete: boolean
): { body: { items: ReconcileItemBody[]; complete: boolean; noMedications?: true }; keys: string[] } {
  const items: ReconcileItemBody[] = [];
  const keys: string[] = [];
  for (const row of rows) {
    const a = answers[row.ref];
    if (!a?.answer && !complete) continue;
    keys.push(row.ref);
    items.push({
      ref: row.ref,
      status: a?.answer ?? '',
      source: a?.source ?? 'patient',
      ...(a?.answer === 'changed' && a.dosage.trim() ? { dosage: a.dosage.trim() } : {}),
      ...(a?.note.trim() ? { note: a.note.trim() } : {}),
    });
  }
  for (const m of added) {
    keys.push(m.key);
    items.push({
      drug: m.rxnorm ? { rxnorm: m.rxnorm } : { text: m.text.trim() },
      status: 'taking',
      source: m.source,
      ...(m.dosage.trim() ? { dosage: m.dosage.trim() } : {}),
    });
  }
  const none = complete && nothingTaken(rows, answers, added);
  return { body: { items, complete, ...(none ? { noMedications: true as const } : {}) }, keys };
}

/** Rows still without an answer (the "Reconciliation complete" button waits for them). */
export function unanswered(
  rows: readonly { ref: string }[],
  answers: Readonly<Record<string, RowAnswer>>
): string[] {
  return rows.filter((r) => !answers[r.ref]?.answer).map((r) => r.ref);
}

/** The row an error expression `items[3].dosage` points at, given the rows the body was built from. */
export function itemIndexOf(expression: string): { index: number; field: string } | undefined {
  const m = /^items\[(\d+)\]\.?(.*)$/.exec(expression);
  return m ? { index: Number(m[1]), field: m[2] } : undefined;
}

// ---------- allergies ----------

/**
 * The list says something a provider can rely on (an active allergy, or "no known drug allergies"), so it may
 * be marked reviewed; otherwise the panel offers NKDA instead (the server refuses the stamp: 409).
 */
export function allergiesAnswered(list: {
  nkda: boolean;
  allergies: readonly { clinicalStatus?: string }[];
}): boolean {
  return list.nkda || list.allergies.some((a) => (a.clinicalStatus ?? 'active') === 'active');
}

export type Severity = 'mild' | 'moderate' | 'severe';
export type Criticality = 'low' | 'high' | 'unable-to-assess';

export interface AllergyForm {
  /** A catalog choice, "system|code", or '' for typed text. */
  catalog: string;
  text: string;
  category: '' | 'medication' | 'food' | 'environment' | 'biologic';
  reaction: string;
  reactionText: string;
  severity: '' | Severity;
  criticality: '' | Criticality;
  verificationStatus: 'unconfirmed' | 'confirmed';
  note: string;
}

export const EMPTY_ALLERGY_FORM: AllergyForm = {
  catalog: '',
  text: '',
  category: '',
  reaction: '',
  reactionText: '',
  severity: '',
  criticality: '',
  verificationStatus: 'unconfirmed',
  note: '',
};

/** The request body for adding an allergy from the dialog. */
export function allergyBody(form: AllergyForm): Record<string, unknown> {
  const [system, code] = form.catalog ? form.catalog.split('|') : [];
  const manifestation = form.reaction
    ? { code: form.reaction }
    : form.reactionText.trim()
      ? { text: form.reactionText.trim() }
      : undefined;
  return {
    action: 'add',
    substance: system && code ? { system, code } : { text: form.text.trim() },
    ...(form.category ? { category: form.category } : {}),
    ...(form.criticality ? { criticality: form.criticality } : {}),
    verificationStatus: form.verificationStatus,
    ...(manifestation
      ? { reaction: [{ manifestation, ...(form.severity ? { severity: form.severity } : {}) }] }
      : {}),
    ...(form.note.trim() ? { note: form.note.trim() } : {}),
  };
}
