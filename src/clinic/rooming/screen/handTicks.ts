import type { Encounter, Extension } from '@medplum/fhirtypes';
import type { RequestContext } from '../../../store/context.js';
import { authorOf } from '../author.js';
import { CHECKED_URL, EXT, type ChecklistItemId } from '../model.js';

/**
 * Checklist items ticked by hand (docs/rooming/screen.md "Ticks by hand"). Only items whose record can
 * honestly be "the MA says so" may be ticked; the rest are done by the data their part writes:
 * - pharmacy: the patient has no pharmacy, or will not name one;
 * - screenings, fall-risk: the patient declined the questionnaire (or cannot answer it today).
 * Never by hand: vital signs and pain (measured), allergies and medications (the review stamp is one click
 * and is the record the provider and the huddle read), chief complaint (typed), tobacco use and pregnancy
 * status (their pickers have "Unknown"), procedure consent (a signed Consent or a recorded refusal).
 * The server refuses the others (400 `item`); the checklist answer carries `tickable` per item, so the web
 * offers exactly this list.
 */
export const HAND_TICKABLE_ITEMS: readonly ChecklistItemId[] = ['screenings', 'fall-risk', 'pharmacy'];

export function isHandTickable(item: ChecklistItemId): boolean {
  return HAND_TICKABLE_ITEMS.includes(item);
}

/**
 * A tick by hand on the Encounter: one extension per ticked item, sub-extensions `item` (valueCode, a
 * CHECKLIST_ITEMS id), `by` (valueReference: the user's Practitioner, display their name; see author.ts) and
 * `at` (valueDateTime). It replaces model.ts CHECKED_URL (valueCode only, which cannot say who or when: an
 * extension with a value cannot also hold sub-extensions); CHECKED_URL entries written before are still read
 * as ticks with no author, and unticking removes both.
 */
export const HAND_TICK_URL = `${EXT}/rooming-ticked-by-hand`;

export interface HandTick {
  item: ChecklistItemId;
  by?: string;
  at?: string;
}

export function handTickExtension(item: ChecklistItemId, ctx: RequestContext, at: Date): Extension {
  return {
    url: HAND_TICK_URL,
    extension: [
      { url: 'item', valueCode: item },
      { url: 'by', valueReference: authorOf(ctx) },
      { url: 'at', valueDateTime: at.toISOString() },
    ],
  };
}

/** The item an Encounter extension ticks by hand (either form), or undefined for any other extension. */
export function tickedItemOf(extension: Extension): string | undefined {
  if (extension.url === CHECKED_URL) return extension.valueCode;
  if (extension.url === HAND_TICK_URL) {
    return extension.extension?.find((e) => e.url === 'item')?.valueCode;
  }
  return undefined;
}

/**
 * The items ticked by hand on the Encounter, with who and when where recorded (the newest tick of an item
 * wins). Ticks of items that may not be ticked by hand (written before the list existed) are ignored:
 * a hand tick never closes a measured or signed item.
 */
export function handTicksOf(encounter: Encounter): Map<ChecklistItemId, HandTick> {
  const ticks = new Map<ChecklistItemId, HandTick>();
  for (const ext of encounter.extension ?? []) {
    const item = tickedItemOf(ext) as ChecklistItemId | undefined;
    if (!item || !isHandTickable(item)) continue;
    const sub = (url: string): Extension | undefined => ext.extension?.find((e) => e.url === url);
    const by = sub('by')?.valueReference?.display ?? sub('by')?.valueString;
    const at = sub('at')?.valueDateTime;
    const previous = ticks.get(item);
    if (previous?.at && (!at || Date.parse(at) < Date.parse(previous.at))) continue;
    ticks.set(item, { item, ...(by ? { by } : {}), ...(at ? { at } : {}) });
  }
  return ticks;
}
