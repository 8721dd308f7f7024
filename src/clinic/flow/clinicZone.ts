import type { Location } from '@medplum/fhirtypes';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { findById, localDate, TIMEZONE_URL, timeZoneOf } from './visit.js';

/**
 * The practice's time zone, for clinic dates that have no visit site at hand (the recall list, a chart's
 * age, a consent or coverage dated "today" at the desk): the timezone extension of its sites, sites (no
 * partOf) first and then by id so the answer is stable; UTC when no Location names one. Where there is a
 * visit, its own site's zone (timeZoneOf) comes first. See docs/decisions/0017-clinic-local-dates.md.
 */
export async function clinicTimeZone(conn: SqlConnection, practiceId: string): Promise<string> {
  const result = await conn.query<{ content: Location }>(
    `SELECT r.content FROM resource r
     WHERE r.practice_id = $1 AND r.resource_type = 'Location' AND NOT r.deleted
       AND r.content->'extension' @> $2::jsonb
     ORDER BY (r.content->'partOf') IS NOT NULL, r.id LIMIT 1`,
    [practiceId, JSON.stringify([{ url: TIMEZONE_URL }])]
  );
  const site = result.rows[0]?.content;
  // timeZoneOf checks the zone: an unknown name is UTC, not a RangeError later.
  return site ? timeZoneOf(site) : 'UTC';
}

/** A visit's zone: its site Location's timezone extension, else the practice's (clinicTimeZone). */
export async function siteOrPracticeTimeZone(
  conn: SqlConnection,
  ctx: RequestContext,
  siteId: string | undefined
): Promise<string> {
  const site = siteId ? await findById<Location>(conn, ctx, 'Location', siteId) : undefined;
  return site?.extension?.some((e) => e.url === TIMEZONE_URL)
    ? timeZoneOf(site)
    : clinicTimeZone(conn, ctx.practiceId);
}

/** The practice's local calendar date of `now` (YYYY-MM-DD): what "today" is at the desk. */
export async function clinicToday(conn: SqlConnection, practiceId: string, now: Date): Promise<string> {
  return localDate(now, await clinicTimeZone(conn, practiceId));
}
