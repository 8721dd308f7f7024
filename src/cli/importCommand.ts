import { Command } from 'commander';
import { readServerInfo, serverToken } from './serverInfo.js';
import { loadDefinitions } from '../fhir/definitions.js';
import { listImportFiles, ImportPathError, type ImportFile } from '../interop/bulk/files.js';
import { checkServer, FhirHttpClient, httpSink, ServerUnreachableError } from '../interop/bulk/httpSink.js';
import { importFiles } from '../interop/bulk/importer.js';
import { analyze } from '../store/maintenance.js';
import { localSink } from '../interop/bulk/localSink.js';
import { progressDisplay } from '../interop/bulk/progress.js';
import { formatImportSummary, formatProgressStatus } from '../interop/bulk/report.js';
import type { ImportSink } from '../interop/bulk/sink.js';
import { BulkConfigError, parseBulkTarget, practiceName, type BulkTarget } from '../interop/bulk/target.js';
import { openDatabase, redactUrl, type Database } from '../store/db.js';
import { FolderInUseError } from '../store/lock.js';
import { migrate } from '../store/migrate.js';
import { ensurePractice } from '../store/practice.js';

/** Exit codes: 0 all loaded, 1 some records rejected, 2 bad usage, 3 the database or server is unavailable. */
const EXIT = { ok: 0, rejected: 1, usage: 2, unavailable: 3 } as const;

interface ImportFlags {
  database?: string;
  practice?: string;
  server?: string;
}

/** `medassist import PATH...`: loads FHIR Bundles and NDJSON files into a practice. */
export function command(): Command {
  return withOneLineErrors(
    new Command('import')
      .description(
        'Load FHIR R4 data into a practice: Bundles (transaction, batch or collection .json, as Synthea writes them) ' +
          'and NDJSON files (.ndjson, one resource per line). PATH may be a file or a folder. ' +
          'Records are written to fixed ids, so re-running an interrupted import duplicates nothing. ' +
          'Bad records are skipped and listed at the end; exit code 0 if all loaded, 1 if some were rejected. ' +
          'If the embedded database folder is in use by a running server, the import goes through its API.'
      )
      .argument('<path...>', 'files or folders to load')
      .option(
        '--database <target>',
        'pglite:DIR | postgres://... (MEDASSIST_DATABASE, default pglite:./data)'
      )
      .option('--practice <id>', 'practice to load into (MEDASSIST_PRACTICE, default demo)')
      .option(
        '--server <url>',
        "load through a running server's FHIR API at this base URL, e.g. http://127.0.0.1:8080/fhir/R4"
      )
      .action(async (paths: string[], flags: ImportFlags) => {
        process.exitCode = await runImport(paths, flags);
      })
  );
}

/**
 * Commander's usage errors as one line ("medassist import: unknown option '--x'") and exit code 2, so a
 * script can tell a typo from rejected records (exit 1).
 */
