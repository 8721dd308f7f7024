import type { Appointment, Communication, Encounter, Extension, Patient, Task } from '@medplum/fhirtypes';
import { assertAllowed } from '../../auth/policy.js';
import { badRequest, notFound } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { accessConditions } from '../../store/access.js';
import { assertId, planCreate, Repository } from '../../store/repository.js';
import { SqlParams } from '../../store/search/sqlParams.js';
import { applyWrites } from '../../store/writes.js';
import { VISIT_TYPE_SYSTEM, visitTypeOf } from '../reminders/facts.js';
import { COMMUNICATION_CATEGORY_SYSTEM, mediumOf } from '../reminders/outbox.js';
import { FOLLOW_UP_URL } from '../flow/status.js';
import { addDays, localDate } from '../flow/visit.js';
import { clinicTimeZone } from '../flow/clinicZone.js';

/**
 * The recall list: patients a provider asked to see again who have no visit booked for it. A follow-up
 * request is either
 * - on the Encounter, as check-out records it: extension FOLLOW_UP_URL (sub-extensions visitType,
 *   withinDays, text; src/clinic/flow/status.ts), due withinDays after the visit; or
 * - a Task (code urn:medassist:task-type|follow-up-request, `for` the Patient, input `visitType`
 *   valueCoding, due restriction.period.end), for recalls made outside a visit (a yearly physical, a
 *   lab result that needs a repeat).
 * It is satisfied by an Appointment of the patient of that visit type, not cancelled, made for a time after
 * the request (other than the visit's own). A contact attempt is a Communication (category recall-attempt,
 * basedOn the request); an attempt with outcome `declined` closes the recall.
 */
export const FOLLOW_UP_TASK_CODE = {
  system: 'urn:medassist:task-type',
  code: 'follow-up-request',
  display: 'Follow-up request',
} as const;
export const CONTACT_OUTCOME_URL = 'https://medassist.dev/fhir/StructureDefinition/contact-outcome';

export const ATTEMPT_METHODS = ['phone', 'sms', 'email', 'letter', 'portal'] as const;
export type AttemptMethod = (typeof ATTEMPT_METHODS)[number];
export const ATTEMPT_OUTCOMES = [
  'no-answer',
  'left-message',
  'wrong-number',
  'will-call-back',
  'declined',
  'booked',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface RecallAttempt {
  at: string;
  method: AttemptMethod;
  outcome: AttemptOutcome;
  note?: string;
  by?: string;
}

export interface RecallItem {
  /** "Encounter-<id>" or "Task-<id>": the request, as POST /api/recall/:id/attempts names it. */
  id: string;
  source: string;
  patient: { id: string; name: string; birthDate?: string };
  visitType: { code: string; display?: string };
  reason?: string;
  requestedOn: string;
  dueDate: string;
  /** Days past the due date (0 until it is due). */
  overdueDays: number;
  attempts: number;
  lastAttempt?: RecallAttempt;
  closed: boolean;
}

export interface RecallFilter {
  overdueOnly?: boolean;
  visitType?: string;
  /** Include recalls closed by a `declined` attempt. */
  includeClosed?: boolean;
}

export function parseRecallFilter(query: Record<string, unknown>): RecallFilter {
  const flag = (name: string): boolean | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') {
      throw badRequest(`${name} must be true or false`, name);
    }
    return v === 'true';
  };
  const visitType = query.visitType;
  if (visitType !== undefined && (typeof visitType !== 'string' || !/^[a-z0-9-]{1,40}$/.test(visitType))) {
    throw badRequest('visitType must be a visit-type code', 'visitType');
  }
  return {
    overdueOnly: flag('overdue'),
    includeClosed: flag('closed'),
    visitType: visitType,
  };
}

