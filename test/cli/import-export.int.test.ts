import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { afterAll, describe, expect, it } from 'vitest';
import { readServerInfo, serverToken } from '../../src/cli/serverInfo.js';
import { exportNdjson } from '../../src/interop/bulk/exporter.js';
import { listImportFiles } from '../../src/interop/bulk/files.js';
import { importFiles } from '../../src/interop/bulk/importer.js';
import { localSink } from '../../src/interop/bulk/localSink.js';
import type { Database } from '../../src/store/db.js';
import type { RequestContext } from '../../src/store/context.js';
import { countByType, scanResources } from '../../src/store/scan.js';
import { newPractice, POSTGRES_URL, testEngines, useEngine } from '../harness.js';

const SYNTHEA = '/work/shared/data/synthea-r4';
const ROOT = path.resolve(import.meta.dirname, '../..');
const tmpDirs: string[] = [];

function tmpDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `medassist-${label}-`));
  tmpDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tmpDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * What the Synthea files hold, read independently of the importer: every entry's resource, by type, counted
 * once per id (the Organizations and Practitioners every patient bundle repeats are one resource each).
 */
function expectedSyntheaCounts(): Map<string, number> {
  const ids = new Map<string, Set<string>>();
  for (const name of fs.readdirSync(SYNTHEA).filter((f) => f.endsWith('.json'))) {
    const bundle = JSON.parse(fs.readFileSync(path.join(SYNTHEA, name), 'utf8')) as Bundle;
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource as Resource;
      const set = ids.get(r.resourceType) ?? new Set<string>();
      set.add(r.id as string);
      ids.set(r.resourceType, set);
    }
  }
  return new Map([...ids].map(([type, set]) => [type, set.size]));
}

const sorted = (m: Map<string, number>): [string, number][] => [...m].sort(([a], [b]) => a.localeCompare(b));

async function versions(db: Database, practiceId: string): Promise<{ rows: number; byResource: string[] }> {
  const history = await db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM resource_version WHERE practice_id = $1',
    [practiceId]
  );
  const current = await db.query<{ k: string }>(
    `SELECT resource_type || '/' || id || '@' || version_id AS k FROM resource WHERE practice_id = $1 ORDER BY 1`,
    [practiceId]
  );
  return { rows: Number(history.rows[0].n), byResource: current.rows.map((r) => r.k) };
}

async function allResources(db: Database, practiceId: string): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const type of (await countByType(db, practiceId)).keys()) {
    for await (const page of scanResources(db, practiceId, type, 500)) {
      for (const { meta, ...rest } of page) {
        const { versionId: _v, lastUpdated: _l, ...otherMeta } = meta ?? {};
        out.set(
          `${type}/${rest.id}`,
          Object.keys(otherMeta).length > 0 ? { ...rest, meta: otherMeta } : rest
        );
      }
    }
  }
  return out;
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin/medassist.js'), ...args],
      { cwd: ROOT, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      }
    );
  });
}

const BAD_NDJSON = [
  JSON.stringify({
    resourceType: 'Patient',
    id: 'maria-lopez',
    name: [{ family: 'Lopez', given: ['Maria'] }],
    gender: 'female',
  }),
  JSON.stringify({
    resourceType: 'Patient',
    id: 'bad-birth-date',
    name: [{ family: 'Broken' }],
    birthDate: '31/02/1980',
  }),
  '',
  // No id: it gets a hash of its content, so a second import PUTs it to the same id.
  JSON.stringify({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Heart rate' },
    subject: { reference: 'Patient/maria-lopez' },
  }),
].join('\n');

