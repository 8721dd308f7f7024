import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseTarget } from '../../src/store/db.js';
import { POSTGRES_URL, testEngines } from '../harness.js';
import { createCliClient, runCli } from './serverProcess.js';

/**
 * `medassist audit verify` and `audit report` as an operator runs them, on a database no server holds.
 * The test changes the database itself between runs (never while a command runs: a PGlite folder has one
 * owner), as someone with superuser access could.
 */
describe.each(testEngines())('medassist audit [%s]', (engine) => {
  it('verify exits 0 on an intact trail and 1 naming the seq after an out-of-band change; report lists the user creation', async () => {
    const dir = engine === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-audit-')) : '';
    const database = engine === 'pglite' ? `pglite:${dir}` : POSTGRES_URL;
    const target: DatabaseTarget =
      engine === 'pglite' ? { engine: 'pglite', dir } : { engine: 'postgres', url: POSTGRES_URL };
    const practice = `audit-cli-${randomUUID().slice(0, 8)}`;
    const username = `ma-${randomUUID().slice(0, 8)}`;
    const where = ['--database', database, '--practice', practice];
    try {
      await createCliClient(database, practice);
      const user = await runCli([
        'user',
        'create',
        '--username',
        username,
        '--role',
        'medical-assistant',
        ...where,
      ]);
      expect(user.code, user.stderr).toBe(0);

      const report = await runCli([
        'audit',
        'report',
        '--from',
        '2020-01-01',
        '--to',
        '2100-01-01',
        '--format',
        'json',
        ...where,
      ]);
      expect(report.code, report.stderr).toBe(0);
      const events = (JSON.parse(report.stdout) as { events: Record<string, unknown>[] }).events;
      // The user creation (seq 1), then the report itself, recorded before it was written out.
      expect(events.map((e) => [e.seq, e.action, e.subtype, e.userName])).toEqual([
        [1, 'C', 'user-create', 'medassist command line'],
        [2, 'R', 'audit-report', 'medassist command line'],
      ]);
      expect(events[0].description).toBe(`created user ${username} with roles medical-assistant`);

      const intact = await runCli(['audit', 'verify', ...where]);
      expect(intact.code, intact.output).toBe(0);
      const end = /practice (\S+): 2 records, last seq 2, last hash ([0-9a-f]{64})/.exec(intact.stdout);
      expect(end?.[1]).toBe(practice);

      // Someone with superuser access rewrites who created the user, and removes the newest record.
      const db = await openDatabase(target, { poolSize: 1 });
      try {
        await db.transaction(async (tx) => {
          await tx.query('SET LOCAL session_replication_role = replica');
          await tx.query(
            "UPDATE audit_event SET user_name = 'someone else' WHERE practice_id = $1 AND seq = 1",
            [practice]
          );
          await tx.query('DELETE FROM audit_event WHERE practice_id = $1 AND seq = 2', [practice]);
        });
      } finally {
        await db.close();
      }

      const tampered = await runCli(['audit', 'verify', ...where]);
      expect(tampered.code, tampered.output).toBe(1);
      expect(tampered.stdout).toContain(`practice ${practice}: seq 1 altered`);
      // Without the earlier run's last seq and hash the removal of the newest record does not show...
      expect(tampered.stdout).not.toContain('removed');
      // ...with them it does.
      const against = await runCli(['audit', 'verify', '--expect', `2:${end?.[2]}`, ...where]);
      expect(against.code, against.output).toBe(1);
      expect(against.stdout).toContain(`practice ${practice}: seq 1 altered`);
      expect(against.stdout).toContain(`practice ${practice}: seq 2 removed`);

      const usage = await runCli(['audit', 'verify', '--all', ...where]);
      expect(usage.code).toBe(2);
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
