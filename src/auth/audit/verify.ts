import type { SqlConnection } from '../../store/db.js';

/** What is wrong at one place of a practice's audit chain. */
export interface ChainProblem {
  practiceId: string;
  /** The record the problem is at (for 'removed': the first missing seq). */
  seq: number;
  /**
   * altered: the record no longer matches its hash (its content, seq, prev_hash or hash was changed), or
   * the next record's link shows its hash was rewritten;
   * removed: records are missing before the next one (a gap in seq, or the chain does not start at 1);
   * reordered: the record links to a record that is not the one before it (seq numbers were moved).
   */
  problem: 'altered' | 'removed' | 'reordered';
  /** The same in words, for an operator. */
  detail: string;
}

/** The end of one practice's chain: an operator keeps lastSeq and lastHash to check later runs against. */
export interface ChainEnd {
  practiceId: string;
  records: number;
  /** 0 and 'genesis' for a practice without records. */
  lastSeq: number;
  lastHash: string;
}

export interface ChainReport {
  practices: number;
  records: number;
  ok: boolean;
  problems: ChainProblem[];
  chains: ChainEnd[];
}

/**
 * Recomputes the audit hash chain (table audit_event, migration 005) in the database, in one statement so
 * it sees one snapshot while servers keep appending. Per practice, in seq order, each record must
 * - follow the one before it: seq consecutive from 1 (else 'removed' at the first missing seq);
 * - link to it: prev_hash = the previous record's hash, 'genesis' for seq 1 (else 'reordered' when
 *   prev_hash is the hash of some other record of the practice, else 'altered' at the previous record,
 *   whose hash was rewritten);
 * - match its own hash: hash = audit_event_digest(prev_hash, row), the function the insert trigger uses
 *   (else 'altered').
 *
 * What this cannot see, by construction: the digest is not keyed, so someone with superuser access who
 * rewrites a record and recomputes every hash after it, or who removes the newest records, leaves a chain
 * that is consistent in itself. Both show only against an earlier run: keep the last seq and hash that
 * `medassist audit verify` prints (ChainEnd), and check that a later run still has that seq with that hash
 * (auditHashAt) and a lastSeq no smaller.
 */
export async function verifyAuditChain(conn: SqlConnection, practiceId?: string): Promise<ChainReport> {
  const result = await conn.query<{
    kind: 'problem' | 'end';
    practice_id: string;
    seq: number | string;
    problem: ChainProblem['problem'] | null;
    reason: 'gap' | 'moved' | 'digest' | 'relinked' | null;
    missing: number | string | null;
    records: number | string | null;
    last_hash: string | null;
  }>(
    `WITH chain AS (
       SELECT a.practice_id, a.seq, a.prev_hash, a.hash,
         a.hash = audit_event_digest(a.prev_hash, a) AS intact,
         lag(a.seq) OVER w AS before_seq,
         lag(a.hash) OVER w AS before_hash
       FROM audit_event a
       WHERE $1::text IS NULL OR a.practice_id = $1::text
       WINDOW w AS (PARTITION BY a.practice_id ORDER BY a.seq)
     ),
     checked AS (
       SELECT c.*,
         c.seq <> coalesce(c.before_seq, 0) + 1 AS gap,
         c.prev_hash <> coalesce(c.before_hash, 'genesis') AS unlinked
       FROM chain c
     ),
     row_problem AS (
       SELECT k.practice_id, k.seq, k.before_seq, k.intact, k.gap, k.unlinked,
         (NOT k.gap AND k.unlinked AND EXISTS (
           SELECT 1 FROM audit_event o WHERE o.practice_id = k.practice_id AND o.hash = k.prev_hash AND o.seq <> k.seq
         )) AS moved
       FROM checked k
       WHERE k.gap OR k.unlinked OR NOT k.intact
     ),
     problems AS (
       SELECT practice_id, coalesce(before_seq, 0) + 1 AS seq, 'removed' AS problem, 'gap' AS reason,
         seq - coalesce(before_seq, 0) - 1 AS missing
       FROM row_problem WHERE gap
       UNION
       SELECT practice_id, seq, CASE WHEN moved THEN 'reordered' ELSE 'altered' END,
         CASE WHEN moved THEN 'moved' ELSE 'digest' END, NULL
       FROM row_problem WHERE moved OR NOT intact
       UNION
       -- A record that matches its own hash but is not linked to from the next: that hash was rewritten.
       SELECT practice_id, coalesce(before_seq, seq), 'altered', 'relinked', NULL
       FROM row_problem WHERE unlinked AND NOT gap AND NOT moved AND intact
     )
     SELECT 'problem' AS kind, practice_id, seq, problem, reason, missing, NULL::bigint AS records,
       NULL AS last_hash
     FROM problems
     UNION ALL
     SELECT 'end', practice_id, max(seq), NULL, NULL, NULL, count(*), (array_agg(hash ORDER BY seq DESC))[1]
     FROM chain GROUP BY practice_id
     ORDER BY 2, 3, 4, 5`,
    [practiceId ?? null]
  );
  const problems: ChainProblem[] = [];
  const ends = new Map<string, ChainEnd>();
  for (const row of result.rows) {
    const seq = Number(row.seq);
    if (row.kind === 'end') {
      ends.set(row.practice_id, {
        practiceId: row.practice_id,
        records: Number(row.records),
        lastSeq: seq,
        lastHash: row.last_hash ?? '',
      });
      continue;
    }
    const problem = row.problem as ChainProblem['problem'];
    const missing = Number(row.missing ?? 0);
    const last = problems.at(-1);
    if (last && last.practiceId === row.practice_id && last.seq === seq && last.problem === problem) {
      continue; // a record whose hash was replaced fails both its own check and the next record's link
    }
    problems.push({
      practiceId: row.practice_id,
      seq,
      problem,
      detail:
        row.reason === 'gap'
          ? missing === 1
            ? `record ${seq} is missing`
            : `records ${seq}-${seq + missing - 1} are missing`
          : row.reason === 'moved'
            ? `record ${seq} links to a record that is not record ${seq - 1}`
            : row.reason === 'relinked'
              ? `record ${seq} has a hash that the next record does not link to (rewritten)`
              : `record ${seq} does not match its hash`,
    });
  }
  // Practices without a single record still count, so a practice whose every record was removed shows
  // as 0 records (compare with an earlier run), not as absent.
  const practices = practiceId
    ? [practiceId]
    : (await conn.query<{ id: string }>('SELECT id FROM practice')).rows.map((r) => r.id);
  for (const id of practices) {
    if (!ends.has(id)) {
      ends.set(id, { practiceId: id, records: 0, lastSeq: 0, lastHash: 'genesis' });
    }
  }
  const chains = [...ends.values()].sort((a, b) => (a.practiceId < b.practiceId ? -1 : 1));
  return {
    practices: chains.length,
    records: chains.reduce((n, c) => n + c.records, 0),
    ok: problems.length === 0,
    problems,
    chains,
  };
}

/** The stored hash of one record, to compare with the lastHash an earlier verify printed (undefined if absent). */
export async function auditHashAt(
  conn: SqlConnection,
  practiceId: string,
  seq: number
): Promise<string | undefined> {
  const result = await conn.query<{ hash: string }>(
    'SELECT hash FROM audit_event WHERE practice_id = $1 AND seq = $2',
    [practiceId, seq]
  );
  return result.rows[0]?.hash;
}
