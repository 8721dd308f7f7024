import type { Communication, Reference } from '@medplum/fhirtypes';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { planCreate } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { notifyFlow } from '../flow/visit.js';
import { authorOf } from './author.js';
import { NOTICE_CATEGORY_SYSTEM, type NoticeKind } from './model.js';
import type { RoomingVisit } from './visit.js';

export interface ProviderNotice {
  kind: NoticeKind;
  priority: 'routine' | 'urgent' | 'stat';
  /** Words without clinical values ("Critical vital sign: repeat taken, please see the patient"). */
  text: string;
  /** The records behind the notice (Observation, QuestionnaireResponse...): the provider opens them. */
  about?: Reference[];
}

/**
 * Sends a notice to the visit's provider inside the caller's transaction: a Communication (status
 * in-progress until the provider acknowledges it: status completed) to the provider, about the patient and
 * the visit, and a flow-board notice so every board shows it at commit (docs/rooming-api.md "Notices").
 */
export async function noticeToProvider(
  tx: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  notice: ProviderNotice,
  now: Date
): Promise<Communication> {
  const communication: Communication = {
    resourceType: 'Communication',
    status: 'in-progress',
    priority: notice.priority,
    category: [{ coding: [{ system: NOTICE_CATEGORY_SYSTEM, code: notice.kind }] }],
    subject: { reference: `Patient/${visit.patient.id}` },
    encounter: { reference: `Encounter/${visit.encounter.id}` },
    sent: now.toISOString(),
    sender: authorOf(ctx),
    recipient: visit.providerId ? [{ reference: `Practitioner/${visit.providerId}` }] : undefined,
    about: notice.about,
    payload: [{ contentString: notice.text }],
  };
  const write = planCreate(communication);
  await applyWrites(tx, ctx, [write]);
  await notifyVisitChanged(tx, ctx, visit, now);
  return write.content as Communication;
}

/** Tells every flow board that a visit changed (a notice sent or acknowledged), at commit; no patient data. */
export async function notifyVisitChanged(
  tx: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  now: Date
): Promise<void> {
  if (visit.siteId && visit.appointment?.id) {
    await notifyFlow(tx, {
      practice: ctx.practiceId,
      location: visit.siteId,
      appointmentId: visit.appointment.id,
      encounterId: visit.encounter.id,
      status: visit.flowStatus,
      at: now.toISOString(),
    });
  }
}
