import type { Resource } from '@medplum/fhirtypes';
import type { SqlConnection } from './db.js';

/** Rows per query when scanning a practice: big enough to amortize round trips, small enough to keep memory flat. */
export const SCAN_PAGE_SIZE = 1000;

/** How many current (non-deleted) resources a practice holds, per resource type, sorted by type. */
export async function countByType(db: SqlConnection, practiceId: string): Promise<Map<string, number>> {
  const result = await db.query<{ resource_type: string; n: number | string }>(
    `SELECT resource_type, count(*) AS n FROM resource
     WHERE practice_id = $1 AND NOT deleted GROUP BY resource_type ORDER BY resource_type`,
    [practiceId]
  );
  return new Map(result.rows.map((r) => [r.resource_type, Number(r.n)]));
}

/**
 * The current, non-deleted resources of one type, page by page in id order. Keyset paging ("id > last
 * seen") walks the primary key (practice_id, resource_type, id) instead of OFFSET, so every page costs the
 * same and a scan of millions of rows holds one page in memory at a time. The comparison and the ORDER BY
 * use the same collation, so no row is skipped or repeated whatever the database's default collation is.
 */
export async function* scanResources(
  db: SqlConnection,
  practiceId: string,
  resourceType: string,
  pageSize: number = SCAN_PAGE_SIZE
): AsyncGenerator<Resource[]> {
  let after: string | null = null;
  for (;;) {
    const result: { rows: { id: string; content: Resource }[] } = await db.query<{
      id: string;
      content: Resource;
    }>(
      `SELECT id, content FROM resource
       WHERE practice_id = $1 AND resource_type = $2 AND NOT deleted AND ($3::text IS NULL OR id > $3::text)
       ORDER BY id LIMIT $4`,
      [practiceId, resourceType, after, pageSize]
    );
    if (result.rows.length === 0) {
      return;
    }
    yield result.rows.map((r) => r.content);
    if (result.rows.length < pageSize) {
      return;
    }
    after = result.rows[result.rows.length - 1].id;
  }
}

/** Which of `ids` exist (and are not deleted) as resources of `resourceType` in a practice. */
export async function existingIds(
  db: SqlConnection,
  practiceId: string,
  resourceType: string,
  ids: string[]
): Promise<Set<string>> {
  if (ids.length === 0) {
    return new Set();
  }
  const result = await db.query<{ id: string }>(
    `SELECT r.id FROM resource r JOIN jsonb_array_elements_text($3::jsonb) AS x(id) ON r.id = x.id
     WHERE r.practice_id = $1 AND r.resource_type = $2 AND NOT r.deleted`,
    [practiceId, resourceType, JSON.stringify(ids)]
  );
  return new Set(result.rows.map((r) => r.id));
}
