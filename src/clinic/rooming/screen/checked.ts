import type { Encounter } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database } from '../../../store/db.js';
import { assertId, lockCurrent, updateIn } from '../../../store/repository.js';
import { CHECKLIST_ITEMS, CHECKLIST_LABELS, type ChecklistItemId } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { buildChecklist, checklistInputs, type RoomingChecklistItem } from './checklist.js';
import { HAND_TICKABLE_ITEMS, handTickExtension, isHandTickable, tickedItemOf } from './handTicks.js';

export interface CheckedRequest {
  item: ChecklistItemId;
  checked: boolean;
}

export function parseChecked(body: unknown): CheckedRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.item !== 'string' || !(CHECKLIST_ITEMS as readonly string[]).includes(b.item)) {
    throw badRequest(`item must be one of ${CHECKLIST_ITEMS.join(', ')}`, 'item');
  }
  if (!isHandTickable(b.item as ChecklistItemId)) {
    throw badRequest(
      `${CHECKLIST_LABELS[b.item as ChecklistItemId]} cannot be ticked by hand: it is done by recording it (items ticked by hand: ${HAND_TICKABLE_ITEMS.join(', ')})`,
      'item'
    );
  }
  if (typeof b.checked !== 'boolean') {
    throw badRequest('checked must be true or false', 'checked');
  }
  return { item: b.item as ChecklistItemId, checked: b.checked };
}

/**
 * Ticks or unticks a checklist item by hand (POST /api/rooming/encounters/:id/checked), e.g. "pharmacy: the
 * patient has none": only HAND_TICKABLE_ITEMS (400 `item` for the others, by parseChecked). A tick is an
 * extension HAND_TICK_URL on the Encounter naming the item, who ticked it and when (handTicks.ts); unticking
 * removes the item's ticks. Locked and updated in one transaction (audited by the store under the user). An
 * item not on this visit's checklist is a 400. Answers the checklist after the change; the visit's records
 * are read once (a tick changes only the Encounter).
 */
export function setChecked(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: CheckedRequest,
  now: Date
): Promise<RoomingChecklistItem[]> {
  assertId(encounterId, 'id');
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    const row = await lockCurrent(tx, ctx, 'Encounter', encounterId);
    const encounter = row?.content as Encounter | undefined;
    if (!encounter || row?.deleted) {
      throw notFound(`Encounter/${encounterId} was not found`);
    }
    const { records, today, timeZone } = await checklistInputs(tx, ctx, { ...visit, encounter }, now);
    const before = buildChecklist({ ...visit, encounter }, records, today, timeZone);
    const current = before.find((i) => i.id === req.item);
    if (!current) {
      throw badRequest(`${req.item} is not on this visit's checklist`, 'item');
    }
    const others = (encounter.extension ?? []).filter((e) => tickedItemOf(e) !== req.item);
    const has = others.length !== (encounter.extension ?? []).length;
    if (has === req.checked) {
      return before;
    }
    const next: Encounter = {
      ...encounter,
      extension: req.checked ? [...others, handTickExtension(req.item, ctx, now)] : others,
    };
    if (next.extension?.length === 0) delete next.extension;
    const saved = (await updateIn(tx, ctx, 'Encounter', encounterId, next)).resource as Encounter;
    return buildChecklist({ ...visit, encounter: saved }, records, today, timeZone);
  });
}
