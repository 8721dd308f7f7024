import type { AuditEvent } from '@medplum/fhirtypes';
import { badRequest } from '../../fhir/outcome.js';
import type { SqlConnection } from '../../store/db.js';
import { SqlParams } from '../../store/search/sqlParams.js';

/** One line of the audit report (ONC 170.315(d)(3), ASTM E2147 fields). */
export interface AuditLine {
  seq: number;
  recorded: string;
  userId: string | null;
  userName: string | null;
  action: string;
  subtype: string;
  outcome: string;
  patientIds: string[];
  category: string | null;
  entity: string | null;
  description: string | null;
  address: string | null;
  emergency: boolean;
}

export interface AuditQuery {
  from?: string;
  to?: string;
  patient?: string;
  user?: string;
  action?: string;
  subtype?: string;
  sort?: string;
  count?: number;
  cursor?: string;
}

/** Columns the report sorts by: every column it shows. */
const SORTABLE: Record<string, string> = {
  seq: 'seq',
  recorded: 'recorded',
  user: 'user_name',
  userName: 'user_name',
  action: 'action',
  subtype: 'subtype',
  outcome: 'outcome',
  patient: "array_to_string(patient_ids, ',')",
  category: 'category',
  entity: 'entity',
};

function instant(text: string | undefined, field: string): string | undefined {
  if (text === undefined || text === '') {
    return undefined;
  }
  const d = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime())) {
    throw badRequest(`${field} must be a date or date-time such as 2026-11-26T08:00:00Z`, field);
  }
  return d.toISOString();
}

/** Parses report filters from query parameters (strings), naming the bad one. */
export function parseAuditQuery(q: Record<string, unknown>): AuditQuery {
  const str = (k: string): string | undefined => {
    const v = q[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length > 200)
      throw badRequest(`${k} must be text of at most 200 characters`, k);
    return v;
  };
  const count = str('count');
  if (count !== undefined && (!/^\d{1,4}$/.test(count) || Number(count) < 1 || Number(count) > 1000)) {
    throw badRequest('count must be 1-1000', 'count');
  }
  const sort = str('sort');
  if (sort !== undefined && !SORTABLE[sort.replace(/^-/, '')]) {
    throw badRequest(
      `sort must be one of ${Object.keys(SORTABLE).join(', ')} (prefix - for descending)`,
      'sort'
    );
  }
  const cursor = str('cursor');
  if (cursor !== undefined && !/^\d{1,9}$/.test(cursor)) {
    throw badRequest('cursor must be the value a previous page gave', 'cursor');
  }
  const action = str('action');
  if (action !== undefined && !/^[CRUDE]$/.test(action)) {
    throw badRequest('action must be C, R, U, D or E', 'action');
  }
  const from = instant(str('from'), 'from');
  const to = instant(str('to'), 'to');
  if (from && to && from > to) {
    throw badRequest('from must not be after to', 'from');
  }
  return {
    from,
    to,
    patient: str('patient'),
    user: str('user'),
    action,
    subtype: str('subtype'),
    sort,
    count: count ? Number(count) : undefined,
    cursor,
  };
}

/** The audit records matching a query, one page, with the cursor of the next. */
export async function queryAudit(
  conn: SqlConnection,
  practiceId: string,
  q: AuditQuery
): Promise<{ events: AuditLine[]; next?: string }> {
  const p = new SqlParams(practiceId);
  const where = ['practice_id = $1'];
  if (q.from) where.push(`recorded >= ${p.add(q.from)}::timestamptz`);
  if (q.to) where.push(`recorded <= ${p.add(q.to)}::timestamptz`);
  if (q.patient) where.push(`patient_ids @> ARRAY[${p.add(q.patient)}::text]`);
  if (q.user) where.push(`(user_id = ${p.add(q.user)} OR user_name = $${p.values.length})`);
  if (q.action) where.push(`action = ${p.add(q.action)}`);
  if (q.subtype) where.push(`subtype = ${p.add(q.subtype)}`);
  const sort = q.sort ?? '-recorded';
  const desc = sort.startsWith('-');
  const column = SORTABLE[sort.replace(/^-/, '')];
  const count = q.count ?? 100;
  const offset = Number(q.cursor ?? 0);
  const result = await conn.query<{
    seq: string | number;
    recorded: Date | string;
    user_id: string | null;
    user_name: string | null;
    action: string;
    subtype: string;
    outcome: string;
    patient_ids: string[];
    category: string | null;
    entity: string | null;
    event: AuditEvent;
  }>(
    `SELECT seq, recorded, user_id, user_name, action, subtype, outcome, patient_ids, category, entity, event FROM audit_event
     WHERE ${where.join(' AND ')} ORDER BY ${column} ${desc ? 'DESC' : 'ASC'}, seq ${desc ? 'DESC' : 'ASC'}
     LIMIT ${count + 1} OFFSET ${offset}`,
    p.values
  );
  const rows = result.rows.slice(0, count);
  return {
    events: rows.map((r) => ({
      seq: Number(r.seq),
      recorded: new Date(r.recorded).toISOString(),
      userId: r.user_id,
      userName: r.user_name,
      action: r.action,
      subtype: r.subtype,
      outcome: r.outcome,
      patientIds: r.patient_ids,
      category: r.category,
      entity: r.entity,
      description: r.event.outcomeDesc ?? null,
      address: r.event.agent?.[0]?.network?.address ?? null,
      emergency: (r.event.purposeOfEvent ?? []).length > 0,
    })),
    ...(result.rows.length > count ? { next: String(offset + count) } : {}),
  };
}

const CSV_COLUMNS: (keyof AuditLine)[] = [
  'seq',
  'recorded',
  'userName',
  'userId',
  'action',
  'subtype',
  'outcome',
  'patientIds',
  'category',
  'entity',
  'description',
  'address',
  'emergency',
];

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with ' (OWASP CSV injection). */
export function auditCsv(lines: AuditLine[], header = true): string {
  const cell = (v: unknown): string => {
    let text = Array.isArray(v) ? v.join(' ') : v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const out = lines.map((l) => CSV_COLUMNS.map((c) => cell(l[c])).join(','));
  return (header ? [CSV_COLUMNS.join(','), ...out] : out).join('\r\n') + '\r\n';
}
