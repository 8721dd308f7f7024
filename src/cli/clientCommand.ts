import { Command } from 'commander';
import { createClient, revokeClient } from '../auth/clients.js';
import { withDatabase } from './database.js';

interface Flags {
  database?: string;
  practice?: string;
}

/** `medassist client create|revoke|list`: API clients for the client-credentials grant. */
export function command(): Command {
  const client = new Command('client').description('Manage API clients (OAuth 2.0 client credentials)');
  client
    .command('create')
    .description('Register an API client; prints JSON with client_id and client_secret (shown once).')
    .requiredOption('--name <name>', 'what the client is, e.g. "lab interface"')
    .requiredOption(
      '--scope <scopes>',
      'SMART v2 system scopes, space-separated, e.g. "system/Patient.rs system/Observation.cruds"'
    )
    .option('--database <target>', 'pglite:DIR | postgres://... (MEDASSIST_DATABASE, default pglite:./data)')
    .option('--practice <id>', 'practice (MEDASSIST_PRACTICE, default demo)')
    .action(async (flags: Flags & { name: string; scope: string }) => {
      process.exitCode = await withDatabase('client create', flags, async (db, practiceId) => {
        console.log(JSON.stringify(await createClient(db, practiceId, flags.name, flags.scope), null, 2));
      });
    });
  client
    .command('revoke')
    .description('Revoke a client: its tokens are refused from now on (other servers within 2 s).')
    .argument('<client_id>')
    .option('--database <target>', 'pglite:DIR | postgres://... (MEDASSIST_DATABASE, default pglite:./data)')
    .option('--practice <id>', 'practice (MEDASSIST_PRACTICE, default demo)')
    .action(async (id: string, flags: Flags) => {
      process.exitCode = await withDatabase('client revoke', flags, async (db, practiceId) => {
        await revokeClient(db, practiceId, id);
        console.log(`medassist: client ${id} revoked`);
      });
    });
  client
    .command('list')
    .description('List the API clients of a practice.')
    .option('--database <target>', 'pglite:DIR | postgres://... (MEDASSIST_DATABASE, default pglite:./data)')
    .option('--practice <id>', 'practice (MEDASSIST_PRACTICE, default demo)')
    .action(async (flags: Flags) => {
      process.exitCode = await withDatabase('client list', flags, async (db, practiceId) => {
        const result = await db.query<{
          id: string;
          name: string;
          scopes: string[];
          created_at: Date;
          revoked_at: Date | null;
        }>(
          'SELECT id, name, scopes, created_at, revoked_at FROM api_client WHERE practice_id = $1 ORDER BY created_at',
          [practiceId]
        );
        console.log(JSON.stringify(result.rows, null, 2));
      });
    });
  return client;
}
