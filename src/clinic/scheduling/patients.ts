import type { HumanName } from '@medplum/fhirtypes';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { accessColumns } from '../../store/access.js';
import { SqlParams } from '../../store/search/sqlParams.js';

/** A patient as the schedule shows one: two identifiers (name and date of birth). */
export interface VisitPatient {
  id: string;
  name: string;
  birthDate?: string;
}

export function displayName(names: HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.find((n) => n.use !== 'old') ?? names?.[0];
  if (!name) return '';
  return name.text ?? [...(name.given ?? []), name.family ?? ''].join(' ').trim();
}

/**
 * The patients the caller may see, by id: null for a restricted chart they cannot open (or one outside their
 * role), so a busy time shows as `{ restricted: true, patient: null }`. One query, the caller's access in it.
 */
export async function visiblePatients(
  conn: SqlConnection,
  ctx: RequestContext,
  ids: Iterable<string>
): Promise<Map<string, VisitPatient | null>> {
  const list = [...new Set(ids)];
  const out = new Map<string, VisitPatient | null>();
  if (list.length === 0) return out;
  const p = new SqlParams(ctx.practiceId, list);
  const columns = accessColumns(ctx, 'read', 'Patient', 'r.resource_type', 'r.id', p);
  const result = await conn.query<{
    id: string;
    name: HumanName[] | null;
    birth_date: string | null;
    in_scope: boolean;
    restricted: boolean;
  }>(
    `SELECT r.id, r.content->'name' AS name, r.content->>'birthDate' AS birth_date, ${columns}
       FROM resource r WHERE r.practice_id = $1 AND r.resource_type = 'Patient' AND r.id = ANY($2::text[]) AND NOT r.deleted`,
    p.values
  );
  for (const id of list) out.set(id, null);
  for (const row of result.rows) {
    out.set(
      row.id,
      row.restricted || !row.in_scope
        ? null
        : {
            id: row.id,
            name: displayName(row.name ?? undefined),
            ...(row.birth_date ? { birthDate: row.birth_date } : {}),
          }
    );
  }
  return out;
}