const DAY = 86_400_000;
const ACTIVE_TASK = new Set(['requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);
const NOT_A_VISIT = new Set(['cancelled', 'noshow', 'entered-in-error', 'waitlist']);

/** Days from one YYYY-MM-DD to another. */
const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/** Resources of a type the caller may see, with extra conditions over `r.content`. */
async function visibleRows<T>(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  where: (p: SqlParams) => string[]
): Promise<T[]> {
  if (ctx.principal) {
    assertAllowed(ctx.principal, 'search', type);
  }
  const p = new SqlParams(ctx.practiceId, type);
  const conditions = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    ...where(p),
    ...accessConditions(ctx, 'search', type, '$2', 'r.id', p),
  ];
  const result = await conn.query<{ content: T }>(
    `SELECT r.content FROM resource r WHERE ${conditions.join(' AND ')} LIMIT 5000`,
    p.values
  );
  return result.rows.map((row) => row.content);
}

const referencing = (p: SqlParams, patientIds: string[]): string =>
  `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = 'patient' AND system = 'Patient' AND display = ANY(${p.add(patientIds)}::text[]))`;

interface Request {
  id: string;
  source: string;
  patientId: string;
  visitType: string;
  reason?: string;
  requestedAt: Date;
  dueDate: string;
  /** The visit's own appointment, which does not count as the follow-up. */
  ownAppointment?: string;
}

function sub(ext: Extension | undefined, url: string): Extension | undefined {
  return ext?.extension?.find((e) => e.url === url);
}

async function followUpRequests(
  conn: SqlConnection,
  ctx: RequestContext,
  timeZone: string
): Promise<Request[]> {
  const encounters = await visibleRows<Encounter>(conn, ctx, 'Encounter', (p) => [
    `r.content->'extension' @> ${p.add(JSON.stringify([{ url: FOLLOW_UP_URL }]))}::jsonb`,
  ]);
  const tasks = await visibleRows<Task>(conn, ctx, 'Task', (p) => [
    `r.content->'code'->'coding' @> ${p.add(JSON.stringify([{ system: FOLLOW_UP_TASK_CODE.system, code: FOLLOW_UP_TASK_CODE.code }]))}::jsonb`,
  ]);
  const out: Request[] = [];
  for (const e of encounters) {
    const ext = e.extension?.find((x) => x.url === FOLLOW_UP_URL);
    const visitType = sub(ext, 'visitType')?.valueCode;
    const withinDays = sub(ext, 'withinDays')?.valueInteger;
    const patientId = e.subject?.reference?.startsWith('Patient/') ? e.subject.reference.slice(8) : undefined;
    const at = e.period?.end ?? e.period?.start ?? e.meta?.lastUpdated;
    if (!visitType || withinDays === undefined || !patientId || !at || e.status === 'entered-in-error') {
      continue;
    }
    const requestedAt = new Date(at);
    out.push({
      id: `Encounter-${e.id}`,
      source: `Encounter/${e.id}`,
      patientId,
      visitType,
      reason: sub(ext, 'text')?.valueString,
      requestedAt,
      dueDate: addDays(localDate(requestedAt, timeZone), withinDays),
      ownAppointment: e.appointment?.[0]?.reference?.split('/')[1],
    });
  }
  for (const t of tasks) {
    const patientId = t.for?.reference?.startsWith('Patient/') ? t.for.reference.slice(8) : undefined;
    const visitType = t.input?.find((i) => i.valueCoding?.system === VISIT_TYPE_SYSTEM)?.valueCoding?.code;
    const due = t.restriction?.period?.end;
    if (!patientId || !visitType || !due || !ACTIVE_TASK.has(t.status)) {
      continue;
    }
    const requestedAt = new Date(t.authoredOn ?? t.meta?.lastUpdated ?? due);
    out.push({
      id: `Task-${t.id}`,
      source: `Task/${t.id}`,
      patientId,
      visitType,
      reason: t.description,
      requestedAt,
      dueDate: due.length === 10 ? due : localDate(new Date(due), timeZone),
    });
  }
  return out;
}

function patientName(p: Patient): string {
  const n = p.name?.find((x) => x.use === 'official') ?? p.name?.[0];
  return [...(n?.given ?? []), n?.family].filter(Boolean).join(' ') || n?.text || 'Unnamed patient';
}

function attemptOf(c: Communication): RecallAttempt {
  return {
    at: c.sent ?? c.meta?.lastUpdated ?? '',
    method: methodOfMedium(c),
    outcome: (c.extension?.find((e) => e.url === CONTACT_OUTCOME_URL)?.valueCode ??
      'no-answer') as AttemptOutcome,
    note: c.payload?.[0]?.contentString,
    by: c.sender?.display,
  };
}

function methodOfMedium(c: Communication): AttemptMethod {
  const code = c.medium?.[0]?.coding?.[0]?.code;
  switch (code) {
    case 'EMAILWRIT':
      return 'email';
    case 'WRITTEN':
      return 'sms';
    case 'MAILWRIT':
      return 'letter';
    case 'ONLINEWRIT':
      return 'portal';
    default:
      return 'phone';
  }
}

/** The recall list, most overdue first. Everything is read with the caller's access (restricted charts stay hidden). */
export async function recallList(
  db: Database,
  ctx: RequestContext,
  now: Date,
  filter: RecallFilter = {}
): Promise<{ today: string; timeZone: string; items: RecallItem[] }> {
  const timeZone = await clinicTimeZone(db, ctx.practiceId);
  const today = localDate(now, timeZone);
  let requests = await followUpRequests(db, ctx, timeZone);
  if (filter.visitType) {
    requests = requests.filter((r) => r.visitType === filter.visitType);
  }
  const patientIds = [...new Set(requests.map((r) => r.patientId))];
  if (patientIds.length === 0) {
    return { today, timeZone, items: [] };
  }
  const patients = new Map(
    (await visibleRows<Patient>(db, ctx, 'Patient', (p) => [`r.id = ANY(${p.add(patientIds)}::text[])`])).map(
      (p) => [p.id as string, p]
    )
  );
  const appointments = await visibleRows<Appointment>(db, ctx, 'Appointment', (p) => [
    referencing(p, patientIds),
  ]);
  const attempts = await visibleRows<Communication>(db, ctx, 'Communication', (p) => [
    referencing(p, patientIds),
    `r.content->'category' @> ${p.add(JSON.stringify([{ coding: [{ code: 'recall-attempt' }] }]))}::jsonb`,
  ]);
  const items: RecallItem[] = [];
  for (const r of requests) {
    const patient = patients.get(r.patientId);
    if (!patient || patient.active === false || patient.deceasedBoolean || patient.deceasedDateTime) {
      continue;
    }
    const booked = appointments.some(
      (a) =>
        a.id !== r.ownAppointment &&
        !NOT_A_VISIT.has(a.status) &&
        a.participant?.some((x) => x.actor?.reference === `Patient/${r.patientId}`) &&
        visitTypeOf(a).code === r.visitType &&
        new Date(a.start ?? 0).getTime() > r.requestedAt.getTime()
    );
    if (booked) {
      continue;
    }
    const mine = attempts
      .filter((c) => c.basedOn?.some((b) => b.reference === r.source))
      .map(attemptOf)
      .sort((a, b) => a.at.localeCompare(b.at));
    const last = mine.at(-1);
    const closed = mine.some((a) => a.outcome === 'declined');
    const overdueDays = Math.max(0, daysBetween(r.dueDate, today));
    if ((closed && !filter.includeClosed) || (filter.overdueOnly && overdueDays === 0)) {
      continue;
    }
    items.push({
      id: r.id,
      source: r.source,
      patient: { id: r.patientId, name: patientName(patient), birthDate: patient.birthDate },
      visitType: { code: r.visitType, display: VISIT_TYPE_NAMES[r.visitType] },
      reason: r.reason,
      requestedOn: localDate(r.requestedAt, timeZone),
      dueDate: r.dueDate,
      overdueDays,
      attempts: mine.length,
      lastAttempt: last,
      closed,
    });
  }
  items.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
  return { today, timeZone, items };
}

const VISIT_TYPE_NAMES: Record<string, string> = {
  'new-patient': 'New patient',
  'follow-up': 'Follow-up',
  'nurse-visit': 'Nurse visit',
  'lab-draw': 'Lab draw',
  procedure: 'Procedure',
  telehealth: 'Telehealth',
};

export interface AttemptInput {
  method: AttemptMethod;
  outcome: AttemptOutcome;
  note?: string;
}

export function parseAttempt(body: unknown): AttemptInput {
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined) as
    Record<string, unknown> | undefined;
  if (!b) {
    throw badRequest('send { method, outcome, note? }', 'body');
  }
  if (!(ATTEMPT_METHODS as readonly unknown[]).includes(b.method)) {
    throw badRequest(`method must be one of ${ATTEMPT_METHODS.join(', ')}`, 'method');
  }
  if (!(ATTEMPT_OUTCOMES as readonly unknown[]).includes(b.outcome)) {
    throw badRequest(`outcome must be one of ${ATTEMPT_OUTCOMES.join(', ')}`, 'outcome');
  }
  if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 1000)) {
    throw badRequest('note is at most 1000 characters', 'note');
  }
  const note = typeof b.note === 'string' && b.note.trim() ? b.note.trim() : undefined;
  return { method: b.method as AttemptMethod, outcome: b.outcome as AttemptOutcome, note };
}

