import type { Observation } from '@medplum/fhirtypes';
import { accessConditions } from '../../../store/access.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { SqlParams } from '../../../store/search/sqlParams.js';
import { refId } from '../../flow/visit.js';
import { LOINC } from '../model.js';
import { SCREENINGS, SCREENING_IDS, type ScreeningId } from './questionnaires.js';

/** One screening result found in the chart: the score (or status) Observation, whoever wrote it. */
export interface ScreeningRecord {
  id: ScreeningId;
  observation: Observation;
  /** effectiveDateTime (or issued). */
  at: string;
  encounterId?: string;
  score?: number;
  band?: string;
  positive: boolean;
}

const BY_CODE = new Map<string, ScreeningId>(
  SCREENING_IDS.map((id) => [SCREENINGS[id].code.code as string, id])
);

export const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** A chart Observation as a screening record, when its code is one of the instruments'. */
export function recordOf(observation: Observation): ScreeningRecord | undefined {
  const code = observation.code?.coding?.find((c) => c.system === LOINC && c.code && BY_CODE.has(c.code));
  const id = code?.code ? BY_CODE.get(code.code) : undefined;
  const at = observation.effectiveDateTime ?? observation.issued;
  if (!id || !at) {
    return undefined;
  }
  const interpretation = observation.interpretation?.[0];
  return {
    id,
    observation,
    at,
    encounterId: refId(observation.encounter?.reference, 'Encounter'),
    score: observation.valueInteger,
    band:
      interpretation?.text ??
      observation.valueCodeableConcept?.text ??
      observation.valueCodeableConcept?.coding?.[0]?.display,
    positive: (interpretation?.coding ?? []).some(
      (c) => c.system === INTERPRETATION_SYSTEM && c.code === 'POS'
    ),
  };
}

/**
 * The patient's screening results (Observations with an instrument's LOINC code, final or amended), newest
 * first, as the caller may read them: the access filter is in the SQL.
 */
export async function screeningHistory(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<ScreeningRecord[]> {
  const p = new SqlParams(ctx.practiceId, 'Observation');
  const codes = [...BY_CODE.keys()].map((code) => p.add(code)).join(', ');
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = 'subject' AND value = ${p.add(`Patient/${patientId}`)})`,
    `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = 'code' AND system = ${p.add(LOINC)} AND value IN (${codes}))`,
    ...accessConditions(ctx, 'search', 'Observation', 'r.resource_type', 'r.id', p),
  ];
  const result = await conn.query<{ content: Observation }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')}`,
    p.values
  );
  return result.rows
    .map((row) => row.content)
    .filter((o) => o.status === 'final' || o.status === 'amended' || o.status === 'corrected')
    .flatMap((o) => recordOf(o) ?? [])
    .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
}
