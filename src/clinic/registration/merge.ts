import { randomUUID } from 'node:crypto';
import type { Identifier, Patient, PatientLink, Resource } from '@medplum/fhirtypes';
import type { Principal } from '../../auth/principal.js';
import { badRequest, conflict, forbidden, outcome, OutcomeError } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { lockCurrent, planUpdate, Repository } from '../../store/repository.js';
import { applyWrites, type PendingWrite } from '../../store/writes.js';
import { asBody, id, text } from './input.js';

/**
 * Merging a duplicate chart into the chart that stays (FHIR R4 Patient.link, patient.html#links): every
 * resource that references the source is re-pointed to the target as a new version, the source becomes
 * inactive and `replaced-by` the target, the target `replaces` the source and carries the source's MRN as
 * an old identifier. One transaction; a patient_merge row lists every change so the merge can be undone
 * for 30 days (docs/decisions/0014-registration-and-merge.md).
 */
export const UNDO_DAYS = 30;
const DAY_MS = 86_400_000;

export interface MergeRequest {
  sourceId: string;
  targetId: string;
  reason: string;
}

/** One re-pointed resource: its versions before and after, and each reference changed (path and old value). */
interface MergeItem {
  type: string;
  id: string;
  before: number;
  after: number;
  changes: { path: (string | number)[]; was: string }[];
}

interface MergeRow {
  id: string;
  source_id: string;
  target_id: string;
  reason: string;
  merged_at: Date | string;
  merged_by: string;
  undone_at: Date | string | null;
  undone_by: string | null;
  items: {
    repointed: MergeItem[];
    sourceActive: boolean | null;
    addedIdentifiers: Identifier[];
  };
}

export interface MergeRecord {
  id: string;
  sourceId: string;
  targetId: string;
  reason: string;
  mergedAt: string;
  mergedBy: string;
  undoneAt?: string;
  undoneBy?: string;
  /** Until when the merge can be undone. */
  undoUntil: string;
  repointed: { reference: string; before: number; after: number }[];
}

export function parseMerge(body: unknown): MergeRequest {
  const b = asBody(body);
  const sourceId = id(b.sourceId, 'sourceId');
  const targetId = id(b.targetId, 'targetId');
  if (sourceId === targetId) {
    throw badRequest('the chart to merge and the chart to keep must be different patients', 'targetId');
  }
  return { sourceId, targetId, reason: text(b.reason, 'reason', 1000) };
}

/** Who may merge and unmerge charts: the lead MA and practice administrators (and API clients allowed to). */
export function mayMerge(principal: Principal | undefined): boolean {
  return (
    !!principal &&
    (principal.kind !== 'user' ||
      principal.roles.includes('lead-ma') ||
      principal.roles.includes('practice-admin'))
  );
}

/**
 * The context the re-pointing writes run in: the same user (the audit trail names them), with access to every
 * type, because a merge re-points the chart's clinical and billing data whatever the merger's role may edit
 * one by one. Only merge and undo, after mayMerge, use it.
 */
function repointContext(ctx: RequestContext): RequestContext {
  return ctx.principal ? { ...ctx, principal: { ...ctx.principal, scopes: ['system/*.cruds'] } } : ctx;
}

const notFoundAt = (text: string, field: string): OutcomeError =>
  new OutcomeError(404, outcome('error', 'not-found', text, field));

async function lockPatient(
  tx: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  field: string
): Promise<Patient> {
  const row = await lockCurrent(tx, ctx, 'Patient', patientId).catch((err: unknown) => {
    if (err instanceof OutcomeError && err.status === 404) return undefined;
    throw err;
  });
  if (!row || row.deleted || !row.content) {
    throw notFoundAt(`Patient/${patientId} was not found`, field);
  }
  return row.content as Patient;
}

