import fs from 'node:fs';
import { Command } from 'commander';
import { createClient, revokeClient } from '../auth/clients.js';
import { writeServerInfo } from './serverInfo.js';
import { buildApp, type HttpsOptions } from '../api/app.js';
import { ConfigError, parseServerConfig } from '../config.js';
import { loadDefinitions } from '../fhir/definitions.js';
import { openDatabase, redactUrl } from '../store/db.js';
import { FolderInUseError } from '../store/lock.js';
import { startConfiguredReminders } from '../clinic/reminders/worker.js';
import { analyze, scheduleAnalyze } from '../store/maintenance.js';
import { migrate } from '../store/migrate.js';
import { countResources, defaultPracticeName, ensurePractice } from '../store/practice.js';

/**
 * TLS 1.2 cipher suites: ECDHE key exchange (forward secrecy) with AEAD encryption only (AES-GCM,
 * ChaCha20-Poly1305), as ONC 170.315(d)(9) and NIST SP 800-52r2 ask. TLS 1.3's suites are all AEAD and are
 * set apart by Node (tls.DEFAULT_CIPHERS), so this list only narrows TLS 1.2.
 */
export const AEAD_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Start the medassist server: the FHIR R4 API at /fhir/R4 and /healthz. Migrations run at start.\n' +
        'Settings: flags, else MEDASSIST_* environment variables, else defaults.'
    )
    .option('--port <n>', 'port to listen on (MEDASSIST_PORT, default 8080)')
    .option('--host <h>', 'address to listen on (MEDASSIST_HOST, default 127.0.0.1)')
    .option(
      '--database <target>',
      'pglite:DIR | pglite:memory | postgres://... (MEDASSIST_DATABASE, default pglite:./data)'
    )
    .option('--practice <id>', 'practice served when a request names none (MEDASSIST_PRACTICE, default demo)')
    .option('--body-limit <bytes>', 'largest request body (MEDASSIST_BODY_LIMIT, default 16 MiB)')
    .option('--base-url <url>', 'public FHIR base URL, if behind a proxy (MEDASSIST_BASE_URL)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent (MEDASSIST_LOG_LEVEL, default info)')
    .option('--load-demo', 'load the demo clinic if the practice is empty (what `npm start` does)')
    .option(
      '--idle-minutes <n>',
      'sign-out after this many idle minutes, 1-30 (MEDASSIST_IDLE_MINUTES, default 15)'
    )
    .option(
      '--tls-cert <file>',
      'PEM certificate: serve HTTPS, TLS 1.2+ only, with HSTS (MEDASSIST_TLS_CERT)'
    )
    .option('--tls-key <file>', 'PEM private key for --tls-cert (MEDASSIST_TLS_KEY)')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      await serve(opts);
    });
}

async function serve(opts: Record<string, string | boolean | undefined>): Promise<void> {
  let config;
  try {
    config = parseServerConfig({
      port: opts.port as string | undefined,
      host: opts.host as string | undefined,
      database: opts.database as string | undefined,
      practice: opts.practice as string | undefined,
      bodyLimit: opts.bodyLimit as string | undefined,
      baseUrl: opts.baseUrl as string | undefined,
      logLevel: opts.logLevel as string | undefined,
      idleMinutes: opts.idleMinutes as string | undefined,
      tlsCert: opts.tlsCert as string | undefined,
      tlsKey: opts.tlsKey as string | undefined,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`medassist: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  loadDefinitions();
  let db;
  try {
    db = await openDatabase(config.database);
  } catch (err) {
    if (err instanceof FolderInUseError) {
      console.error(`medassist: ${err.message}`);
      process.exit(3);
    }
    const target =
      config.database.engine === 'postgres' ? redactUrl(config.database.url) : 'the embedded database';
    console.error(`medassist: cannot open ${target}: ${(err as Error).message}`);
    process.exit(3);
  }
  await migrate(db);
  await ensurePractice(db, config.practice, defaultPracticeName(config.practice));
  if (opts.loadDemo) {
    const { createDemoUsers, loadDemoClinic } = await import('./demo.js');
    if ((await countResources(db, config.practice)) === 0) {
      await loadDemoClinic(db, config.practice);
    } else {
      // A demo loaded by an older medassist has no users: add them so someone can sign in.
      await createDemoUsers(db, config.practice);
    }
  }
  let https: HttpsOptions | undefined;
  if (config.tlsCert && config.tlsKey) {
    try {
      https = {
        cert: fs.readFileSync(config.tlsCert),
        key: fs.readFileSync(config.tlsKey),
        minVersion: 'TLSv1.2',
        ciphers: AEAD_CIPHERS,
        honorCipherOrder: true,
      };
    } catch (err) {
      console.error(`medassist: cannot read the TLS files: ${(err as Error).message}`);
      process.exit(2);
    }
  }
  await analyze(db);
  const stopAnalyze = scheduleAnalyze(db);
  let reminders: { stop(): Promise<void> };
  try {
    reminders = startConfiguredReminders(db, process.env);
  } catch (err) {
    console.error(`medassist: ${(err as Error).message}`);
    process.exit(2);
  }
  const app = buildApp({ db, config: { ...config, tls: https !== undefined }, https });
  /** The API client this run made for the local command line (server.json), revoked at a clean shutdown. */
  let cliClient: string | undefined;
  const shutdown = async (): Promise<void> => {
    stopAnalyze();
    await reminders.stop();
    await app.close();
    if (cliClient) {
      try {
        await revokeClient(db, config.practice, cliClient);
      } catch (err) {
        console.error(
          `medassist: could not revoke the command-line client ${cliClient}: ${(err as Error).message}`
        );
      }
    }
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  try {
    const address = await app.listen({ port: config.port, host: config.host });
    console.log(
      `medassist: serving the FHIR API at ${address}/fhir/R4 (database: ${config.database.engine})`
    );
    if (config.database.engine === 'pglite' && config.database.dir) {
      // Lets `medassist import` and other commands find the server that owns this folder and work through it.
      // It also holds an API client made for this run (the file is readable by this user only): the
      // command line on this machine authenticates with it.
      const client = await createClient(
        db,
        config.practice,
        `medassist command line (server pid ${process.pid})`,
        'system/*.cruds'
      );
      cliClient = client.client_id;
      writeServerInfo(config.database.dir, {
        pid: process.pid,
        url: `${address}/fhir/R4`,
        practice: config.practice,
        clientId: client.client_id,
        clientSecret: client.client_secret,
      });
    }
  } catch (err) {
    console.error(`medassist: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    await db.close();
    process.exit(4);
  }
}
