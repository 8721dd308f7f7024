import type { Encounter } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database } from '../../../store/db.js';
import { assertId, lockCurrent, updateIn } from '../../../store/repository.js';
import { CHECKED_URL, CHECKLIST_ITEMS, type ChecklistItem, type ChecklistItemId } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { roomingChecklist } from './checklist.js';

export interface CheckedRequest {
  item: ChecklistItemId;
  checked: boolean;
}

export function parseChecked(body: unknown): CheckedRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.item !== 'string' || !(CHECKLIST_ITEMS as readonly string[]).includes(b.item)) {
    throw badRequest(`item must be one of ${CHECKLIST_ITEMS.join(', ')}`, 'item');
  }
  if (typeof b.checked !== 'boolean') {
    throw badRequest('checked must be true or false', 'checked');
  }
  return { item: b.item as ChecklistItemId, checked: b.checked };
}

/**
 * Ticks or unticks a checklist item by hand (POST /api/rooming/encounters/:id/checked), e.g. "pharmacy: the
 * patient has none": an extension CHECKED_URL (valueCode = the item) on the Encounter, locked and updated in
 * one transaction (audited by the store under the user). An item not on this visit's checklist is a 400.
 * Answers the checklist after the change.
 */
export function setChecked(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: CheckedRequest,
  now: Date
): Promise<ChecklistItem[]> {
  assertId(encounterId, 'id');
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now);
    const row = await lockCurrent(tx, ctx, 'Encounter', encounterId);
    const encounter = row?.content as Encounter | undefined;
    if (!encounter || row?.deleted) {
      throw notFound(`Encounter/${encounterId} was not found`);
    }
    const before = await roomingChecklist(tx, ctx, { ...visit, encounter }, now);
    if (!before.some((i) => i.id === req.item)) {
      throw badRequest(`${req.item} is not on this visit's checklist`, 'item');
    }
    const others = (encounter.extension ?? []).filter(
      (e) => !(e.url === CHECKED_URL && e.valueCode === req.item)
    );
    const has = others.length !== (encounter.extension ?? []).length;
    if (has === req.checked) {
      return before;
    }
    const next: Encounter = {
      ...encounter,
      extension: req.checked ? [...others, { url: CHECKED_URL, valueCode: req.item }] : others,
    };
    if (next.extension?.length === 0) delete next.extension;
    const saved = (await updateIn(tx, ctx, 'Encounter', encounterId, next)).resource as Encounter;
    return roomingChecklist(tx, ctx, { ...visit, encounter: saved }, now);
  });
}
