import type { Communication, Encounter } from '@medplum/fhirtypes';
import { badRequest, conflict } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database } from '../../../store/db.js';
import { assertId, updateIn } from '../../../store/repository.js';
import { moveIn } from '../../flow/moveVisit.js';
import { FLOW_STATUS_LABELS, mayMove } from '../../flow/status.js';
import { EXT } from '../model.js';
import { noticeToProvider } from '../notices.js';
import { roomingVisitOf } from '../visit.js';
import { roomingChecklist, type RoomingChecklistItem } from './checklist.js';

/** Why the MA handed the patient over with checklist items open, on the Encounter (valueString). */
export const INCOMPLETE_REASON_URL = `${EXT}/rooming-incomplete-reason`;

export interface ReadyRequest {
  /** Why the visit goes to the provider with items open (required when some are). */
  incomplete?: string;
}

export function parseReady(body: unknown): ReadyRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.incomplete === undefined || b.incomplete === null) return {};
  if (typeof b.incomplete !== 'string' || b.incomplete.trim().length === 0 || b.incomplete.length > 500) {
    throw badRequest('incomplete is the reason items are open: 1-500 characters', 'incomplete');
  }
  return { incomplete: b.incomplete.trim() };
}

export interface Ready {
  encounter: Encounter;
  notice: Communication;
  checklist: RoomingChecklistItem[];
}

/**
 * "Ready for provider" (POST /api/rooming/encounters/:id/ready), in one transaction: the visit must be roomed
 * (409 naming `status` otherwise); with checklist items open it answers 409 naming them (`checklist`) unless
 * a reason is given, which is kept on the Encounter; the visit moves to ready-for-provider through the flow
 * model (moveIn: history, board notice) and the provider gets a routine notice. The notice's text carries
 * no clinical words: "rooming complete", or the open items' labels; "; see the chart" when a done item needs
 * the provider's eye (a refused procedure consent), so "complete" never reads as "all is well".
 */
export function readyForProvider(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: ReadyRequest,
  now: Date
): Promise<Ready> {
  assertId(encounterId, 'id');
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    if (!mayMove(visit.flowStatus, 'ready-for-provider')) {
      throw conflict(
        `a visit that is "${FLOW_STATUS_LABELS[visit.flowStatus]}" cannot move to "${FLOW_STATUS_LABELS['ready-for-provider']}"`,
        'status'
      );
    }
    const checklist = await roomingChecklist(tx, ctx, visit, now);
    const open = checklist.filter((i) => !i.done);
    if (open.length > 0 && !req.incomplete) {
      throw conflict(
        `rooming is not complete: ${open.map((i) => i.label).join(', ')}; finish them or give a reason (incomplete)`,
        'checklist'
      );
    }
    const moved = await moveIn(tx, ctx, encounterId, { status: 'ready-for-provider' }, now);
    let encounter = moved.encounter;
    if (open.length > 0 && req.incomplete) {
      encounter = (
        await updateIn(tx, ctx, 'Encounter', encounterId, {
          ...encounter,
          extension: [
            ...(encounter.extension ?? []).filter((e) => e.url !== INCOMPLETE_REASON_URL),
            { url: INCOMPLETE_REASON_URL, valueString: req.incomplete },
          ],
        })
      ).resource as Encounter;
    }
    // The notice names the open items (checklist labels, no values); the MA's reason stays on the Encounter.
    // The front desk can read notices, so a done item the provider must read first (a refused consent) is
    // only pointed at ("see the chart"), never named.
    const seeChart = checklist.some((i) => i.attention) ? '; see the chart' : '';
    const notice = await noticeToProvider(
      tx,
      ctx,
      { ...visit, encounter, flowStatus: 'ready-for-provider' },
      {
        kind: 'ready-for-provider',
        priority: 'routine',
        text:
          open.length === 0
            ? `Ready for provider: rooming complete${seeChart}`
            : `Ready for provider: rooming incomplete (${open.map((i) => i.label).join(', ')}), reason given${seeChart}`,
      },
      now
    );
    return { encounter, notice, checklist };
  });
}
