import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import type { RoomingVisit } from '../visit.js';

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
 * The screenings due at this visit, by the rules of docs/rooming-api.md "Screenings".
 * PLACEHOLDER until the screenings part lands: returns none.
 */
export async function dueScreenings(
  conn: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  now: Date
): Promise<DueScreening[]> {
  void conn;
  void ctx;
  void visit;
  void now;
  return [];
}
