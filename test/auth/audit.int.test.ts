import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { auditRow, type AuditRow } from '../../src/auth/audit/events.js';
import { auditCsv, type AuditLine } from '../../src/auth/audit/report.js';
import { verifyAuditChain } from '../../src/auth/audit/verify.js';
import { insertAudit } from '../../src/auth/audit/writer.js';
import { createClient, issueToken } from '../../src/auth/clients.js';
import type { Principal } from '../../src/auth/principal.js';
import type { Database } from '../../src/store/db.js';
import { asUser, signedInUser } from '../authHarness.js';
import {
  fhir,
  newPractice,
  testEngines,
  tokenFor,
  transaction,
  useEngine,
  type TestContext,
} from '../harness.js';

/**
 * The audit trail (ONC 170.315(d)(2), (d)(3), (d)(10); ASTM E2147): what the API records, that records
 * cannot be changed or removed, that changes made behind the database's back are detected, and the report.
 */

interface StoredRow {
  seq: number;
  recorded: Date | string;
  action: string;
  subtype: string;
  outcome: string;
  user_id: string | null;
  user_name: string | null;
  patient_ids: string[];
  category: string | null;
  entity: string | null;
  event: {
    entity?: { what?: { reference?: string }; detail?: { type: string; valueString?: string }[] }[];
  };
}

/** The practice's audit records, oldest first. */
async function auditRows(db: Database, practiceId: string): Promise<StoredRow[]> {
  const result = await db.query<StoredRow>(
    'SELECT seq, recorded, action, subtype, outcome, user_id, user_name, patient_ids, category, entity, event FROM audit_event WHERE practice_id = $1 ORDER BY seq',
    [practiceId]
  );
  return result.rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Records added after `before` rows (the ones a step of a test left). */
async function rowsSince(db: Database, practiceId: string, before: number): Promise<StoredRow[]> {
  return (await auditRows(db, practiceId)).slice(before);
}

/** Runs SQL with the triggers off, as a superuser could: the out-of-band change the chain must reveal. */
async function tamper(db: Database, sql: string, values: unknown[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, values);
  });
}

const patientBody = (family: string): Resource => ({
  resourceType: 'Patient',
  name: [{ family, given: ['Ana'] }],
  gender: 'female',
  birthDate: '1980-05-06',
});

const heartRate = (patientId: string, value: number): Resource => ({
  resourceType: 'Observation',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
    },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: `Patient/${patientId}` },
  effectiveDateTime: '2026-11-26T10:00:00Z',
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

