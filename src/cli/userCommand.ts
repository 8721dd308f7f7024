import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { auditRow } from '../auth/audit/events.js';
import { insertAudit } from '../auth/audit/writer.js';
import { systemPrincipal } from '../auth/principal.js';
import { createUser, parseNewUser } from '../auth/users.js';
import { readStdinLine, withDatabase } from './database.js';

interface Flags {
  username: string;
  role: string[];
  name?: string;
  permission?: string[];
  passwordStdin?: boolean;
  mfaRequired?: boolean;
  practitioner?: string;
  database?: string;
  practice?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',')];

/** `medassist user create`: a user account in a practice (the audit trail records who made it: the command line). */
export function command(): Command {
  const user = new Command('user').description('Manage user accounts');
  user
    .command('create')
    .description(
      'Create a user. Roles: front-desk, medical-assistant, lead-ma, provider, biller, practice-admin. Without ' +
        '--password-stdin a random password is made and printed once.'
    )
    .requiredOption('--username <name>', 'sign-in name (lower case)')
    .requiredOption('--role <role>', 'a role (repeat or comma-separate for several)', collect)
    .option('--name <display>', 'name shown in the app (default: the username)')
    .option('--permission <p>', 'extra permission: emergency-access, privacy-officer (repeatable)', collect)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--mfa-required', 'require a second factor at sign-in (always so for practice-admin)')
    .option('--practitioner <id>', 'the Practitioner this user is')
    .option('--database <target>', 'pglite:DIR | postgres://... (MEDASSIST_DATABASE, default pglite:./data)')
    .option('--practice <id>', 'practice (MEDASSIST_PRACTICE, default demo)')
    .action(async (flags: Flags) => {
      const generated = !flags.passwordStdin;
      const password = flags.passwordStdin
        ? await readStdinLine()
        : `${randomBytes(12).toString('base64url')}-Ma1`;
      process.exitCode = await withDatabase('user create', flags, async (db, practiceId) => {
        const input = parseNewUser({
          username: flags.username,
          displayName: flags.name ?? flags.username,
          roles: flags.role,
          permissions: flags.permission ?? [],
          password,
          mfaRequired: flags.mfaRequired === true,
          practitionerId: flags.practitioner,
        });
        const created = await createUser(db, practiceId, input);
        await insertAudit(db, practiceId, [
          auditRow({
            principal: systemPrincipal(practiceId, 'command line'),
            action: 'C',
            subtype: 'user-create',
            category: 'user accounts',
            description: `created user ${created.username} with roles ${created.roles.join(', ')}`,
          }),
        ]);
        console.log(JSON.stringify({ ...created, ...(generated ? { password } : {}) }, null, 2));
      });
    });
  return user;
}