// Whole-folder imports take ~15-30 s on PGlite on this 2-core machine, longer while other test files run beside
// them: a generous limit (this is not a speed test; `npm run bench` measures ingest).
describe.each(testEngines())('medassist import and export on %s', { timeout: 240_000 }, (engine) => {
  const h = useEngine(engine);
  const sink = (ctx: RequestContext) => localSink(h.db, ctx);

  it('loads every resource of the Synthea folder', async () => {
    const ctx = await newPractice(h.db, 'synthea');
    const summary = await importFiles(listImportFiles([SYNTHEA]), sink(ctx));
    expect(summary.rejected).toEqual([]);
    const expected = expectedSyntheaCounts();
    expect(sorted(await countByType(h.db, ctx.practiceId))).toEqual(sorted(expected));
    expect(sorted(summary.loaded)).toEqual(sorted(expected));
    // The full Organization from hospitalInformation (with Synthea's utilization extensions) is kept,
    // not the shorter copy a patient bundle repeats.
    const org = await h.db.query<{ content: Resource & { extension?: unknown[] } }>(
      `SELECT content FROM resource WHERE practice_id = $1 AND resource_type = 'Organization' AND id = '69176529-fd1f-3b3f-abce-a0a3626769eb'`,
      [ctx.practiceId]
    );
    expect(org.rows[0].content.extension?.length).toBe(4);
    const rate = Math.round(([...summary.loaded.values()].reduce((a, b) => a + b, 0) * 1000) / summary.ms);
    console.log(
      `[${engine}] Synthea import: ${summary.created} resources in ${Math.round(summary.ms)} ms (${rate}/s)`
    );
  });

  it('imports the same folder again without writing any new version', async () => {
    const ctx = await newPractice(h.db, 'rerun');
    const files = listImportFiles([SYNTHEA]);
    await importFiles(files, sink(ctx));
    const before = await versions(h.db, ctx.practiceId);
    const again = await importFiles(files, sink(ctx));
    expect(again.rejected).toEqual([]);
    expect(again.created + again.updated).toBe(0);
    expect(await versions(h.db, ctx.practiceId)).toEqual(before);
    expect(before.byResource.every((k) => k.endsWith('@1'))).toBe(true);
  });

  it('rejects only the bad line of an NDJSON file, and says which and why', async () => {
    const ctx = await newPractice(h.db, 'ndjson');
    const file = path.join(tmpDir('ndjson'), 'Mixed.ndjson');
    fs.writeFileSync(file, BAD_NDJSON);
    const summary = await importFiles(listImportFiles([file]), sink(ctx));
    expect(summary.rejected).toHaveLength(1);
    expect(summary.rejected[0]).toMatchObject({ file, where: 'line 2', expression: ['Patient.birthDate'] });
    expect(summary.rejected[0].reason).toMatch(/date/i);
    expect(sorted(await countByType(h.db, ctx.practiceId))).toEqual([
      ['Observation', 1],
      ['Patient', 1],
    ]);
    const again = await importFiles(listImportFiles([file]), sink(ctx));
    expect([again.created, again.unchanged]).toEqual([0, 2]);

    // The command reports the same, and exits 1 because a record was rejected.
    const target = engine === 'postgres' ? POSTGRES_URL : `pglite:${tmpDir('cli')}`;
    const cliCtx = await newPractice(h.db, 'cli');
    const run = await runCli(['import', file, '--database', target, '--practice', cliCtx.practiceId]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Loaded 2 resources');
    expect(run.stdout).toMatch(/Mixed\.ndjson line 2: .*date.*\[Patient\.birthDate\]/i);
  });

  it('retries a failed transaction Bundle entry by entry, so one bad entry rejects only itself', async () => {
    const ctx = await newPractice(h.db, 'retry');
    const patient = 'urn:uuid:0b5a1a52-3f0c-4d5e-9b7e-2f1d1c7a9e01';
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: patient,
          resource: { resourceType: 'Patient', name: [{ family: 'Okafor' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          fullUrl: 'urn:uuid:0b5a1a52-3f0c-4d5e-9b7e-2f1d1c7a9e02',
          resource: {
            resourceType: 'Observation',
            status: 'not-a-status',
            code: { text: 'Pulse' },
            subject: { reference: patient },
          } as unknown as Resource,
          request: { method: 'POST', url: 'Observation' },
        },
        {
          fullUrl: 'urn:uuid:0b5a1a52-3f0c-4d5e-9b7e-2f1d1c7a9e03',
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'Pulse' },
            subject: { reference: patient },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const file = path.join(tmpDir('retry'), 'visit.json');
    fs.writeFileSync(file, JSON.stringify(bundle));
    const summary = await importFiles(listImportFiles([file]), sink(ctx));
    expect(summary.rejected.map((r) => r.where)).toEqual(['entry 1']);
    expect(summary.rejected[0].expression.join()).toMatch(/status/);
    // The uuid became the id, and the good Observation's reference to the Patient's fullUrl still resolves.
    const obs = await h.db.query<{ content: { subject: { reference: string } } }>(
      `SELECT content FROM resource WHERE practice_id = $1 AND resource_type = 'Observation' AND id = '0b5a1a52-3f0c-4d5e-9b7e-2f1d1c7a9e03'`,
      [ctx.practiceId]
    );
    expect(obs.rows[0].content.subject.reference).toBe('Patient/0b5a1a52-3f0c-4d5e-9b7e-2f1d1c7a9e01');
  });

  it('exports NDJSON that imports into a fresh practice as the same resources', async () => {
    const source = await newPractice(h.db, 'export');
    await importFiles(listImportFiles([SYNTHEA]), sink(source));
    const dir = tmpDir('export');
    const files = await exportNdjson(h.db, source.practiceId, dir);
    expect(fs.readdirSync(dir).sort()).toEqual(files.map((f) => `${f.resourceType}.ndjson`).sort());
    expect(fs.readFileSync(path.join(dir, 'Patient.ndjson'), 'utf8').trim().split('\n')).toHaveLength(14);

    const target = await newPractice(h.db, 'reimport');
    const summary = await importFiles(listImportFiles([dir]), sink(target));
    expect(summary.rejected).toEqual([]);
    const [a, b] = [await allResources(h.db, source.practiceId), await allResources(h.db, target.practiceId)];
    expect(b.size).toBe(a.size);
    for (const [key, content] of a) {
      expect(b.get(key), key).toEqual(content);
    }
  });
});

describe('medassist import beside a running server', { timeout: 240_000 }, () => {
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('goes through the server that owns the PGlite folder', async () => {
    const dir = tmpDir('served');
    server = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/medassist.js'),
        'serve',
        '--database',
        `pglite:${dir}`,
        '--port',
        '0',
        '--log-level',
        'warn',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    const proc = server;
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /serving the FHIR API at (\S+)/.exec(out);
        if (m) {
          resolve(m[1]);
        }
      });
      proc.once('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
    });

    const patientFile = path.join(SYNTHEA, 'Carmelo_Streich_4026988c-ab06-4635-8c53-86cbad7b1c56.json');
    const run = await runCli(['import', patientFile, '--database', `pglite:${dir}`]);
    expect(run.stderr).toContain(`importing through its API at ${baseUrl}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Loaded 135 resources');

    // The server left an API client for the local command line in its folder (server.json, mode 600).
    const info = readServerInfo(dir);
    expect(info?.clientId).toBeTruthy();
    expect(fs.statSync(path.join(dir, 'server.json')).mode & 0o077).toBe(0);
    const token = await serverToken(info!);
    const res = await fetch(`${baseUrl}/Patient/4026988c-ab06-4635-8c53-86cbad7b1c56`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Resource).id).toBe('4026988c-ab06-4635-8c53-86cbad7b1c56');
  });
});
