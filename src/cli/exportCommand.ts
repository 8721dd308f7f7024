import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { auditRow } from '../auth/audit/events.js';
import { insertAudit } from '../auth/audit/writer.js';
import { systemPrincipal } from '../auth/principal.js';
import { withOneLineErrors } from './importCommand.js';
import { readServerInfo } from './serverInfo.js';
import { isResourceType, loadDefinitions } from '../fhir/definitions.js';
import { exportNdjson } from '../interop/bulk/exporter.js';
import { progressDisplay } from '../interop/bulk/progress.js';
import { BulkConfigError, parseBulkTarget, type BulkTarget } from '../interop/bulk/target.js';
import { openDatabase, redactUrl, type Database } from '../store/db.js';
import { FolderInUseError } from '../store/lock.js';
import { migrate } from '../store/migrate.js';
import { practiceExists } from '../store/practice.js';

const EXIT = { ok: 0, usage: 2, unavailable: 3 } as const;

interface ExportFlags {
  database?: string;
  practice?: string;
  types?: string;
}

/** `medassist export DIR`: writes a practice's resources as FHIR Bulk Data NDJSON files. */
export function command(): Command {
  return withOneLineErrors(
    new Command('export')
      .description(
        "Write a practice's current resources to DIR as NDJSON, one file per resource type (Patient.ndjson...), " +
          'the FHIR Bulk Data layout. `medassist import DIR` loads them back, into this or another database.'
      )
      .argument(
        '<dir>',
        'folder to write the files to (created if missing; files of the same name are replaced)'
      )
      .option(
        '--database <target>',
        'pglite:DIR | postgres://... (MEDASSIST_DATABASE, default pglite:./data)'
      )
      .option('--practice <id>', 'practice to export (MEDASSIST_PRACTICE, default demo)')
      .option('--types <list>', 'only these resource types, comma-separated, e.g. Patient,Observation')
      .action(async (dir: string, flags: ExportFlags) => {
        process.exitCode = await runExport(dir, flags);
      })
  );
}

async function runExport(dir: string, flags: ExportFlags): Promise<number> {
  let target: BulkTarget;
  let types: string[] | undefined;
  try {
    target = parseBulkTarget(flags);
    loadDefinitions();
    types = parseTypes(flags.types);
  } catch (err) {
    if (err instanceof BulkConfigError) {
      console.error(`medassist export: ${err.message}`);
      return EXIT.usage;
    }
    throw err;
  }
  let db: Database;
  try {
    db = await openDatabase(target.database, { poolSize: 1 });
  } catch (err) {
    if (err instanceof FolderInUseError) {
      const info = readServerInfo(err.dir);
      const owner = info
        ? `the medassist server at ${info.url} (pid ${info.pid})`
        : `medassist process ${err.pid}`;
      console.error(
        `medassist export: the database folder ${err.dir} is in use by ${owner}. Stop it and run the export again, ` +
          'or export with a FHIR client from its API (GET [base]/Patient?_count=1000, following the next links).'
      );
      return EXIT.unavailable;
    }
    const what =
      target.database.engine === 'postgres' ? redactUrl(target.database.url) : 'the embedded database';
    console.error(`medassist export: cannot open ${what}: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  const progress = progressDisplay('export');
  try {
    await migrate(db);
    if (!(await practiceExists(db, target.practice))) {
      console.error(`medassist export: there is no practice "${target.practice}" in this database`);
      return EXIT.usage;
    }
    const start = performance.now();
    const files = await exportNdjson(db, target.practice, dir, {
      types,
      onProgress: (done, total) => progress.update(done, total, `${done}/${total} resources`),
    });
    progress.stop();
    const total = files.reduce((n, f) => n + f.count, 0);
    // An export is a disclosure of the whole record set: always on the audit trail (ASTM E2147 "copy/export").
    await insertAudit(db, target.practice, [
      auditRow({
        principal: {
          ...systemPrincipal(target.practice, 'command line'),
          name: `medassist export (${os.userInfo().username})`,
        },
        action: 'E',
        subtype: 'export',
        category: 'bulk export',
        description: `${total} resources to ${path.resolve(dir)}: ${files.map((f) => `${f.resourceType} ${f.count}`).join(', ')}`,
      }),
    ]);
    console.log(
      `Exported ${total} resources of practice "${target.practice}" to ${dir} in ${((performance.now() - start) / 1000).toFixed(1)} s:`
    );
    for (const f of files) {
      console.log(`  ${f.resourceType.padEnd(24)} ${String(f.count).padStart(7)}  ${f.file}`);
    }
    const missing = (types ?? []).filter((t) => !files.some((f) => f.resourceType === t));
    if (missing.length > 0) {
      console.log(`No resources of type ${missing.join(', ')}; no file written for them.`);
    }
    return EXIT.ok;
  } finally {
    progress.stop();
    await db.close();
  }
}

function parseTypes(value: string | undefined): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const types = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = types.filter((t) => !isResourceType(t));
  if (types.length === 0 || unknown.length > 0) {
    throw new BulkConfigError(`--types: not FHIR R4 resource types: ${unknown.join(', ') || '(empty list)'}`);
  }
  return [...new Set(types)];
}
