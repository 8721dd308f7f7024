import type { Encounter, Patient } from '@medplum/fhirtypes';
import { conflict } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database } from '../../../store/db.js';
import { lockCurrent } from '../../../store/repository.js';
import { PREFERRED_PHARMACY_URL, type ReviewKind } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { allergyListAnswered } from './allergies.js';
import { stampReviewedIn, type ReviewStamp } from './reviewed.js';

/**
 * "Mark reviewed" (POST /api/rooming/encounters/:id/reviewed): a stamp says something to the provider, so it
 * is given only when the record behind it says it too (409 naming `what` otherwise, nothing written):
 * - allergies: an active allergy or an active "no known drug allergies" entry is on the list (a stamp on an
 *   empty list reads as NKDA): record NKDA or an allergy first;
 * - medications: never here: only a reconciliation that answers every item stamps it (medications.ts), and
 *   a patient who takes nothing is recorded as such there (`noMedications`);
 * - pharmacy: a preferred pharmacy is on file (the stamp reads "pharmacy confirmed"); choosing or changing it
 *   is PUT /api/rooming/patients/:id/pharmacy, which stamps too;
 * - problems: the provider-kept list as it is (an empty list reviewed says there is none).
 */
export function markReviewed(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  what: ReviewKind,
  now: Date
): Promise<{ encounter: Encounter; stamp: ReviewStamp }> {
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    const patientId = visit.patient.id as string;
    switch (what) {
      case 'allergies': {
        // Allergy writes lock the Patient row too: the list checked is the list stamped.
        await lockCurrent(tx, ctx, 'Patient', patientId);
        if (!(await allergyListAnswered(tx, ctx, patientId))) {
          throw conflict(
            'no allergy and no "no known drug allergies" entry is recorded: ask the patient, then record NKDA or an allergy first',
            'what'
          );
        }
        break;
      }
      case 'medications':
        throw conflict(
          'medications are marked reconciled by the reconciliation itself, once every medication is answered (or the patient takes none)',
          'what'
        );
      case 'pharmacy': {
        const row = await lockCurrent(tx, ctx, 'Patient', patientId);
        const patient = row?.content as Patient | undefined;
        if (!patient?.extension?.some((e) => e.url === PREFERRED_PHARMACY_URL)) {
          throw conflict('no preferred pharmacy is on file: choose or type it, then confirm it', 'what');
        }
        break;
      }
      case 'problems':
        break;
    }
    return stampReviewedIn(tx, ctx, encounterId, what, now);
  });
}