/** Whether a reference string names the patient (relative, versioned, or as this server's absolute URL). */
function namesPatient(ref: string, patientId: string, baseUrl: string): boolean {
  const local = baseUrl && ref.startsWith(`${baseUrl}/`) ? ref.slice(baseUrl.length + 1) : ref;
  return local === `Patient/${patientId}` || local.startsWith(`Patient/${patientId}/_history/`);
}

/** Re-points every `reference` naming `from` to `to` in a copy of the resource; returns the paths changed. */
function repoint(
  resource: Resource,
  from: string,
  to: string,
  baseUrl: string
): { changed: Resource; changes: MergeItem['changes'] } {
  const changes: MergeItem['changes'] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(node)) return node.map((v, i) => walk(v, [...path, i]));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'reference' && typeof v === 'string' && namesPatient(v, from, baseUrl)) {
        changes.push({ path: [...path, k], was: v });
        out[k] = `Patient/${to}`;
      } else if (k !== 'meta' || path.length > 0) {
        out[k] = walk(v, [...path, k]);
      } else {
        out[k] = v;
      }
    }
    return out;
  };
  return { changed: walk(resource, []) as Resource, changes };
}

function setAt(resource: Resource, path: (string | number)[], value: string): Resource {
  const copy = structuredClone(resource) as unknown as Record<string | number, unknown>;
  let node: Record<string | number, unknown> | undefined = copy;
  for (const key of path.slice(0, -1)) {
    node = node?.[key] as Record<string | number, unknown> | undefined;
  }
  if (node) node[path[path.length - 1]] = value;
  return copy as unknown as Resource;
}

