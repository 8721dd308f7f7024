import type { Database, SqlConnection } from '../../store/db.js';
import {
  DEFAULT_AUDIT_SETTINGS,
  insertAuditSql,
  type AuditClass,
  type AuditRow,
  type AuditSettings,
} from './events.js';

/**
 * Appends audit records of reads (writes put theirs in the same statement as the data: store/writes.ts).
 * Requests that read at the same moment share one INSERT and one commit (group commit), and each request
 * waits for its record to be committed before its data is sent: a server killed mid-request loses no
 * record of data that left it. If the insert fails, the reads fail (fail closed).
 */
export class AuditWriter {
  private queue: { practiceId: string; row: AuditRow; done: (err?: unknown) => void }[] = [];
  private flushing = false;
  private readonly settings = new Map<string, { value: AuditSettings; at: number }>();

  constructor(private readonly db: Database) {}

  /** Records `rows` for a practice; resolves once they are committed. */
  append(practiceId: string, rows: AuditRow[]): Promise<void> {
    if (rows.length === 0) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let left = rows.length;
      let failed = false;
      for (const row of rows) {
        this.queue.push({
          practiceId,
          row,
          done: (err) => {
            if (failed) return;
            if (err) {
              failed = true;
              reject(err instanceof Error ? err : new Error(String(err)));
              return;
            }
            if (--left === 0) resolve();
          },
        });
      }
      if (!this.flushing) {
        void this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        // One turn of the event loop lets the reads already answered by the database queue their records
        // too: bigger batches, fewer statements and commits (a statement costs ~10x a row here).
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.queue.splice(0, 500);
        const byPractice = new Map<string, typeof batch>();
        for (const item of batch) {
          const items = byPractice.get(item.practiceId);
          if (items) {
            items.push(item);
          } else {
            byPractice.set(item.practiceId, [item]);
          }
        }
        for (const [practiceId, items] of byPractice) {
          try {
            await insertAudit(
              this.db,
              practiceId,
              items.map((i) => i.row)
            );
            items.forEach((i) => i.done());
          } catch (err) {
            items.forEach((i) => i.done(err));
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Whether a class of event is recorded for a practice (cached for 5 s; changes through the audit settings
   * route apply at once here). `conn` is the connection the request works on: inside a transaction Bundle,
   * its transaction (on PGlite the one connection is held by it, and a read through the database would wait
   * for it forever).
   */
  async records(conn: SqlConnection, practiceId: string, kind: AuditClass): Promise<boolean> {
    const cached = this.settings.get(practiceId);
    if (cached && Date.now() - cached.at < 5000) {
      return cached.value[kind];
    }
    const value = await readAuditSettings(conn, practiceId);
    this.settings.set(practiceId, { value, at: Date.now() });
    return value[kind];
  }

  forgetSettings(practiceId: string): void {
    this.settings.delete(practiceId);
  }
}

/** Inserts audit rows in one statement (the trigger chains them). */
export async function insertAudit(conn: SqlConnection, practiceId: string, rows: AuditRow[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await conn.query(insertAuditSql('$1', '$2'), [practiceId, JSON.stringify(rows)]);
}

export async function readAuditSettings(conn: SqlConnection, practiceId: string): Promise<AuditSettings> {
  const result = await conn.query<{ settings: Partial<AuditSettings> }>(
    'SELECT settings FROM audit_setting WHERE practice_id = $1',
    [practiceId]
  );
  return { ...DEFAULT_AUDIT_SETTINGS, ...(result.rows[0]?.settings ?? {}) };
}
