import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import type { RoomingVisit } from '../visit.js';
import { dueFrom, type DueScreening } from './due.js';
import { screeningHistory, type ScreeningRecord } from './history.js';
import { SCREENINGS, type ScreeningId } from './questionnaires.js';

/** A screening result as the rooming screen shows it (no answers: those are in the response). */
export interface ScreeningResultView {
  id: ScreeningId;
  title: string;
  score?: number;
  /** The highest possible score of the instrument. */
  max?: number;
  band?: string;
  positive: boolean;
  at: string;
  observationId: string;
  /** The code of a status record (tobacco, pregnancy). */
  code?: string;
}

export interface EncounterScreenings {
  due: DueScreening[];
  /** This visit's results, newest of each screening. */
  results: ScreeningResultView[];
  /** The newest tobacco and pregnancy status in the chart, from any visit. */
  latest: Partial<Record<'tobacco' | 'pregnancy', ScreeningResultView>>;
}

/** The highest score of each scored instrument (scoring.ts). */
const MAX_SCORE: Partial<Record<ScreeningId, number>> = {
  'phq-2': 6,
  'phq-9': 27,
  'gad-7': 21,
  'fall-risk': 14,
  'social-needs': 5,
};

function view(record: ScreeningRecord): ScreeningResultView {
  return {
    id: record.id,
    title: SCREENINGS[record.id].title,
    ...(record.score !== undefined ? { score: record.score, max: MAX_SCORE[record.id] } : {}),
    ...(record.band !== undefined ? { band: record.band } : {}),
    positive: record.positive,
    at: record.at,
    observationId: record.observation.id as string,
    ...(record.observation.valueCodeableConcept?.coding?.[0]?.code
      ? { code: record.observation.valueCodeableConcept.coding[0].code }
      : {}),
  };
}

/** What GET /api/rooming/encounters/:id/screenings answers: due, done with scores, the latest statuses. */
export async function encounterScreenings(
  conn: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  now: Date
): Promise<EncounterScreenings> {
  const history = await screeningHistory(conn, ctx, visit.patient.id as string);
  const results: ScreeningResultView[] = [];
  for (const record of history) {
    if (record.encounterId === visit.encounter.id && !results.some((r) => r.id === record.id)) {
      results.push(view(record));
    }
  }
  const latest: EncounterScreenings['latest'] = {};
  for (const id of ['tobacco', 'pregnancy'] as const) {
    const record = history.find((r) => r.id === id);
    if (record) latest[id] = view(record);
  }
  return { due: dueFrom(visit, history, now), results, latest };
}