function getAt(resource: Resource, path: (string | number)[]): unknown {
  let node: unknown = resource;
  for (const key of path) {
    node =
      node === null || typeof node !== 'object' ? undefined : (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function present(row: MergeRow): MergeRecord {
  const mergedAt = new Date(row.merged_at);
  return {
    id: row.id,
    sourceId: row.source_id,
    targetId: row.target_id,
    reason: row.reason,
    mergedAt: mergedAt.toISOString(),
    mergedBy: row.merged_by,
    ...(row.undone_at
      ? { undoneAt: new Date(row.undone_at).toISOString(), undoneBy: row.undone_by ?? '' }
      : {}),
    undoUntil: new Date(mergedAt.getTime() + UNDO_DAYS * DAY_MS).toISOString(),
    repointed: row.items.repointed.map((i) => ({
      reference: `${i.type}/${i.id}`,
      before: i.before,
      after: i.after,
    })),
  };
}

const MERGE_COLUMNS = 'id, source_id, target_id, reason, merged_at, merged_by, undone_at, undone_by, items';

/** Merges the source chart into the target, in one transaction (see the module comment). */
export async function mergePatients(
  db: Database,
  ctx: RequestContext,
  req: MergeRequest,
  now = new Date()
): Promise<MergeRecord> {
  if (!mayMerge(ctx.principal)) {
    throw forbidden('only the lead MA or a practice administrator merges charts');
  }
  return db.transaction(async (tx) => {
    const source = await lockPatient(tx, ctx, req.sourceId, 'sourceId');
    const target = await lockPatient(tx, ctx, req.targetId, 'targetId');
    if (source.active === false || source.link?.some((l) => l.type === 'replaced-by')) {
      throw conflict(`Patient/${req.sourceId} is inactive or already merged into another chart`, 'sourceId');
    }
    if (target.active === false || target.link?.some((l) => l.type === 'replaced-by')) {
      throw conflict(
        `Patient/${req.targetId} is inactive or was merged into another chart: keep that one`,
        'targetId'
      );
    }
    const wide = repointContext(ctx);
    const referencing = await tx.query<{ resource_type: string; resource_id: string }>(
      `SELECT DISTINCT resource_type, resource_id FROM search_index
       WHERE practice_id = $1 AND system = 'Patient' AND display = $2
         AND NOT (resource_type = 'Patient' AND resource_id IN ($2, $3))
       ORDER BY resource_type, resource_id`,
      [ctx.practiceId, req.sourceId, req.targetId]
    );
    const writes: PendingWrite[] = [];
    const items: MergeItem[] = [];
    for (const { resource_type: type, resource_id: rid } of referencing.rows) {
      const current = await lockCurrent(tx, wide, type, rid);
      if (!current || current.deleted || !current.content) continue;
      const { changed, changes } = repoint(current.content, req.sourceId, req.targetId, ctx.baseUrl);
      const write = changes.length > 0 ? planUpdate(changed, rid, current) : undefined;
      if (!write) continue;
      writes.push(write);
      items.push({ type, id: rid, before: current.version_id, after: write.versionId, changes });
    }
    const sourceIds = (source.identifier ?? []).filter((i) => i.use !== 'old');
    const addedIdentifiers = sourceIds.map((i) => ({ ...i, use: 'old' as const }));
    const sourceLink: PatientLink = { other: { reference: `Patient/${req.targetId}` }, type: 'replaced-by' };
    const targetLink: PatientLink = { other: { reference: `Patient/${req.sourceId}` }, type: 'replaces' };
    const sourceWrite = planUpdate(
      { ...source, active: false, link: [...(source.link ?? []), sourceLink] },
      req.sourceId,
      { version_id: Number(source.meta?.versionId ?? 1), deleted: false, content: source }
    );
    const targetWrite = planUpdate(
      {
        ...target,
        identifier: [...(target.identifier ?? []), ...addedIdentifiers],
        link: [...(target.link ?? []), targetLink],
      },
      req.targetId,
      { version_id: Number(target.meta?.versionId ?? 1), deleted: false, content: target }
    );
    if (writes.length > 0) await applyWrites(tx, wide, writes);
    await applyWrites(
      tx,
      ctx,
      [sourceWrite, targetWrite].filter((w): w is PendingWrite => !!w)
    );
    const row: MergeRow = {
      id: randomUUID(),
      source_id: req.sourceId,
      target_id: req.targetId,
      reason: req.reason,
      merged_at: now.toISOString(),
      merged_by: ctx.principal?.name ?? 'medassist',
      undone_at: null,
      undone_by: null,
      items: { repointed: items, sourceActive: source.active ?? null, addedIdentifiers },
    };
    await tx.query(
      `INSERT INTO patient_merge (practice_id, id, source_id, target_id, reason, merged_at, merged_by, items)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        ctx.practiceId,
        row.id,
        row.source_id,
        row.target_id,
        row.reason,
        row.merged_at,
        row.merged_by,
        JSON.stringify(row.items),
      ]
    );
    return present(row);
  });
}

/** Reads a merge record (for the chart's merge banner and the undo button). */
export async function readMerge(
  conn: SqlConnection,
  ctx: RequestContext,
  mergeId: string
): Promise<MergeRecord> {
  const result = await conn.query<MergeRow>(
    `SELECT ${MERGE_COLUMNS} FROM patient_merge WHERE practice_id = $1 AND id = $2`,
    [ctx.practiceId, mergeId]
  );
  const row = result.rows[0];
  if (!row) throw notFoundAt(`merge ${mergeId} was not found`, 'id');
  return present(row);
}

/** The merges a chart took part in (as source or target), newest first. */
export async function mergesOf(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<MergeRecord[]> {
  // Only for a chart the caller may open (a restricted one answers as if it did not exist).
  await new Repository(conn).read(ctx, 'Patient', patientId);
  const result = await conn.query<MergeRow>(
    `SELECT ${MERGE_COLUMNS} FROM patient_merge WHERE practice_id = $1 AND (source_id = $2 OR target_id = $2)
     ORDER BY merged_at DESC LIMIT 50`,
    [ctx.practiceId, patientId]
  );
  return result.rows.map(present);
}

/**
 * Undoes a merge within 30 days: each re-pointed reference that still names the target gets its pre-merge
 * value back (a new version: later edits stay), the source is active again and the links and the old
 * identifiers go. After 30 days, or a second time, 409.
 */
export async function undoMerge(
  db: Database,
  ctx: RequestContext,
  mergeId: string,
  now = new Date()
): Promise<MergeRecord> {
  if (!mayMerge(ctx.principal)) {
    throw forbidden('only the lead MA or a practice administrator undoes a merge');
  }
  const mid = id(mergeId, 'id');
  return db.transaction(async (tx) => {
    const result = await tx.query<MergeRow>(
      `SELECT ${MERGE_COLUMNS} FROM patient_merge WHERE practice_id = $1 AND id = $2 FOR UPDATE`,
      [ctx.practiceId, mid]
    );
    const row = result.rows[0];
    if (!row) throw notFoundAt(`merge ${mid} was not found`, 'id');
    if (row.undone_at) {
      throw conflict(`this merge was already undone (${new Date(row.undone_at).toISOString()})`, 'id');
    }
    const until = new Date(row.merged_at).getTime() + UNDO_DAYS * DAY_MS;
    if (now.getTime() > until) {
      throw conflict(
        `a merge can be undone for ${UNDO_DAYS} days; this one was made ${new Date(row.merged_at).toISOString()}`,
        'id'
      );
    }
    const wide = repointContext(ctx);
    const writes: PendingWrite[] = [];
    for (const item of row.items.repointed) {
      const current = await lockCurrent(tx, wide, item.type, item.id);
      if (!current || current.deleted || !current.content) continue;
      let restored = current.content;
      for (const change of item.changes) {
        if (getAt(restored, change.path) === `Patient/${row.target_id}`) {
          restored = setAt(restored, change.path, change.was);
        }
      }
      const write = planUpdate(restored, item.id, current);
      if (write) writes.push(write);
    }
    const source = await lockPatient(tx, ctx, row.source_id, 'sourceId');
    const target = await lockPatient(tx, ctx, row.target_id, 'targetId');
    const added = new Set(row.items.addedIdentifiers.map((i) => `${i.system ?? ''}|${i.value ?? ''}`));
    const sourceLinks = (source.link ?? []).filter(
      (l) => !(l.type === 'replaced-by' && l.other.reference === `Patient/${row.target_id}`)
    );
    const targetLinks = (target.link ?? []).filter(
      (l) => !(l.type === 'replaces' && l.other.reference === `Patient/${row.source_id}`)
    );
    const restoredSource: Patient = { ...source, active: row.items.sourceActive ?? true };
    delete restoredSource.link;
    if (sourceLinks.length > 0) restoredSource.link = sourceLinks;
    const restoredTarget: Patient = {
      ...target,
      identifier: (target.identifier ?? []).filter(
        (i) => !(i.use === 'old' && added.has(`${i.system ?? ''}|${i.value ?? ''}`))
      ),
    };
    delete restoredTarget.link;
    if (targetLinks.length > 0) restoredTarget.link = targetLinks;
    const patientWrites = [
      planUpdate(restoredSource, row.source_id, {
        version_id: Number(source.meta?.versionId ?? 1),
        deleted: false,
        content: source,
      }),
      planUpdate(restoredTarget, row.target_id, {
        version_id: Number(target.meta?.versionId ?? 1),
        deleted: false,
        content: target,
      }),
    ].filter((w): w is PendingWrite => !!w);
    if (writes.length > 0) await applyWrites(tx, wide, writes);
    await applyWrites(tx, ctx, patientWrites);
    const undoneAt = now.toISOString();
    const undoneBy = ctx.principal?.name ?? 'medassist';
    await tx.query(
      'UPDATE patient_merge SET undone_at = $3, undone_by = $4 WHERE practice_id = $1 AND id = $2',
      [ctx.practiceId, mid, undoneAt, undoneBy]
    );
    return present({ ...row, undone_at: undoneAt, undone_by: undoneBy });
  });
}
