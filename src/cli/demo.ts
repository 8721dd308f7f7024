import { Command } from 'commander';
import { processBundle } from '../api/router/bundle.js';
import { routeFhirRequest } from '../api/router/router.js';
import { generateDemoClinic } from '../clinic/demo/index.js';
import { ConfigError, parseDatabaseAndPractice } from '../config.js';
import { loadDefinitions } from '../fhir/definitions.js';
import { isOutcomeError } from '../fhir/outcome.js';
import { openDatabase, type Database } from '../store/db.js';
import { FolderInUseError } from '../store/lock.js';
import { analyze } from '../store/maintenance.js';
import { migrate } from '../store/migrate.js';
import { defaultPracticeName, ensurePractice } from '../store/practice.js';

/**
 * Loads the demo clinic (deterministic synthetic data, no real people) into a practice. Every entry is
 * a PUT to a fixed id, so loading twice changes nothing.
 */
export async function loadDemoClinic(
  db: Database,
  practiceId: string,
  options: { patients?: number; today?: Date; log?: (line: string) => void } = {}
): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bundles = generateDemoClinic({ today: options.today ?? new Date(), patients: options.patients });
  const env = { db, ctx: { practiceId, baseUrl: 'http://127.0.0.1/fhir/R4' } };
  const total = bundles.reduce((n, b) => n + (b.entry?.length ?? 0), 0);
  log(`medassist: loading the demo clinic (${bundles.length - 1} patients, ${total} resources)...`);
  const started = Date.now();
  let done = 0;
  let lastReport = started;
  for (const bundle of bundles) {
    await processBundle(env, bundle, routeFhirRequest);
    done += bundle.entry?.length ?? 0;
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      log(`medassist: demo ${Math.round((100 * done) / total)}% (${done}/${total})`);
    }
  }
  await analyze(db);
  const seconds = (Date.now() - started) / 1000;
  log(
    `medassist: demo clinic loaded: ${total} resources in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s)`
  );
  return total;
}

export function command(): Command {
  return new Command('demo')
    .description(
      'Load the demo clinic (Riverbend Family Medicine: 2 sites, 4 providers, 6 staff, 500 synthetic patients with ' +
        'years of history, and appointments today and for the next two weeks). Safe to run twice.'
    )
    .option(
      '--database <target>',
      'pglite:DIR | pglite:memory | postgres://... (MEDASSIST_DATABASE, default pglite:./data)'
    )
    .option('--practice <id>', 'practice to load into (MEDASSIST_PRACTICE, default demo)')
    .option('--patients <n>', 'number of patients (default 500)')
    .action(async (opts: { database?: string; practice?: string; patients?: string }) => {
      let config;
      try {
        config = parseDatabaseAndPractice({ database: opts.database, practice: opts.practice });
      } catch (err) {
        if (err instanceof ConfigError) {
          console.error(`medassist: ${err.message}`);
          process.exit(2);
        }
        throw err;
      }
      const patients = opts.patients === undefined ? undefined : Number(opts.patients);
      if (patients !== undefined && (!Number.isInteger(patients) || patients < 0 || patients > 9999)) {
        console.error('medassist: invalid setting --patients: must be a whole number from 0 to 9999');
        process.exit(2);
      }
      loadDefinitions();
      let db;
      try {
        db = await openDatabase(config.database);
      } catch (err) {
        if (err instanceof FolderInUseError) {
          console.error(
            `medassist: ${err.message} (the running server loads the demo itself at start when the practice is empty)`
          );
          process.exit(3);
        }
        throw err;
      }
      try {
        await migrate(db);
        await ensurePractice(db, config.practice, defaultPracticeName(config.practice));
        await loadDemoClinic(db, config.practice, { patients });
      } catch (err) {
        if (isOutcomeError(err)) {
          console.error(
            `medassist: the demo data was refused: ${err.outcome.issue?.[0]?.details?.text ?? ''} at ${err.outcome.issue?.[0]?.expression?.join(', ') ?? ''}`
          );
          process.exit(1);
        }
        throw err;
      } finally {
        await db.close();
      }
    });
}
