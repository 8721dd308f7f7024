import { Command } from 'commander';
import { processBundle } from '../api/router/bundle.js';
import { routeFhirRequest } from '../api/router/router.js';
import { auditRow } from '../auth/audit/events.js';
import { insertAudit } from '../auth/audit/writer.js';
import { systemPrincipal, type Principal } from '../auth/principal.js';
import { createUser, findUserByUsername, USERNAME_RE } from '../auth/users.js';
import { generateDemoClinic } from '../clinic/demo/index.js';
import { DEMO_PASSWORD, DEMO_USERS, demoUsername } from '../clinic/demo/users.js';
import { ConfigError, parseDatabaseAndPractice } from '../config.js';
import { loadDefinitions } from '../fhir/definitions.js';
import { isOutcomeError } from '../fhir/outcome.js';
import { openDatabase, type Database } from '../store/db.js';
import { FolderInUseError } from '../store/lock.js';
import { analyze } from '../store/maintenance.js';
import { migrate } from '../store/migrate.js';
import { defaultPracticeName, ensurePractice } from '../store/practice.js';

/**
 * Loads the demo clinic (deterministic synthetic data, no real people) into a practice, then its demo users
 * (one per role, src/clinic/demo/users.ts). Every entry is a PUT to a fixed id and existing users are kept,
 * so loading twice changes nothing. The writes are attributed to "medassist demo loader" in the audit trail.
 */
export async function loadDemoClinic(
  db: Database,
  practiceId: string,
  options: { patients?: number; today?: Date; log?: (line: string) => void } = {}
): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bundles = generateDemoClinic({ today: options.today ?? new Date(), patients: options.patients });
  const principal = systemPrincipal(practiceId, 'demo loader');
  const env = { db, ctx: { practiceId, baseUrl: 'http://127.0.0.1/fhir/R4', principal } };
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
  await createDemoUsers(db, practiceId, log, principal);
  return total;
}

/**
 * Creates the demo users that do not exist yet, each with the demo password, and audits each creation.
 * A username already taken (by this practice's earlier load, or by another practice) is left alone.
 */
export async function createDemoUsers(
  db: Database,
  practiceId: string,
  log: (line: string) => void = (line) => console.log(line),
  principal: Principal = systemPrincipal(practiceId, 'demo loader')
): Promise<void> {
  const created: string[] = [];
  for (const demoUser of DEMO_USERS) {
    const username = demoUsername(practiceId, demoUser);
    if (!USERNAME_RE.test(username)) {
      log(`medassist: demo user ${username} skipped: the practice id is too long for a username`);
      continue;
    }
    const existing = await findUserByUsername(db, username);
    if (existing) {
      if (existing.practice_id !== practiceId) {
        log(`medassist: demo user ${username} skipped: the username belongs to another practice`);
      }
      continue;
    }
    try {
      await createUser(db, practiceId, {
        username,
        displayName: demoUser.displayName,
        roles: [...demoUser.roles],
        permissions: [...demoUser.permissions],
        password: DEMO_PASSWORD,
        practitionerId: demoUser.practitionerId ?? null,
      });
    } catch (err) {
      // Another process made it between the look-up and the insert: it exists, which is all we need.
      if (isOutcomeError(err) && err.status === 409) {
        continue;
      }
      throw err;
    }
    await insertAudit(db, practiceId, [
      auditRow({
        principal,
        action: 'C',
        subtype: 'user-create',
        category: 'user accounts',
        description: `created demo user ${username} with roles ${demoUser.roles.join(', ')}`,
      }),
    ]);
    created.push(username);
  }
  if (created.length > 0) {
    log(`medassist: demo users created: ${created.join(', ')} (password in README.md, demo only)`);
  }
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