async function createPatient(h: ReturnType<typeof useEngine>, ctx: TestContext, family: string) {
  const res = await fhir(h.app, ctx, { method: 'POST', url: 'Patient', body: patientBody(family) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A principal for records written straight into the trail (report fixtures). */
const person = (practiceId: string, id: string, name: string): Principal => ({
  kind: 'user',
  id,
  name,
  practiceId,
  roles: ['medical-assistant'],
  permissions: [],
  emergencyPatients: [],
});

describe.each(testEngines())('audit trail [%s]', (engine) => {
  const h = useEngine(engine);

  it('a create, an update and a delete through the API each leave a C, U or D record naming the client, the patient, the category and the prior version', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const before = (await auditRows(h.db, ctx.practiceId)).length;
    const patientId = await createPatient(h, ctx, 'Okafor');
    const created = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Observation',
      body: heartRate(patientId, 72),
    });
    expect(created.status).toBe(201);
    const obsId = created.body.id as string;
    const updated = await fhir(h.app, ctx, {
      method: 'PUT',
      url: `Observation/${obsId}`,
      body: { ...heartRate(patientId, 75), id: obsId },
    });
    expect(updated.status).toBe(200);
    expect((await fhir(h.app, ctx, { method: 'DELETE', url: `Observation/${obsId}` })).status).toBe(204);

    const rows = await rowsSince(h.db, ctx.practiceId, before);
    expect(rows.map((r) => [r.action, r.subtype])).toEqual([
      ['C', 'create'],
      ['C', 'create'],
      ['U', 'update'],
      ['D', 'delete'],
    ]);
    for (const r of rows) {
      expect(r.user_id).toBe(ctx.clientId);
      expect(r.user_name).toBe('audit test client');
      expect(r.patient_ids).toEqual([patientId]);
      expect(r.outcome).toBe('0');
    }
    const [patientCreate, obsCreate, obsUpdate, obsDelete] = rows;
    expect(patientCreate.category).toBe('demographics');
    expect(patientCreate.entity).toBe(`Patient/${patientId}/_history/1`);
    expect(obsCreate.category).toBe('vital signs');
    expect(obsCreate.entity).toBe(`Observation/${obsId}/_history/1`);
    expect(obsUpdate.category).toBe('vital signs');
    expect(obsUpdate.entity).toBe(`Observation/${obsId}/_history/2`);
    const priorOf = (r: StoredRow) =>
      r.event.entity?.[0]?.detail?.find((d) => d.type === 'prior-version')?.valueString;
    expect(priorOf(obsCreate)).toBeUndefined();
    expect(priorOf(obsUpdate)).toBe(`Observation/${obsId}/_history/1`);
    // The delete names the version it ended, and still the patient and category of what was deleted.
    expect(obsDelete.entity).toBe(`Observation/${obsId}/_history/3`);
    expect(priorOf(obsDelete)).toBe(`Observation/${obsId}/_history/2`);
    expect(obsDelete.category).toBe('vital signs');
  });

  it('a write by a signed-in user names the user', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
    const before = (await auditRows(h.db, ctx.practiceId)).length;
    const res = await asUser(h.app, ma, { method: 'POST', url: 'Patient', body: patientBody('Lindqvist') });
    expect(res.status).toBe(201);
    const [row] = await rowsSince(h.db, ctx.practiceId, before);
    expect(row).toMatchObject({
      action: 'C',
      user_id: ma.user.id,
      user_name: ma.user.username,
      patient_ids: [res.body.id],
      category: 'demographics',
    });
  });

  it('a read leaves an R record and a search an E record, naming the patients returned', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const ana = await createPatient(h, ctx, 'Reyes');
    const ben = await createPatient(h, ctx, 'Reyes');
    const other = await createPatient(h, ctx, 'Nakamura');
    await fhir(h.app, ctx, { method: 'POST', url: 'Observation', body: heartRate(ana, 80) });
    const before = (await auditRows(h.db, ctx.practiceId)).length;

    expect((await fhir(h.app, ctx, { method: 'GET', url: `Patient/${ana}` })).status).toBe(200);
    const byName = await fhir(h.app, ctx, { method: 'GET', url: 'Patient?family=Reyes' });
    expect(byName.body.entry).toHaveLength(2);
    const vitals = await fhir(h.app, ctx, { method: 'GET', url: `Observation?subject=Patient/${ana}` });
    expect(vitals.body.entry).toHaveLength(1);

    const [read, search, obsSearch] = await rowsSince(h.db, ctx.practiceId, before);
    expect(read).toMatchObject({
      action: 'R',
      subtype: 'read',
      patient_ids: [ana],
      category: 'demographics',
    });
    expect(search).toMatchObject({ action: 'E', subtype: 'search-type', entity: 'Patient' });
    expect([...search.patient_ids].sort()).toEqual([ana, ben].sort());
    expect(search.patient_ids).not.toContain(other);
    expect(obsSearch).toMatchObject({ action: 'E', subtype: 'search-type', patient_ids: [ana] });
  });

  it('a refused write (400) leaves neither data nor an audit record', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const before = (await auditRows(h.db, ctx.practiceId)).length;
    const bad = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: { ...patientBody('Invalid'), birthDate: 'the fifth of May' },
    });
    expect(bad.status).toBe(400);
    const bundle = await transaction(h.app, ctx, [
      { resource: patientBody('Fine'), request: { method: 'POST', url: 'Patient' } },
      {
        resource: { ...patientBody('Broken'), birthDate: 'soon' },
        request: { method: 'POST', url: 'Patient' },
      },
    ]);
    expect(bundle.status).toBe(400);
    const stored = await h.db.query('SELECT 1 FROM resource_version WHERE practice_id = $1', [
      ctx.practiceId,
    ]);
    expect(stored.rows).toHaveLength(0);
    expect(await rowsSince(h.db, ctx.practiceId, before)).toEqual([]);
  });

  it('audit records cannot be changed or removed through the database', async () => {
    const ctx = await newPractice(h.db, 'audit');
    await createPatient(h, ctx, 'Haddad');
    const rows = await auditRows(h.db, ctx.practiceId);
    expect(rows.length).toBeGreaterThan(0);
    const refused = { code: '42501' };
    await expect(
      h.db.query("UPDATE audit_event SET user_name = 'someone else' WHERE practice_id = $1", [ctx.practiceId])
    ).rejects.toMatchObject(refused);
    await expect(
      h.db.query('DELETE FROM audit_event WHERE practice_id = $1', [ctx.practiceId])
    ).rejects.toMatchObject(refused);
    // In a transaction that is rolled back whatever happens, so a broken trigger could not empty the table.
    await expect(
      h.db.transaction(async (tx) => {
        await tx.query('TRUNCATE audit_event');
        throw new Error('TRUNCATE was allowed');
      })
    ).rejects.toMatchObject(refused);
    expect(await auditRows(h.db, ctx.practiceId)).toEqual(rows);
  });

  it('AuditEvent cannot be written through the FHIR API, not even by a practice admin or a client granted AuditEvent', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const patientId = await createPatient(h, ctx, 'Haddad');
    const [first] = await auditRows(h.db, ctx.practiceId);
    const admin = await signedInUser(h.db, ctx, ['practice-admin']);
    const auditClient = await tokenFor(h.db, ctx, 'system/AuditEvent.cruds');
    const forged = {
      resourceType: 'AuditEvent',
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      recorded: '2026-11-26T10:00:00Z',
      agent: [{ who: { display: 'nobody' }, requestor: true }],
      source: { observer: { display: 'forger' } },
      entity: [{ what: { reference: `Patient/${patientId}` } }],
    };
    const calls = [
      { method: 'POST', url: 'AuditEvent', body: forged },
      { method: 'PUT', url: `AuditEvent/${first.seq}`, body: { ...forged, id: String(first.seq) } },
      { method: 'PUT', url: 'AuditEvent?entity=x', body: forged },
      { method: 'DELETE', url: `AuditEvent/${first.seq}` },
    ] as const;
    const before = await auditRows(h.db, ctx.practiceId);
    for (const call of calls) {
      expect((await fhir(h.app, ctx, call)).status, `client ${call.method} ${call.url}`).toBe(403);
      expect((await fhir(h.app, auditClient, call)).status, `AuditEvent client ${call.method}`).toBe(403);
      expect((await asUser(h.app, admin, call)).status, `admin ${call.method} ${call.url}`).toBe(403);
    }
    expect(
      (
        await fhir(h.app, ctx, {
          method: 'PATCH',
          url: `AuditEvent/${first.seq}`,
          body: [{ op: 'replace', path: '/outcome', value: '0' }],
          contentType: 'application/json-patch+json',
        })
      ).status
    ).toBe(403);
    // A transaction Bundle cannot slip one in either.
    const bundle = await transaction(h.app, ctx, [
      { resource: forged, request: { method: 'POST', url: 'AuditEvent' } },
    ]);
    expect(bundle.status).toBe(403);
    expect((await auditRows(h.db, ctx.practiceId)).slice(0, before.length)).toEqual(before);
    const stored = await h.db.query(
      "SELECT 1 FROM resource WHERE practice_id = $1 AND resource_type = 'AuditEvent'",
      [ctx.practiceId]
    );
    expect(stored.rows).toHaveLength(0);
  });

  it('only a practice admin may turn read auditing off; the change is recorded; then reads are not recorded and writes still are', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const patientId = await createPatient(h, ctx, 'Moreau');
    const admin = await signedInUser(h.db, ctx, ['practice-admin']);
    const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
    const off = { read: false, search: false, export: true, print: true };

    const before = (await auditRows(h.db, ctx.practiceId)).length;
    const refused = await asUser(h.app, ma, { method: 'PUT', url: '/admin/audit-settings', body: off });
    expect(refused.status).toBe(403);
    expect(await rowsSince(h.db, ctx.practiceId, before)).toEqual([]);
    expect((await asUser(h.app, admin, { method: 'GET', url: '/admin/audit-settings' })).body).toEqual({
      read: true,
      search: true,
      export: true,
      print: true,
    });

    // On by default: the MA's read is recorded.
    expect((await asUser(h.app, ma, { method: 'GET', url: `Patient/${patientId}` })).status).toBe(200);
    const [defaultRead] = await rowsSince(h.db, ctx.practiceId, before);
    expect(defaultRead).toMatchObject({ action: 'R', user_id: ma.user.id, patient_ids: [patientId] });

    const changed = (await auditRows(h.db, ctx.practiceId)).length;
    const put = await asUser(h.app, admin, { method: 'PUT', url: '/admin/audit-settings', body: off });
    expect(put.status).toBe(200);
    expect((await asUser(h.app, admin, { method: 'GET', url: '/admin/audit-settings' })).body).toEqual(off);
    const [settingChange] = await rowsSince(h.db, ctx.practiceId, changed);
    expect(settingChange).toMatchObject({
      action: 'U',
      subtype: 'audit-settings',
      category: 'audit trail',
      user_id: admin.user.id,
    });

    const quiet = (await auditRows(h.db, ctx.practiceId)).length;
    expect((await asUser(h.app, ma, { method: 'GET', url: `Patient/${patientId}` })).status).toBe(200);
    expect((await asUser(h.app, ma, { method: 'GET', url: 'Patient?family=Moreau' })).status).toBe(200);
    expect(await rowsSince(h.db, ctx.practiceId, quiet)).toEqual([]);
    const write = await asUser(h.app, ma, {
      method: 'POST',
      url: 'Observation',
      body: heartRate(patientId, 64),
    });
    expect(write.status).toBe(201);
    const after = await rowsSince(h.db, ctx.practiceId, quiet);
    expect(after.map((r) => [r.action, r.user_id])).toEqual([['C', ma.user.id]]);
  });

  it('verifyAuditChain: intact on a fresh practice; an edited record is "altered", a removed one "removed", swapped ones "reordered"', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const patientId = await createPatient(h, ctx, 'Kowalski');
    for (const value of [60, 61, 62, 63]) {
      await fhir(h.app, ctx, { method: 'POST', url: 'Observation', body: heartRate(patientId, value) });
    }
    for (let i = 0; i < 4; i++) {
      await fhir(h.app, ctx, { method: 'GET', url: `Patient/${patientId}` });
    }
    // 1 + 4 creates, 4 reads.
    const rows = await auditRows(h.db, ctx.practiceId);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const fresh = await verifyAuditChain(h.db, ctx.practiceId);
    expect(fresh).toMatchObject({ practices: 1, records: 9, ok: true, problems: [] });
    expect(fresh.chains).toEqual([
      {
        practiceId: ctx.practiceId,
        records: 9,
        lastSeq: 9,
        lastHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);

    await tamper(
      h.db,
      "UPDATE audit_event SET user_name = 'someone else' WHERE practice_id = $1 AND seq = 2",
      [ctx.practiceId]
    );
    const edited = await verifyAuditChain(h.db, ctx.practiceId);
    expect(edited.ok).toBe(false);
    expect(edited.problems.map((p) => [p.seq, p.problem])).toEqual([[2, 'altered']]);

    await tamper(h.db, 'DELETE FROM audit_event WHERE practice_id = $1 AND seq = 4', [ctx.practiceId]);
    const removed = await verifyAuditChain(h.db, ctx.practiceId);
    expect(removed.records).toBe(8);
    expect(removed.problems.map((p) => [p.seq, p.problem])).toEqual([
      [2, 'altered'],
      [4, 'removed'],
    ]);

    // Another practice's chain is untouched by all this.
    const other = await newPractice(h.db, 'audit');
    await createPatient(h, other, 'Kowalski');
    expect((await verifyAuditChain(h.db, other.practiceId)).ok).toBe(true);

    // Records 6 and 7 trade places (through -6: the primary key is checked row by row). Each now links to a
    // record other than the one before it, and so does 8, whose predecessor moved to 6.
    const swap = [
      'UPDATE audit_event SET seq = -6 WHERE practice_id = $1 AND seq = 6',
      'UPDATE audit_event SET seq = 6 WHERE practice_id = $1 AND seq = 7',
      'UPDATE audit_event SET seq = 7 WHERE practice_id = $1 AND seq = -6',
    ];
    for (const sql of swap) {
      await tamper(h.db, sql, [ctx.practiceId]);
    }
    const swapped = await verifyAuditChain(h.db, ctx.practiceId);
    expect(swapped.problems.map((p) => [p.seq, p.problem])).toEqual([
      [2, 'altered'],
      [4, 'removed'],
      [6, 'reordered'],
      [7, 'reordered'],
      [8, 'reordered'],
    ]);
    expect(swapped.problems.map((p) => p.practiceId)).toEqual(Array(5).fill(ctx.practiceId));
  });

  it('the chain stays consecutive when reads share one INSERT (group commit) and a transaction writes several kinds of change', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const patientId = await createPatient(h, ctx, 'Varga');
    const other = await newPractice(h.db, 'audit');
    const otherPatient = await createPatient(h, other, 'Varga');
    // Reads of two practices at once: the writer batches them, one INSERT per practice.
    const reads = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? fhir(h.app, ctx, { method: 'GET', url: `Patient/${patientId}` })
          : fhir(h.app, other, { method: 'GET', url: `Patient/${otherPatient}` })
      )
    );
    expect(reads.map((r) => r.status)).toEqual(Array(20).fill(200));
    const bundle = await transaction(h.app, ctx, [
      { resource: heartRate(patientId, 70), request: { method: 'POST', url: 'Observation' } },
      {
        resource: { ...patientBody('Varga-Nagy'), id: patientId },
        request: { method: 'PUT', url: `Patient/${patientId}` },
      },
    ]);
    expect(bundle.status).toBe(200);
    const rows = await auditRows(h.db, ctx.practiceId);
    // 1 create, 10 reads, then the transaction's create and update records.
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(rows.slice(-2).map((r) => r.action)).toEqual(['C', 'U']);
    for (const id of [ctx.practiceId, other.practiceId]) {
      expect(await verifyAuditChain(h.db, id)).toMatchObject({ ok: true, problems: [] });
    }
  });

  it('verifyAuditChain: a record rewritten with a recomputed hash shows where the next record no longer links', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const patientId = await createPatient(h, ctx, 'Dubois');
    await fhir(h.app, ctx, { method: 'GET', url: `Patient/${patientId}` });
    await fhir(h.app, ctx, { method: 'GET', url: `Patient/${patientId}` });
    const rows = await auditRows(h.db, ctx.practiceId);
    const last = rows.at(-1) as StoredRow;
    const target = last.seq - 1;
    await tamper(
      h.db,
      `UPDATE audit_event SET user_name = 'someone else' WHERE practice_id = $1 AND seq = $2`,
      [ctx.practiceId, target]
    );
    await tamper(
      h.db,
      'UPDATE audit_event a SET hash = audit_event_digest(a.prev_hash, a) WHERE practice_id = $1 AND seq = $2',
      [ctx.practiceId, target]
    );
    const report = await verifyAuditChain(h.db, ctx.practiceId);
    expect(report.problems.map((p) => [p.seq, p.problem])).toEqual([[target, 'altered']]);
    // Rewriting the newest record and its hash leaves a chain consistent in itself: only the last hash
    // kept from an earlier run shows it (the CLI's --expect).
    const before = await verifyAuditChain(h.db, ctx.practiceId);
    await tamper(h.db, `UPDATE audit_event SET user_name = 'x' WHERE practice_id = $1 AND seq = $2`, [
      ctx.practiceId,
      last.seq,
    ]);
    await tamper(
      h.db,
      'UPDATE audit_event a SET hash = audit_event_digest(a.prev_hash, a) WHERE practice_id = $1 AND seq = $2',
      [ctx.practiceId, last.seq]
    );
    const after = await verifyAuditChain(h.db, ctx.practiceId);
    expect(after.problems).toEqual(before.problems);
    expect(after.chains[0].lastHash).not.toBe(before.chains[0].lastHash);
  });

  it('the CSV report escapes cells a spreadsheet would run as a formula', async () => {
    const line: AuditLine = {
      seq: 7,
      recorded: '2026-11-26T10:00:00.000Z',
      userId: 'u-1',
      userName: '=HYPERLINK("http://evil.example","click")',
      action: 'R',
      subtype: 'read',
      outcome: '0',
      patientIds: ['p-1'],
      category: '+1',
      entity: '-2',
      description: '@SUM(A1:A9)',
      address: '\t=1',
      emergency: false,
    };
    // Worked by hand: each formula cell gets a leading ', and a cell holding " or , is quoted with "" inside.
    expect(auditCsv([line], false)).toBe(
      `7,2026-11-26T10:00:00.000Z,"'=HYPERLINK(""http://evil.example"",""click"")",u-1,R,read,0,p-1,'+1,'-2,'@SUM(A1:A9),'\t=1,false\r\n`
    );

    // Through the API: a client whose name is a formula.
    const ctx = await newPractice(h.db, 'audit');
    const client = await createClient(h.db, ctx.practiceId, "=cmd|' /C calc'!A0", 'system/*.cruds');
    const token = await issueToken(h.db, client.client_id, client.client_secret, undefined);
    const patientId = await createPatient(h, { ...ctx, token: token.access_token }, 'Formula');
    const admin = await signedInUser(h.db, ctx, ['practice-admin']);
    const csv = await asUser(h.app, admin, {
      method: 'GET',
      url: `/admin/audit?format=csv&patient=${patientId}`,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'seq,recorded,userName,userId,action,subtype,outcome,patientIds,category,entity,description,address,emergency'
    );
    expect(lines).toHaveLength(2);
    expect(lines[1].split(',')[2]).toBe("'=cmd|' /C calc'!A0");
  });

  describe('the audit report', () => {
    /** Five records, written in an order other than their dates so that seq and date sorts differ. */
    async function fixtures(db: Database, practiceId: string) {
      const alice = person(practiceId, 'u-a', 'alice');
      const bob = person(practiceId, 'u-b', 'bob');
      const carol = person(practiceId, 'u-c', 'carol');
      const row = (
        name: string,
        principal: Principal,
        day: string,
        action: AuditRow['action'],
        subtype: string,
        outcome: AuditRow['outcome'],
        patients: string[],
        category: string,
        entity: string
      ): [string, AuditRow] => [
        name,
        auditRow({
          principal,
          action,
          subtype,
          outcome,
          patients,
          category,
          entities: [{ reference: entity }],
          recorded: new Date(`2020-01-${day}T10:00:00Z`),
        }),
      ];
      const rows = [
        row(
          'r3',
          carol,
          '03',
          'U',
          'update',
          '4',
          ['pa', 'pb'],
          'medication list',
          'MedicationRequest/m1/_history/2'
        ),
        row('r1', bob, '01', 'R', 'read', '0', ['pa'], 'vital signs', 'Observation/o1/_history/1'),
        row('r5', bob, '05', 'D', 'delete', '8', ['pc'], 'problem list', 'Condition/c1/_history/3'),
        row('r2', alice, '02', 'C', 'create', '0', ['pb'], 'demographics', 'Patient/pb/_history/1'),
        row('r4', alice, '04', 'E', 'search-type', '0', [], 'allergy list', 'AllergyIntolerance'),
      ];
      for (const [, r] of rows) {
        await insertAudit(db, practiceId, [r]);
      }
      return new Map(rows.map(([name, r]) => [r.entity as string, name]));
    }

    it('filters by patient, user and date range, and sorts by every column', async () => {
      const ctx = await newPractice(h.db, 'audit');
      const names = await fixtures(h.db, ctx.practiceId);
      const admin = await signedInUser(h.db, ctx, ['practice-admin']);
      const range = 'from=2020-01-01T00:00:00Z&to=2020-01-31T00:00:00Z';
      const report = async (query: string): Promise<string[]> => {
        const res = await asUser(h.app, admin, { method: 'GET', url: `/admin/audit?${range}&${query}` });
        expect(res.status, query).toBe(200);
        return (res.body.events as { entity: string }[]).map((e) => names.get(e.entity) ?? e.entity);
      };
      // Filters (in seq order, the order they were written: r3 r1 r5 r2 r4).
      expect(await report('patient=pa&sort=seq')).toEqual(['r3', 'r1']);
      expect(await report('patient=pb&sort=seq')).toEqual(['r3', 'r2']);
      expect(await report('user=u-a&sort=seq')).toEqual(['r2', 'r4']);
      expect(await report('user=bob&sort=seq')).toEqual(['r1', 'r5']);
      expect(await report('patient=pb&user=alice&sort=seq')).toEqual(['r2']);
      expect(await report('action=R')).toEqual(['r1']);
      const days = await asUser(h.app, admin, {
        method: 'GET',
        url: '/admin/audit?from=2020-01-02T00:00:00Z&to=2020-01-04T23:59:59Z&sort=recorded',
      });
      expect((days.body.events as { entity: string }[]).map((e) => names.get(e.entity))).toEqual([
        'r2',
        'r3',
        'r4',
      ]);

      // Sorts, ties broken by seq in the same direction.
      expect(await report('')).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']); // default: newest first
      expect(await report('sort=recorded')).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(await report('sort=-recorded')).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await report('sort=seq')).toEqual(['r3', 'r1', 'r5', 'r2', 'r4']);
      expect(await report('sort=-seq')).toEqual(['r4', 'r2', 'r5', 'r1', 'r3']);
      expect(await report('sort=user')).toEqual(['r2', 'r4', 'r1', 'r5', 'r3']); // alice, bob, carol
      expect(await report('sort=-user')).toEqual(['r3', 'r5', 'r1', 'r4', 'r2']);
      expect(await report('sort=action')).toEqual(['r2', 'r5', 'r4', 'r1', 'r3']); // C D E R U
      expect(await report('sort=subtype')).toEqual(['r2', 'r5', 'r1', 'r4', 'r3']); // create delete read search-type update
      expect(await report('sort=outcome')).toEqual(['r1', 'r2', 'r4', 'r3', 'r5']); // 0 0 0 4 8
      expect(await report('sort=patient')).toEqual(['r4', 'r1', 'r3', 'r2', 'r5']); // '' pa pa,pb pb pc
      expect(await report('sort=category')).toEqual(['r4', 'r2', 'r3', 'r5', 'r1']); // allergy demographics medication problem vital
      expect(await report('sort=entity')).toEqual(['r4', 'r5', 'r3', 'r1', 'r2']); // Allergy Condition Medication Observation Patient

      // Pages.
      const first = await asUser(h.app, admin, {
        method: 'GET',
        url: `/admin/audit?${range}&sort=recorded&count=2`,
      });
      expect(first.body.next).toBe('2');
      const second = await asUser(h.app, admin, {
        method: 'GET',
        url: `/admin/audit?${range}&sort=recorded&count=2&cursor=${first.body.next}`,
      });
      const third = await asUser(h.app, admin, {
        method: 'GET',
        url: `/admin/audit?${range}&sort=recorded&count=2&cursor=${second.body.next}`,
      });
      expect(
        [first, second, third].flatMap((p) =>
          (p.body.events as { entity: string }[]).map((e) => names.get(e.entity))
        )
      ).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(third.body.next).toBeUndefined();

      const bad = await asUser(h.app, admin, { method: 'GET', url: '/admin/audit?sort=password' });
      expect(bad.status).toBe(400);
      expect(bad.body.issue[0].expression).toEqual(['sort']);
      const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
      expect((await asUser(h.app, ma, { method: 'GET', url: `/admin/audit?${range}` })).status).toBe(403);
    });

    it('answers "who saw this chart": two users read patient A, one reads patient B; A\'s access history names exactly the two', async () => {
      const ctx = await newPractice(h.db, 'audit');
      const a = await createPatient(h, ctx, 'Abara');
      const b = await createPatient(h, ctx, 'Bianchi');
      const [ma1, ma2, ma3] = [
        await signedInUser(h.db, ctx, ['medical-assistant']),
        await signedInUser(h.db, ctx, ['provider']),
        await signedInUser(h.db, ctx, ['medical-assistant']),
      ];
      expect((await asUser(h.app, ma1, { method: 'GET', url: `Patient/${a}` })).status).toBe(200);
      expect((await asUser(h.app, ma2, { method: 'GET', url: `Patient/${a}` })).status).toBe(200);
      expect((await asUser(h.app, ma2, { method: 'GET', url: `Patient/${a}` })).status).toBe(200);
      expect((await asUser(h.app, ma3, { method: 'GET', url: `Patient/${b}` })).status).toBe(200);

      const officer = await signedInUser(h.db, ctx, ['medical-assistant'], ['privacy-officer']);
      const history = await asUser(h.app, officer, {
        method: 'GET',
        url: `/admin/patients/${a}/access-history`,
      });
      expect(history.status).toBe(200);
      const events = history.body.events as { userId: string; action: string; patientIds: string[] }[];
      expect(events.every((e) => e.patientIds.includes(a))).toBe(true);
      const readers = new Set(events.filter((e) => e.action === 'R').map((e) => e.userId));
      expect(readers).toEqual(new Set([ma1.user.id, ma2.user.id]));
      // Besides the reads: only the creation of the chart (by the API client).
      expect(events.filter((e) => e.action !== 'R').map((e) => [e.action, e.userId])).toEqual([
        ['C', ctx.clientId],
      ]);

      // The same question through the report, and looking was itself recorded.
      const admin = await signedInUser(h.db, ctx, ['practice-admin']);
      const report = await asUser(h.app, admin, { method: 'GET', url: `/admin/audit?patient=${b}&action=R` });
      expect((report.body.events as { userId: string }[]).map((e) => e.userId)).toEqual([ma3.user.id]);
      const looked = (await auditRows(h.db, ctx.practiceId)).filter((r) => r.subtype === 'audit-report');
      expect(looked.map((r) => [r.user_id, r.patient_ids])).toEqual([
        [officer.user.id, [a]],
        [admin.user.id, [b]],
      ]);
    });
  });

  describe('AuditEvent through the FHIR API', () => {
    it('searches and reads the audit trail itself, for practice admins and clients granted AuditEvent by name', async () => {
      const ctx = await newPractice(h.db, 'audit');
      const patientId = await createPatient(h, ctx, 'Fournier');
      const other = await createPatient(h, ctx, 'Ito');
      const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
      await asUser(h.app, ma, { method: 'GET', url: `Patient/${patientId}` });
      await asUser(h.app, ma, { method: 'GET', url: `Patient/${other}` });
      const admin = await signedInUser(h.db, ctx, ['practice-admin']);

      const rows = (await auditRows(h.db, ctx.practiceId)).filter((r) => r.patient_ids.includes(patientId));
      const found = await asUser(h.app, admin, { method: 'GET', url: `AuditEvent?patient=${patientId}` });
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      // Newest first: the MA's read, then the client's create.
      expect(found.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(
        rows.map((r) => String(r.seq)).reverse()
      );
      const [readEvent] = found.body.entry;
      expect(readEvent.fullUrl).toBe(`http://test/fhir/R4/AuditEvent/${readEvent.resource.id}`);
      expect(readEvent.resource).toMatchObject({
        resourceType: 'AuditEvent',
        action: 'R',
        agent: [{ who: { identifier: { value: ma.user.id }, display: ma.user.username } }],
      });

      const byAgent = await asUser(h.app, admin, {
        method: 'GET',
        url: `AuditEvent?agent=${ma.user.id}&action=R`,
      });
      expect(byAgent.body.entry).toHaveLength(2);
      const one = await asUser(h.app, admin, { method: 'GET', url: `AuditEvent/${readEvent.resource.id}` });
      expect(one.status).toBe(200);
      expect(one.body).toEqual(readEvent.resource);
      expect((await asUser(h.app, admin, { method: 'GET', url: 'AuditEvent/999999999' })).status).toBe(404);
      expect((await asUser(h.app, admin, { method: 'GET', url: 'AuditEvent/abc' })).status).toBe(404);

      // Looking is itself recorded.
      const last = (await auditRows(h.db, ctx.practiceId)).slice(-2);
      expect(last.map((r) => [r.action, r.subtype, r.entity, r.user_id])).toEqual([
        ['E', 'search-type', 'AuditEvent', admin.user.id],
        ['R', 'read', `AuditEvent/${readEvent.resource.id}`, admin.user.id],
      ]);

      // Who may: not an MA, not a client with every scope but AuditEvent; a client granted it by name.
      expect((await asUser(h.app, ma, { method: 'GET', url: 'AuditEvent' })).status).toBe(403);
      expect((await fhir(h.app, ctx, { method: 'GET', url: 'AuditEvent' })).status).toBe(403);
      const auditor = await tokenFor(h.db, ctx, 'system/AuditEvent.rs');
      const asAuditor = await fhir(h.app, auditor, {
        method: 'GET',
        url: `AuditEvent?patient=Patient/${other}`,
      });
      expect(asAuditor.status).toBe(200);
      expect(asAuditor.body.entry).toHaveLength(2); // the chart's creation and the MA's read
      // Another practice's trail is out of reach.
      const elsewhere = await newPractice(h.db, 'audit');
      const theirs = await tokenFor(h.db, elsewhere, 'system/AuditEvent.rs');
      expect(
        (await fhir(h.app, theirs, { method: 'GET', url: `AuditEvent?patient=${patientId}` })).body.entry
      ).toEqual([]);
    });

    it('filters by date with prefixes and pages with _count', async () => {
      const ctx = await newPractice(h.db, 'audit');
      const names = await fixtures2(h.db, ctx.practiceId);
      const auditor = await tokenFor(h.db, ctx, 'system/AuditEvent.rs');
      const search = async (query: string) => {
        const res = await fhir(h.app, auditor, { method: 'GET', url: `AuditEvent?${query}` });
        expect(res.status, query).toBe(200);
        return res;
      };
      const entities = (res: Awaited<ReturnType<typeof search>>): string[] =>
        (res.body.entry as { resource: { entity?: { what?: { reference?: string } }[] } }[]).map(
          (e) => names.get(e.resource.entity?.[0]?.what?.reference ?? '') ?? '?'
        );
      expect(entities(await search('date=ge2020-01-03&date=lt2020-01-05&_sort=date'))).toEqual(['d3', 'd4']);
      expect(entities(await search('date=2020-01-02'))).toEqual(['d2']);
      expect(entities(await search('date=gt2020-01-03&date=lt2021'))).toEqual(['d5', 'd4']);
      expect(entities(await search('date=le2020-01-02&_sort=date'))).toEqual(['d1', 'd2']);
      expect(entities(await search('date=2020-01&agent=u-a&_sort=date'))).toEqual(['d2', 'd4']);
      const page1 = await search('date=2020&_sort=date&_count=2');
      expect(entities(page1)).toEqual(['d1', 'd2']);
      const next = (page1.body.link as { relation: string; url: string }[]).find(
        (l) => l.relation === 'next'
      );
      expect(next?.url).toBe('http://test/fhir/R4/AuditEvent?date=2020&_sort=date&_count=2&_offset=2');
      expect(entities(await search('date=2020&_sort=date&_count=2&_offset=4'))).toEqual(['d5']);
      const bad = await fhir(h.app, auditor, { method: 'GET', url: 'AuditEvent?date=yesterday' });
      expect(bad.status).toBe(400);
      expect(bad.body.issue[0].expression).toEqual(['date']);
    });
  });

  /** Five records dated 2020-01-01..05 (d1..d5), by alice (even days) and bob (odd days). */
  async function fixtures2(db: Database, practiceId: string): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const day of [1, 2, 3, 4, 5]) {
      const who = day % 2 === 0 ? person(practiceId, 'u-a', 'alice') : person(practiceId, 'u-b', 'bob');
      const reference = `Observation/o${day}/_history/1`;
      names.set(reference, `d${day}`);
      await insertAudit(db, practiceId, [
        auditRow({
          principal: who,
          action: 'R',
          subtype: 'read',
          entities: [{ reference }],
          recorded: new Date(`2020-01-0${day}T10:00:00Z`),
        }),
      ]);
    }
    return names;
  }
});
