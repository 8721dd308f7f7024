import type { Communication, Patient } from '@medplum/fhirtypes';
import { forbidden, conflict, notFound } from '../../../fhir/outcome.js';
import { accessConditions } from '../../../store/access.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { assertId, lockCurrent, updateIn } from '../../../store/repository.js';
import { SqlParams } from '../../../store/search/sqlParams.js';
import { displayName } from '../../flow/board.js';
import { findById, refId } from '../../flow/visit.js';
import { authorOf } from '../author.js';
import { EXT, NOTICE_CATEGORY_SYSTEM, NOTICE_KINDS } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { notifyVisitChanged } from '../notices.js';

/**
 * Notices to the provider (model.ts "Notices"; written by noticeToProvider, src/clinic/rooming/notices.ts):
 * the open ones of a visit, the open ones addressed to a provider, and the acknowledgement. A notice is open
 * while its Communication is `in-progress`; acknowledging it makes it `completed` with `received` = the time
 * and an extension ACKNOWLEDGED_BY_URL naming who acknowledged (their Practitioner, or their user name).
 */
export const ACKNOWLEDGED_BY_URL = `${EXT}/notice-acknowledged-by`;

export interface NoticeView {
  id: string;
  /** One of NOTICE_KINDS (model.ts), or `notice` for a category code this version does not know. */
  kind: string;
  priority: 'routine' | 'urgent' | 'stat';
  text: string;
  sent?: string;
  status: string;
  encounterId?: string;
  patientId?: string;
  /** Filled in the provider's list (which spans patients); the visit's list is about one patient. */
  patientName?: string;
  from?: string;
  /** The records behind the notice ("Observation/…"). */
  about: string[];
  acknowledged?: { at?: string; by?: string };
}

export function noticeKindOf(c: Communication): string | undefined {
  for (const concept of c.category ?? []) {
    for (const coding of concept.coding ?? []) {
      if (coding.system === NOTICE_CATEGORY_SYSTEM && coding.code) return coding.code;
    }
  }
  return undefined;
}

export function noticeView(c: Communication): NoticeView {
  const ack = c.extension?.find((e) => e.url === ACKNOWLEDGED_BY_URL)?.valueReference;
  const kind = noticeKindOf(c) ?? 'notice';
  return {
    id: c.id as string,
    kind: (NOTICE_KINDS as readonly string[]).includes(kind) ? kind : 'notice',
    priority: c.priority === 'urgent' || c.priority === 'stat' ? c.priority : 'routine',
    text: c.payload?.find((p) => p.contentString)?.contentString ?? '',
    ...(c.sent ? { sent: c.sent } : {}),
    status: c.status,
    ...(refId(c.encounter?.reference, 'Encounter')
      ? { encounterId: refId(c.encounter?.reference, 'Encounter') }
      : {}),
    ...(refId(c.subject?.reference, 'Patient') ? { patientId: refId(c.subject?.reference, 'Patient') } : {}),
    ...(c.sender?.display ? { from: c.sender.display } : {}),
    about: (c.about ?? []).flatMap((a) => (a.reference ? [a.reference] : [])),
    ...(c.status === 'completed' ? { acknowledged: { at: c.received, by: ack?.display } } : {}),
  };
}

const PRIORITY_ORDER: Record<string, number> = { stat: 0, urgent: 1, routine: 2 };

/** Urgent before routine, then oldest first. */
export function byUrgency(a: NoticeView, b: NoticeView): number {
  return (
    (PRIORITY_ORDER[a.priority] ?? 3) - (PRIORITY_ORDER[b.priority] ?? 3) ||
    (a.sent ?? '').localeCompare(b.sent ?? '') ||
    a.id.localeCompare(b.id)
  );
}

