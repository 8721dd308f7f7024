import { Command } from 'commander';
import { auditRow } from '../auth/audit/events.js';
import { auditCsv, parseAuditQuery, queryAudit, type AuditQuery } from '../auth/audit/report.js';
import { auditHashAt, verifyAuditChain, type ChainProblem } from '../auth/audit/verify.js';
import { insertAudit } from '../auth/audit/writer.js';
import { systemPrincipal } from '../auth/principal.js';
import { isOutcomeError } from '../fhir/outcome.js';
import { EXIT, withDatabase } from './database.js';

interface DatabaseFlags {
  database?: string;
  practice?: string;
}

interface VerifyFlags extends DatabaseFlags {
  all?: boolean;
  expect?: string;
}

interface ReportFlags extends DatabaseFlags {
  from: string;
  to: string;
  patient?: string;
  user?: string;
  action?: string;
  sort?: string;
  format: string;
}

const DATABASE_HELP = 'pglite:DIR | postgres://... (MEDASSIST_DATABASE, default pglite:./data)';
const PRACTICE_HELP = 'practice (MEDASSIST_PRACTICE, default demo)';

/** `medassist audit verify|report`: the audit trail from the command line (ONC 170.315(d)(2), (d)(3)). */
export function command(): Command {
  const audit = new Command('audit').description('Check and report the audit trail');
  audit
    .command('verify')
    .description(
      'Recompute the hash chain of the audit trail. Exit code 0 if it is intact, 1 if a record was altered, ' +
        'removed or reordered (one line per problem). Prints the last seq and hash of each practice: keep ' +
        'them, and pass them to a later run with --expect, since removing the newest records, or rewriting ' +
        'records and every hash after them, can only be seen against an earlier run.'
    )
    .option('--all', 'every practice in the database (default: only --practice)')
    .option('--expect <seq:hash>', 'a seq and hash printed by an earlier run, which must still be there')
    .option('--database <target>', DATABASE_HELP)
    .option('--practice <id>', PRACTICE_HELP)
    .action(async (flags: VerifyFlags) => {
      if (flags.all && flags.practice !== undefined) {
        console.error('medassist audit verify: give --practice or --all, not both');
        process.exitCode = EXIT.usage;
        return;
      }
      const expected = flags.expect === undefined ? undefined : parseExpect(flags.expect);
      if (expected === null || (expected && flags.all)) {
        console.error(
          'medassist audit verify: --expect takes SEQ:HASH as an earlier run printed it, for one practice'
        );
        process.exitCode = EXIT.usage;
        return;
      }
      let intact = true;
      const code = await withDatabase(
        'audit verify',
        flags,
        async (db, practiceId) => {
          const report = await verifyAuditChain(db, flags.all ? undefined : practiceId);
          const problems: ChainProblem[] = [...report.problems];
          if (expected) {
            const end = report.chains.find((c) => c.practiceId === practiceId);
            const hash = await auditHashAt(db, practiceId, expected.seq);
            if (hash === undefined || (end?.lastSeq ?? 0) < expected.seq) {
              problems.push({
                practiceId,
                seq: expected.seq,
                problem: 'removed',
                detail: `record ${expected.seq}, which an earlier run saw, is missing`,
              });
            } else if (hash !== expected.hash) {
              problems.push({
                practiceId,
                seq: expected.seq,
                problem: 'altered',
                detail: `record ${expected.seq} has another hash than an earlier run saw`,
              });
            }
          }
          for (const p of problems) {
            console.log(`practice ${p.practiceId}: seq ${p.seq} ${p.problem}: ${p.detail}`);
          }
          for (const c of report.chains) {
            console.log(
              `practice ${c.practiceId}: ${c.records} records, last seq ${c.lastSeq}, last hash ${c.lastHash}`
            );
          }
          intact = problems.length === 0;
          console.log(
            intact
              ? `audit trail intact: ${report.records} records in ${report.practices} practice(s)`
              : `audit trail NOT intact: ${problems.length} problem(s)`
          );
        },
        { createPractice: false, needPractice: !flags.all }
      );
      process.exitCode = code === EXIT.ok && !intact ? EXIT.failed : code;
    });
  audit
    .command('report')
    .description(
      'Write the audit records of a time range (all pages) to standard output, as CSV (default) or JSON. ' +
        'Running a report is itself recorded.'
    )
    .requiredOption('--from <instant>', 'start of the range, e.g. 2026-11-01 or 2026-11-01T08:00:00Z')
    .requiredOption('--to <instant>', 'end of the range (inclusive)')
    .option('--patient <id>', 'only records naming this Patient id')
    .option('--user <id or name>', 'only records of this user id or username (or API client)')
    .option('--action <C|R|U|D|E>', 'only this action: create, read, update, delete, execute')
    .option('--sort <column>', 'column to sort by, - prefix for descending', 'seq')
    .option('--format <csv|json>', 'output format', 'csv')
    .option('--database <target>', DATABASE_HELP)
    .option('--practice <id>', PRACTICE_HELP)
    .action(async (flags: ReportFlags) => {
      let query: AuditQuery;
      try {
        if (flags.format !== 'csv' && flags.format !== 'json') {
          throw new Error('--format must be csv or json');
        }
        query = parseAuditQuery({
          from: flags.from,
          to: flags.to,
          patient: flags.patient,
          user: flags.user,
          action: flags.action,
          sort: flags.sort,
          count: '1000',
        });
      } catch (err) {
        const text = isOutcomeError(err)
          ? (err.outcome.issue?.[0]?.details?.text ?? 'bad option')
          : (err as Error).message;
        console.error(`medassist audit report: ${text}`);
        process.exitCode = EXIT.usage;
        return;
      }
      process.exitCode = await withDatabase(
        'audit report',
        flags,
        async (db, practiceId) => {
          // Recorded before any record is written out (fail closed, as reads are: router.ts recordRead).
          await insertAudit(db, practiceId, [
            auditRow({
              principal: systemPrincipal(practiceId, 'command line'),
              action: 'R',
              subtype: 'audit-report',
              category: 'audit trail',
              description: `audit report ${JSON.stringify({ ...query, count: undefined, format: flags.format })}`,
              ...(query.patient ? { patients: [query.patient] } : {}),
            }),
          ]);
          await writeReport(db, practiceId, query, flags.format as 'csv' | 'json');
        },
        { createPractice: false }
      );
    });
  return audit;
}

/** Every page of the report, written as it is read (a year of records need not fit in memory). */
async function writeReport(
  db: Parameters<typeof queryAudit>[0],
  practiceId: string,
  query: AuditQuery,
  format: 'csv' | 'json'
): Promise<void> {
  let cursor: string | undefined;
  let lines = 0;
  if (format === 'json') await write('{"events":[');
  do {
    const page = await queryAudit(db, practiceId, { ...query, cursor });
    if (format === 'csv') {
      // The header once, on the first page, even when the range holds no record.
      await write(auditCsv(page.events, cursor === undefined));
    } else {
      for (const line of page.events) {
        await write(`${lines === 0 ? '' : ','}\n${JSON.stringify(line)}`);
        lines++;
      }
    }
    cursor = page.next;
  } while (cursor !== undefined);
  if (format === 'json') await write('\n]}\n');
}

/** Writes to stdout, waiting when the pipe is full. */
function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

function parseExpect(text: string): { seq: number; hash: string } | null {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  return m ? { seq: Number(m[1]), hash: m[2] } : null;
}
