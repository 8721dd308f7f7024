import type {
  Appointment,
  Encounter,
  Observation,
  Patient,
  Practitioner,
  Resource,
} from '@medplum/fhirtypes';
import { forbidden } from '../../../fhir/outcome.js';
import { accessConditions } from '../../../store/access.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { SqlParams } from '../../../store/search/sqlParams.js';
import { displayName } from '../../flow/board.js';
import { participantOf, refId } from '../../flow/visit.js';
import {
  AWAITING_COSIGN_URL,
  awaitsCosign,
  entryView,
  INTAKE_KINDS,
  isProvider,
  type IntakeEntry,
} from './intake.js';

export interface CosignItem extends IntakeEntry {
  encounterId?: string;
  patient: { id: string; name: string; birthDate?: string } | null;
  provider?: { id: string; name: string };
  visitStart?: string;
}

export interface CosignQueue {
  /** `mine`: entries of visits whose provider is the caller's Practitioner; `all`: every entry awaiting. */
  scope: 'mine' | 'all';
  items: CosignItem[];
}

async function byIds<T extends Resource>(
  conn: SqlConnection,
  ctx: RequestContext,
  type: string,
  ids: string[]
): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  if (ids.length === 0) return out;
  const p = new SqlParams(ctx.practiceId, type);
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    `r.id = ANY(${p.add([...new Set(ids)])}::text[])`,
    ...accessConditions(ctx, 'read', type, 'r.resource_type', 'r.id', p),
  ];
  const result = await conn.query<{ content: T }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')}`,
    p.values
  );
  for (const row of result.rows) out.set(row.content.id as string, row.content);
  return out;
}

/** The most entries one answer holds (docs/rooming/intake.md). */
export const COSIGN_QUEUE_LIMIT = 1000;

/** The id part of a reference to `type` held in the JSON text `expr` (as refId: relative or absolute). */
const refIdSql = (expr: string, type: string): string =>
  `(regexp_match(${expr}, '(?:^|/)${type}/([A-Za-z0-9.-]{1,64})$'))[1]`;

/**
 * The condition "the visit of Observation `r` is `practitionerId`'s" (as providerOf below: the Appointment's
 * first Practitioner participant, else the Encounter's first participant), with the caller's read access to
 * the Encounter and the Appointment, so the "mine" filter is in the SQL and LIMIT counts only mine.
 */
function visitOfSql(ctx: RequestContext, p: SqlParams, practitionerId: string): string {
  const appointmentAccess = accessConditions(ctx, 'read', 'Appointment', "'Appointment'", 'a.id', p);
  const encounterAccess = accessConditions(ctx, 'read', 'Encounter', "'Encounter'", 'e.id', p);
  const me = p.add(practitionerId);
  return `EXISTS (
    SELECT 1 FROM resource e
    LEFT JOIN resource a ON a.practice_id = e.practice_id AND a.resource_type = 'Appointment' AND NOT a.deleted
      AND a.id = ${refIdSql("e.content->'appointment'->0->>'reference'", 'Appointment')}
      ${appointmentAccess.map((c) => `AND ${c}`).join(' ')}
    WHERE e.practice_id = $1 AND e.resource_type = 'Encounter' AND NOT e.deleted
      AND e.id = ${refIdSql("r.content->'encounter'->>'reference'", 'Encounter')}
      ${encounterAccess.map((c) => `AND ${c}`).join(' ')}
      AND COALESCE(
        (SELECT ${refIdSql("ap.value->'actor'->>'reference'", 'Practitioner')}
           FROM jsonb_array_elements(COALESCE(a.content->'participant', '[]'::jsonb)) WITH ORDINALITY AS ap(value, n)
          WHERE ${refIdSql("ap.value->'actor'->>'reference'", 'Practitioner')} IS NOT NULL
          ORDER BY ap.n LIMIT 1),
        ${refIdSql("e.content->'participant'->0->'individual'->>'reference'", 'Practitioner')}
      ) = ${me})`;
}

/**
 * The provider's co-signature queue (GET /api/rooming/cosign): intake entries awaiting a signature, oldest
 * first, at most `limit`. Providers only (403). `mine` (the default when the caller is linked to a
 * Practitioner) keeps the entries of visits whose provider (Appointment participant, else the Encounter's
 * first participant) is the caller, in the SQL (before the limit: in a large practice the oldest 1,000
 * entries may all be other providers'); a caller linked to no Practitioner has no "mine" (empty). `all`
 * shows every provider's.
 */