/** Open notices referencing `reference` through `param` (encounter | recipient), as the caller may read them. */
async function openNotices(
  conn: SqlConnection,
  ctx: RequestContext,
  param: 'encounter' | 'recipient',
  reference: string
): Promise<Communication[]> {
  const p = new SqlParams(ctx.practiceId, 'Communication');
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    `r.content->>'status' = 'in-progress'`,
    `r.content->'category' @> ${p.add(JSON.stringify([{ coding: [{ system: NOTICE_CATEGORY_SYSTEM }] }]))}::jsonb`,
    `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = ${p.add(param)} AND value = ${p.add(reference)})`,
    ...accessConditions(ctx, 'search', 'Communication', 'r.resource_type', 'r.id', p),
  ];
  const result = await conn.query<{ content: Communication }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')} ORDER BY r.id`,
    p.values
  );
  return result.rows.map((r) => r.content);
}

/** The visit's open notices, urgent first. */
export async function visitNotices(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<NoticeView[]> {
  return (await openNotices(conn, ctx, 'encounter', `Encounter/${encounterId}`))
    .map(noticeView)
    .sort(byUrgency);
}

/** The open notices addressed to a provider (their Practitioner), urgent first, with the patient's name. */
export async function providerNotices(
  conn: SqlConnection,
  ctx: RequestContext,
  practitionerId: string
): Promise<NoticeView[]> {
  assertId(practitionerId, 'practitioner');
  const notices = (await openNotices(conn, ctx, 'recipient', `Practitioner/${practitionerId}`)).map(
    noticeView
  );
  const names = new Map<string, string>();
  for (const notice of notices) {
    if (notice.patientId && !names.has(notice.patientId)) {
      const patient = await findById<Patient>(conn, ctx, 'Patient', notice.patientId);
      names.set(notice.patientId, patient ? displayName(patient.name) : '');
    }
  }
  return notices
    .map((n) => {
      const name = n.patientId ? names.get(n.patientId) : undefined;
      return name ? { ...n, patientName: name } : n;
    })
    .sort(byUrgency);
}

/**
 * The provider acknowledges a notice (POST /api/rooming/notices/:id/acknowledge): only the provider it is
 * addressed to, or a user with the provider role, may; an acknowledged notice answers 409. Every board is
 * told (its counts change), in the same transaction.
 */
export function acknowledgeNotice(
  db: Database,
  ctx: RequestContext,
  noticeId: string,
  now: Date
): Promise<NoticeView> {
  assertId(noticeId, 'id');
  return db.transaction(async (tx) => {
    const row = await lockCurrent(tx, ctx, 'Communication', noticeId);
    const notice = row?.content as Communication | undefined;
    if (!notice || row?.deleted || noticeKindOf(notice) === undefined) {
      throw notFound(`notice Communication/${noticeId} was not found`);
    }
    const principal = ctx.principal;
    const addressed = (notice.recipient ?? []).some(
      (r) =>
        principal?.practitionerId !== undefined &&
        refId(r.reference, 'Practitioner') === principal.practitionerId
    );
    if (principal && !addressed && !principal.roles.includes('provider')) {
      throw forbidden(
        'only the provider the notice is addressed to, or a provider, may acknowledge it',
        'id'
      );
    }
    if (notice.status !== 'in-progress') {
      throw conflict('this notice was already acknowledged', 'status');
    }
    const encounterId = refId(notice.encounter?.reference, 'Encounter');
    // The visit as the caller may see it: a notice of a chart hidden from them is not theirs to acknowledge.
    const visit = encounterId ? await roomingVisitOf(tx, ctx, encounterId, now) : undefined;
    const saved = (
      await updateIn(tx, ctx, 'Communication', noticeId, {
        ...notice,
        status: 'completed',
        received: now.toISOString(),
        extension: [
          ...(notice.extension ?? []).filter((e) => e.url !== ACKNOWLEDGED_BY_URL),
          { url: ACKNOWLEDGED_BY_URL, valueReference: authorOf(ctx) },
        ],
      })
    ).resource as Communication;
    if (visit) await notifyVisitChanged(tx, ctx, visit, now);
    return noticeView(saved);
  });
}
