import { ConfigError, parseDatabaseAndPractice } from '../config.js';
import { loadDefinitions } from '../fhir/definitions.js';
import { isOutcomeError } from '../fhir/outcome.js';
import { openDatabase, type Database } from '../store/db.js';
import { FolderInUseError } from '../store/lock.js';
import { migrate } from '../store/migrate.js';
import { defaultPracticeName, ensurePractice, practiceExists } from '../store/practice.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;

/**
 * Runs a command against the database named by --database/--practice (as `serve` reads them), with one clear
 * line on stderr and an exit code for every failure: a bad setting (2), a folder in use by a running server
 * (3: with PGlite only that server may write; use the web app's Administration screens while it runs),
 * or an OperationOutcome from the work (1, naming the field).
 */
export async function withDatabase(
  command: string,
  flags: { database?: string; practice?: string },
  work: (db: Database, practiceId: string) => Promise<void>,
  options: { createPractice?: boolean; needPractice?: boolean } = {}
): Promise<number> {
  let config;
  try {
    config = parseDatabaseAndPractice(flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`medassist ${command}: ${err.message}`);
      return EXIT.usage;
    }
    throw err;
  }
  // Scopes and users name FHIR resource types: the definitions must be loaded to check them.
  loadDefinitions();
  let db: Database;
  try {
    db = await openDatabase(config.database, { poolSize: 1 });
  } catch (err) {
    if (err instanceof FolderInUseError) {
      console.error(
        `medassist ${command}: ${err.message}. Stop the server first, or do this in the web app (Administration) while it runs.`
      );
      return EXIT.unavailable;
    }
    throw err;
  }
  try {
    await migrate(db);
    // Making users and clients may start a new practice; reading one (audit) must not invent it.
    if (options.createPractice !== false) {
      await ensurePractice(db, config.practice, defaultPracticeName(config.practice));
    } else if (options.needPractice !== false && !(await practiceExists(db, config.practice))) {
      console.error(`medassist ${command}: there is no practice "${config.practice}" in this database`);
      return EXIT.usage;
    }
    await work(db, config.practice);
    return EXIT.ok;
  } catch (err) {
    if (isOutcomeError(err)) {
      const issue = err.outcome.issue?.[0];
      console.error(
        `medassist ${command}: ${issue?.details?.text ?? 'refused'}${issue?.expression ? ` (${issue.expression.join(', ')})` : ''}`
      );
      return EXIT.failed;
    }
    throw err;
  } finally {
    await db.close();
  }
}

/** Reads a secret from stdin (for --password-stdin): the first line, without its line ending. */
export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}
