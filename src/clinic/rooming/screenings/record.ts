import type {
  CodeableConcept,
  Observation,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
} from '@medplum/fhirtypes';
import { assertAllowed } from '../../../auth/policy.js';
import { badRequest } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database } from '../../../store/db.js';
import { planCreate } from '../../../store/repository.js';
import { applyWrites } from '../../../store/writes.js';
import { authorOf } from '../author.js';
import { LOINC, OBSERVATION_CATEGORY_SYSTEM } from '../model.js';
import { noticeToProvider } from '../notices.js';
import { roomingVisitOf } from '../visit.js';
import { INTERPRETATION_SYSTEM } from './history.js';
import {
  canonicalOf,
  isScreeningId,
  SCREENINGS,
  STATUS_LABELS,
  type ScreeningDefinition,
  type ScreeningId,
} from './questionnaires.js';
import { parseAnswers, scoreScreening, type Answers, type ScreeningResult } from './scoring.js';

export interface RecordedScreening extends ScreeningResult {
  screening: ScreeningId;
  responseId: string;
  observationId: string;
  /** The Communication sent to the provider for a positive result. */
  noticeId?: string;
}

/** The screening id of a path, or a 400 naming `screening`. */
export function parseScreeningId(value: string): ScreeningId {
  if (!isScreeningId(value)) {
    throw badRequest(`unknown screening "${value}"`, 'screening');
  }
  return value;
}

const category = (code: string, display: string): CodeableConcept => ({
  coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code, display }],
});

function responseItems(def: ScreeningDefinition, answers: Answers): QuestionnaireResponseItem[] {
  return def.items.flatMap((item) => {
    const given = answers[item.linkId];
    if (given === undefined) return [];
    const codes = Array.isArray(given) ? given : [given];
    return [
      {
        linkId: item.linkId,
        text: item.text,
        answer: codes.map((code) => {
          const option = item.options.find((o) => o.code === code);
          return {
            valueCoding: {
              system: option?.system,
              code,
              display: STATUS_LABELS[code] ?? option?.display,
            },
          };
        }),
      },
    ];
  });
}

/**
 * The notice's words. The front desk reads messages, so they name no instrument, answer or score: "PHQ-9 needs
 * your attention now" would tell them item 9 (thoughts of self-harm) was answered. Which screening it was is
 * in Communication.about (the Observation and the QuestionnaireResponse), which the front desk cannot read.
 */
export const SCREENING_NOTICE_TEXT = {
  routine: 'A screening needs your review',
  urgent: 'A screening needs your attention now: please see the patient before they leave',
} as const;

function noticeText(result: ScreeningResult): string {
  return result.urgent ? SCREENING_NOTICE_TEXT.urgent : SCREENING_NOTICE_TEXT.routine;
}

/**
 * Records a completed screening at a visit, all or nothing: the QuestionnaireResponse (completed, the
 * questionnaire's canonical URL, the visit, the patient, the author), the result as an Observation (category
 * survey, the instrument's LOINC code, the score or status, interpretation, derivedFrom the response) and,
 * for a positive result, a notice to the provider (urgent for PHQ-9 item 9 above 0). Missing or invalid
 * answers are a 400 naming the item (`answers.<linkId>`) before anything is read or written.
 */
export async function recordScreening(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  screeningId: string,
  answers: unknown,
  now: Date
): Promise<RecordedScreening> {
  const id = parseScreeningId(screeningId);
  const def = SCREENINGS[id];
  const given = parseAnswers(def, answers);
  const result = scoreScreening(id, given);
  if (ctx.principal) {
    assertAllowed(ctx.principal, 'create', 'QuestionnaireResponse');
    assertAllowed(ctx.principal, 'create', 'Observation');
  }
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    if (id === 'pregnancy' && visit.sex === 'male') {
      throw badRequest('pregnancy status does not apply to this patient', 'screening');
    }
    const at = now.toISOString();
    const author = authorOf(ctx);
    const subject = { reference: `Patient/${visit.patient.id}` };
    const encounter = { reference: `Encounter/${visit.encounter.id}` };
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      questionnaire: canonicalOf(id),
      status: 'completed',
      subject,
      encounter,
      authored: at,
      author,
      item: responseItems(def, given),
    };
    const responseWrite = planCreate(response);
    const responseRef = { reference: `QuestionnaireResponse/${responseWrite.id}` };
    const observation: Observation = {
      resourceType: 'Observation',
      status: 'final',
      category:
        def.kind === 'status'
          ? [category('social-history', 'Social History'), category('survey', 'Survey')]
          : [category('survey', 'Survey')],
      code: { coding: [def.code], text: def.title },
      subject,
      encounter,
      effectiveDateTime: at,
      issued: at,
      performer: [author],
      ...(result.score !== undefined ? { valueInteger: result.score } : {}),
      ...(result.value
        ? {
            valueCodeableConcept: {
              coding: [
                { system: result.value.system, code: result.value.code, display: result.value.display },
              ],
              text: result.band,
            },
          }
        : {}),
      ...(def.kind === 'score'
        ? {
            interpretation: [
              {
                coding: [
                  {
                    system: INTERPRETATION_SYSTEM,
                    code: result.positive ? 'POS' : 'NEG',
                    display: result.positive ? 'Positive' : 'Negative',
                  },
                ],
                text: result.band,
              },
            ],
          }
        : {}),
      ...(result.safetyScore !== undefined
        ? {
            component: [
              {
                code: { coding: [{ system: LOINC, code: '95614-4', display: 'Total safety score' }] },
                valueInteger: result.safetyScore,
              },
            ],
          }
        : {}),
      derivedFrom: [responseRef],
    };
    const observationWrite = planCreate(observation);
    await applyWrites(tx, ctx, [responseWrite, observationWrite]);
    let noticeId: string | undefined;
    if (result.positive) {
      const notice = await noticeToProvider(
        tx,
        ctx,
        visit,
        {
          kind: 'positive-screening',
          priority: result.urgent ? 'urgent' : 'routine',
          text: noticeText(result),
          about: [{ reference: `Observation/${observationWrite.id}` }, responseRef],
        },
        now
      );
      noticeId = notice.id;
    }
    return {
      ...result,
      screening: id,
      responseId: responseWrite.id,
      observationId: observationWrite.id,
      ...(noticeId ? { noticeId } : {}),
    };
  });
}