export function withOneLineErrors(cmd: Command): Command {
  return cmd
    .configureOutput({
      outputError: (text, write) => write(`medassist ${cmd.name()}: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
    });
}

async function runImport(paths: string[], flags: ImportFlags): Promise<number> {
  let target: BulkTarget;
  let files: ImportFile[];
  try {
    target = parseBulkTarget(flags);
    files = listImportFiles(paths);
    if (flags.server !== undefined && !/^https?:\/\/./.test(flags.server)) {
      throw new BulkConfigError(`--server must be an http(s) URL of a FHIR base, got "${flags.server}"`);
    }
  } catch (err) {
    if (err instanceof BulkConfigError || err instanceof ImportPathError) {
      console.error(`medassist import: ${err.message}`);
      return EXIT.usage;
    }
    throw err;
  }
  const opened = await openSink(target, flags.server);
  if (typeof opened === 'number') {
    return opened;
  }
  const { sink, db } = opened;
  console.error(
    `medassist import: loading ${files.length} file(s) into practice "${target.practice}" via ${sink.description}`
  );
  const progress = progressDisplay('import');
  const start = performance.now();
  try {
    const summary = await importFiles(files, sink, {
      onProgress: (p) =>
        progress.update(p.bytesDone, p.bytesTotal, formatProgressStatus(p, performance.now() - start)),
    });
    progress.stop();
    if (db) {
      // Fresh statistics after a bulk load keep searches on their fast plans (store/maintenance.ts).
      await analyze(db);
    }
    console.log(formatImportSummary(summary));
    return summary.rejected.length > 0 ? EXIT.rejected : EXIT.ok;
  } catch (err) {
    progress.stop();
    if (err instanceof ServerUnreachableError) {
      console.error(
        `medassist import: stopped: ${err.message}. Run it again when the server is back; nothing is duplicated.`
      );
      return EXIT.unavailable;
    }
    throw err;
  } finally {
    await db?.close();
  }
}

/**
 * The database in this process, or the running server's API when `--server` is given or when the PGlite
 * folder belongs to a live medassist server (which alone may write it). Returns an exit code on failure.
 */
async function openSink(
  target: BulkTarget,
  server: string | undefined
): Promise<{ sink: ImportSink; db?: Database } | number> {
  if (server !== undefined) {
    return serverSink(server, target.practice);
  }
  loadDefinitions();
  let db: Database;
  try {
    db = await openDatabase(target.database, { poolSize: 2 });
  } catch (err) {
    if (err instanceof FolderInUseError) {
      const info = readServerInfo(err.dir);
      if (info) {
        console.error(
          `medassist import: ${err.dir} is in use by the medassist server (pid ${info.pid}); importing through its API at ${info.url}`
        );
        if (info.practice && info.practice !== target.practice) {
          console.error(
            `medassist import: the server owning ${err.dir} serves practice "${info.practice}" to the command line; stop it to import into "${target.practice}"`
          );
          return EXIT.unavailable;
        }
        return serverSink(info.url, target.practice, await serverToken(info));
      }
      console.error(
        `medassist import: the database folder ${err.dir} is in use by medassist process ${err.pid}, which serves no API this command can find. ` +
          `Stop that process and run this again, or pass --server http://HOST:PORT/fhir/R4 of the server that owns the folder.`
      );
      return EXIT.unavailable;
    }
    const what =
      target.database.engine === 'postgres' ? redactUrl(target.database.url) : 'the embedded database';
    console.error(`medassist import: cannot open ${what}: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  await migrate(db);
  await ensurePractice(db, target.practice, practiceName(target.practice));
  const where =
    target.database.engine === 'postgres'
      ? redactUrl(target.database.url)
      : `pglite:${target.database.dir ?? 'memory'}`;
  return { sink: localSink(db, { practiceId: target.practice, baseUrl: 'urn:medassist:import' }, where), db };
}

async function serverSink(
  url: string,
  practice: string,
  token?: string
): Promise<{ sink: ImportSink } | number> {
  const client = new FhirHttpClient(url, practice, token ?? (await tokenFromEnvironment(url)));
  try {
    const problem = await checkServer(client);
    if (problem) {
      console.error(
        `medassist import: ${problem}. Check --server and --practice; a server knows only practices that exist in its ` +
          'database (an import run with the server stopped creates the practice).'
      );
      return EXIT.unavailable;
    }
  } catch (err) {
    if (err instanceof ServerUnreachableError) {
      console.error(`medassist import: ${err.message}`);
      return EXIT.unavailable;
    }
    throw err;
  }
  return { sink: httpSink(client) };
}

/**
 * For `--server URL`: the API client named by MEDASSIST_CLIENT_ID and MEDASSIST_CLIENT_SECRET (see
 * `medassist client create`), exchanged for an access token at the server.
 */
async function tokenFromEnvironment(url: string): Promise<string | undefined> {
  const clientId = process.env.MEDASSIST_CLIENT_ID;
  const clientSecret = process.env.MEDASSIST_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    return undefined;
  }
  return serverToken({ pid: 0, url, clientId, clientSecret });
}
