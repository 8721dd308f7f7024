import type { Condition, Encounter } from '@medplum/fhirtypes';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { SYSTEM } from '../../demo/codes.js';
import { findReferencing } from '../../flow/visit.js';
import { SNOMED } from '../model.js';
import { patientOf } from './input.js';
import { reviewsOf, type ReviewStamp } from './reviewed.js';

/**
 * The problem list as the MA sees it (read only; the provider keeps it): the patient's Conditions of category
 * problem-list-item (and health-concern), not entered in error, active ones first. The MA's part is the
 * "problem list reviewed" stamp (reviewed.ts).
 */

export interface ProblemView {
  id: string;
  text: string;
  snomed?: string;
  icd10?: string;
  clinicalStatus?: string;
  verificationStatus?: string;
  onset?: string;
  abated?: string;
  recordedDate?: string;
}

export interface ProblemList {
  patientId: string;
  problems: ProblemView[];
  reviewed?: ReviewStamp;
}

const LIST_CATEGORIES = ['problem-list-item', 'health-concern'];
/** R4 condition-clinical: the active group first (active, recurrence, relapse), then the rest. */
const ACTIVE = ['active', 'recurrence', 'relapse'];

export function isOnProblemList(c: Condition): boolean {
  const categories = (c.category ?? []).flatMap((cat) => cat.coding ?? []);
  const verification = c.verificationStatus?.coding?.[0]?.code;
  return (
    verification !== 'entered-in-error' &&
    categories.some(
      (code) => code.system === SYSTEM.conditionCategory && LIST_CATEGORIES.includes(code.code ?? '')
    )
  );
}

export function problemView(c: Condition): ProblemView {
  const coding = c.code?.coding ?? [];
  return {
    id: c.id as string,
    text: c.code?.text ?? coding[0]?.display ?? 'Unnamed problem',
    snomed: coding.find((x) => x.system === SNOMED)?.code,
    icd10: coding.find((x) => x.system === SYSTEM.icd10cm)?.code,
    clinicalStatus: c.clinicalStatus?.coding?.[0]?.code,
    verificationStatus: c.verificationStatus?.coding?.[0]?.code,
    onset: c.onsetDateTime ?? c.onsetPeriod?.start ?? c.onsetString,
    abated: c.abatementDateTime ?? c.abatementPeriod?.end ?? c.abatementString,
    recordedDate: c.recordedDate,
  };
}

/** Active first; within a group the most recent onset first, then by name. */
export function sortProblems(list: ProblemView[]): ProblemView[] {
  const rank = (p: ProblemView): number => (ACTIVE.includes(p.clinicalStatus ?? '') ? 0 : 1);
  return [...list].sort(
    (a, b) =>
      rank(a) - rank(b) || (b.onset ?? '').localeCompare(a.onset ?? '') || a.text.localeCompare(b.text)
  );
}

/** GET /api/rooming/patients/:id/problems; with a visit, its "problems" stamp. */
export async function problemList(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  encounter?: Encounter
): Promise<ProblemList> {
  await patientOf(conn, ctx, patientId);
  const conditions = await findReferencing<Condition>(
    conn,
    ctx,
    'Condition',
    'subject',
    `Patient/${patientId}`
  );
  return {
    patientId,
    problems: sortProblems(conditions.filter(isOnProblemList).map(problemView)),
    reviewed: encounter ? reviewsOf(encounter).problems : undefined,
  };
}
