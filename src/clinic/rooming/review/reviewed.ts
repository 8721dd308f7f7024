import type { Encounter, Extension } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { lockCurrent, updateIn } from '../../../store/repository.js';
import { authorOf } from '../author.js';
import { REVIEW_KINDS, REVIEWED_URL, type ReviewKind } from '../model.js';

/**
 * Review stamps on the Encounter (model.ts header): one REVIEWED_URL extension per review, sub-extensions
 * `what`, `at`, `by`. Each review is appended (the Encounter's history of reviews stays readable); the newest
 * entry of a kind wins.
 */

export interface ReviewStamp {
  what: ReviewKind;
  at: string;
  by: { reference?: string; display?: string };
}

export function parseReviewKind(value: unknown, field = 'what'): ReviewKind {
  if (typeof value !== 'string' || !(REVIEW_KINDS as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${REVIEW_KINDS.join(', ')}`, field);
  }
  return value as ReviewKind;
}

export function reviewExtension(what: ReviewKind, ctx: RequestContext, at: string): Extension {
  return {
    url: REVIEWED_URL,
    extension: [
      { url: 'what', valueCode: what },
      { url: 'at', valueDateTime: at },
      { url: 'by', valueReference: authorOf(ctx) },
    ],
  };
}

/** The newest stamp of each kind on an Encounter (by `at`; among equal times, the later entry). */
export function reviewsOf(encounter: Encounter): Partial<Record<ReviewKind, ReviewStamp>> {
  const out: Partial<Record<ReviewKind, ReviewStamp>> = {};
  for (const e of encounter.extension ?? []) {
    if (e.url !== REVIEWED_URL) continue;
    const sub = (url: string): Extension | undefined => e.extension?.find((s) => s.url === url);
    const what = sub('what')?.valueCode as ReviewKind | undefined;
    const at = sub('at')?.valueDateTime;
    if (!what || !at || !(REVIEW_KINDS as readonly string[]).includes(what)) continue;
    const by = sub('by')?.valueReference ?? { display: sub('by')?.valueString };
    const prior = out[what];
    if (!prior || Date.parse(at) >= Date.parse(prior.at)) {
      out[what] = { what, at, by: { reference: by.reference, display: by.display } };
    }
  }
  return out;
}

/**
 * Stamps a review on the visit's Encounter inside the caller's transaction: locks the current Encounter (so
 * a concurrent flow move or another stamp is not lost) and appends the entry.
 */
export async function stampReviewedIn(
  tx: SqlConnection,
  ctx: RequestContext,
  encounterId: string,
  what: ReviewKind,
  now: Date
): Promise<{ encounter: Encounter; stamp: ReviewStamp }> {
  const row = await lockCurrent(tx, ctx, 'Encounter', encounterId);
  const encounter = row?.content as Encounter | undefined;
  if (!encounter || row?.deleted) {
    throw notFound(`Encounter/${encounterId} was not found`);
  }
  const at = now.toISOString();
  const next: Encounter = {
    ...encounter,
    extension: [...(encounter.extension ?? []), reviewExtension(what, ctx, at)],
  };
  const saved = (await updateIn(tx, ctx, 'Encounter', encounterId, next)).resource as Encounter;
  const by = authorOf(ctx);
  return { encounter: saved, stamp: { what, at, by: { reference: by.reference, display: by.display } } };
}