export async function cosignQueue(
  conn: SqlConnection,
  ctx: RequestContext,
  scope: 'mine' | 'all' | undefined,
  limit = COSIGN_QUEUE_LIMIT
): Promise<CosignQueue> {
  if (!isProvider(ctx)) {
    throw forbidden('the co-signature queue is for providers', 'scope');
  }
  const me = ctx.principal?.practitionerId;
  const effective = scope ?? (me ? 'mine' : 'all');
  if (effective === 'mine' && !me) {
    return { scope: effective, items: [] };
  }
  const p = new SqlParams(ctx.practiceId);
  const codes = Object.values(INTAKE_KINDS).map((k) => k.code);
  const where = [
    'r.practice_id = $1',
    "r.resource_type = 'Observation'",
    'NOT r.deleted',
    `r.content->>'status' = ANY(${p.add(['preliminary', 'amended'])}::text[])`,
    // The marker in the SQL, so signed (amended) entries never count against the limit below.
    `r.content->'extension' @> ${p.add(JSON.stringify([{ url: AWAITING_COSIGN_URL, valueBoolean: true }]))}::jsonb`,
    `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(r.content->'code'->'coding', '[]'::jsonb)) c
             WHERE c->>'system' = 'http://loinc.org' AND c->>'code' = ANY(${p.add(codes)}::text[]))`,
    ...accessConditions(ctx, 'search', 'Observation', "'Observation'", 'r.id', p),
    ...(effective === 'mine' && me ? [visitOfSql(ctx, p, me)] : []),
  ];
  const result = await conn.query<{ content: Observation }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')} ORDER BY r.last_updated, r.id LIMIT ${p.add(limit)}`,
    p.values
  );
  const waiting = result.rows.map((r) => r.content).filter(awaitsCosign);
  const encounters = await byIds<Encounter>(
    conn,
    ctx,
    'Encounter',
    waiting.flatMap((o) => refId(o.encounter?.reference, 'Encounter') ?? [])
  );
  const appointments = await byIds<Appointment>(
    conn,
    ctx,
    'Appointment',
    [...encounters.values()].flatMap((e) => refId(e.appointment?.[0]?.reference, 'Appointment') ?? [])
  );
  const patients = await byIds<Patient>(
    conn,
    ctx,
    'Patient',
    waiting.flatMap((o) => refId(o.subject?.reference, 'Patient') ?? [])
  );
  const providerOf = (encounter: Encounter | undefined): { id: string; display?: string } | undefined => {
    if (!encounter) return undefined;
    const appointment = appointments.get(refId(encounter.appointment?.[0]?.reference, 'Appointment') ?? '');
    const fromAppointment = appointment ? participantOf(appointment, 'Practitioner') : undefined;
    if (fromAppointment) return fromAppointment;
    const id = refId(encounter.participant?.[0]?.individual?.reference, 'Practitioner');
    return id ? { id, display: encounter.participant?.[0]?.individual?.display } : undefined;
  };
  const providerIds = waiting.flatMap((o) => {
    const pr = providerOf(encounters.get(refId(o.encounter?.reference, 'Encounter') ?? ''));
    return pr && !pr.display ? [pr.id] : [];
  });
  const practitioners = await byIds<Practitioner>(conn, ctx, 'Practitioner', providerIds);
  const items: CosignItem[] = [];
  for (const observation of waiting) {
    const encounterId = refId(observation.encounter?.reference, 'Encounter');
    const encounter = encounters.get(encounterId ?? '');
    const provider = providerOf(encounter);
    if (effective === 'mine' && provider?.id !== me) continue;
    const patient = patients.get(refId(observation.subject?.reference, 'Patient') ?? '');
    items.push({
      ...entryView(observation, []),
      ...(encounterId ? { encounterId } : {}),
      patient: patient
        ? { id: patient.id as string, name: displayName(patient.name), birthDate: patient.birthDate }
        : null,
      ...(provider
        ? {
            provider: {
              id: provider.id,
              name: provider.display ?? displayName(practitioners.get(provider.id)?.name),
            },
          }
        : {}),
      ...(encounter?.period?.start ? { visitStart: encounter.period.start } : {}),
    });
  }
  return { scope: effective, items };
}