/** Splits "Encounter-<id>" / "Task-<id>" into the request's type and id. */
export function parseRecallId(value: string): { type: 'Encounter' | 'Task'; id: string } {
  const m = /^(Encounter|Task)-(.+)$/.exec(value);
  if (!m) {
    throw badRequest('a recall id is Encounter-<id> or Task-<id>', 'id');
  }
  assertId(m[2], 'id');
  return { type: m[1] as 'Encounter' | 'Task', id: m[2] };
}

/** Logs a contact attempt (a Communication based on the request), audited as the caller. */
export async function logAttempt(
  db: Database,
  ctx: RequestContext,
  recallId: string,
  input: AttemptInput,
  now: Date
): Promise<Communication> {
  const { type, id } = parseRecallId(recallId);
  return db.transaction(async (tx) => {
    const source = (await new Repository(tx).read(ctx, type, id)) as Encounter | Task;
    const isRequest =
      source.resourceType === 'Encounter'
        ? !!source.extension?.some((e) => e.url === FOLLOW_UP_URL)
        : !!source.code?.coding?.some((c) => c.code === FOLLOW_UP_TASK_CODE.code);
    const patient = source.resourceType === 'Encounter' ? source.subject?.reference : source.for?.reference;
    if (!isRequest || !patient?.startsWith('Patient/')) {
      throw notFound(`${type}/${id} is not a follow-up request`);
    }
    const communication: Communication = {
      resourceType: 'Communication',
      extension: [{ url: CONTACT_OUTCOME_URL, valueCode: input.outcome }],
      basedOn: [{ reference: `${type}/${id}` }],
      status: 'completed',
      category: [
        {
          coding: [{ system: COMMUNICATION_CATEGORY_SYSTEM, code: 'recall-attempt' }],
          text: 'Recall contact attempt',
        },
      ],
      medium: [mediumOf(input.method)],
      subject: { reference: patient },
      recipient: [{ reference: patient }],
      sent: now.toISOString(),
      sender: { display: ctx.principal?.name ?? 'medassist' },
      ...(input.note ? { payload: [{ contentString: input.note }] } : {}),
    };
    const write = planCreate(communication);
    await applyWrites(tx, ctx, [write]);
    return write.content as Communication;
  });
}
