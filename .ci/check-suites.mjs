// Fails CI when a suite that must run did not: the store and API tests on both engines, the process tests,
// and no test skipped or left pending (a skipped test is not a passing one).
import fs from 'node:fs';

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) =>
  file.assertionResults.map((t) => ({ file: file.name, name: t.fullName, status: t.status }))
);
const problems = [];
const skipped = tests.filter((t) => t.status !== 'passed' && t.status !== 'failed');
if (skipped.length > 0) {
  problems.push(
    `${skipped.length} tests did not run (skipped/pending/todo): ${skipped
      .slice(0, 5)
      .map((t) => t.name)
      .join('; ')}`
  );
}
// Engine-parameterized suites name their engine as "[pglite]" / "on pglite" (describe.each(testEngines())).
const on = (t, engine) =>
  t.name.includes(`[${engine}]`) || t.name.includes(`(${engine})`) || t.name.includes(`on ${engine}`);
// An expected-to-fail test passes while the bug it pins exists: it is not a passing feature.
const sources = fs.readdirSync('test', { recursive: true }).filter((f) => String(f).endsWith('.ts'));
for (const file of sources) {
  const text = fs.readFileSync(`test/${file}`, 'utf8');
  if (/\b(it|test|describe)\.(fails|skip|todo|only)\b/.test(text)) {
    problems.push(`test/${file} has a .fails/.skip/.todo/.only test`);
  }
}
const expected = [
  ['API on PGlite', (t) => t.file.includes('/test/api/') && on(t, 'pglite')],
  ['API on PostgreSQL', (t) => t.file.includes('/test/api/') && on(t, 'postgres')],
  ['search on PGlite', (t) => t.file.includes('/test/store/') && on(t, 'pglite')],
  ['search on PostgreSQL', (t) => t.file.includes('/test/store/') && on(t, 'postgres')],
  ['crash safety on PGlite', (t) => t.file.includes('crash') && on(t, 'pglite')],
  ['crash safety on PostgreSQL', (t) => t.file.includes('crash') && on(t, 'postgres')],
  ['import/export on PGlite', (t) => t.file.includes('/test/cli/') && on(t, 'pglite')],
  ['import/export on PostgreSQL', (t) => t.file.includes('/test/cli/') && on(t, 'postgres')],
  ['access matrix on PGlite', (t) => t.file.includes('accessMatrix.int') && on(t, 'pglite')],
  ['access matrix on PostgreSQL', (t) => t.file.includes('accessMatrix.int') && on(t, 'postgres')],
  ['sign-in on PGlite', (t) => t.file.includes('signIn.int') && on(t, 'pglite')],
  ['sign-in on PostgreSQL', (t) => t.file.includes('signIn.int') && on(t, 'postgres')],
  ['audit trail on PGlite', (t) => t.file.includes('/test/auth/audit') && on(t, 'pglite')],
  ['audit trail on PostgreSQL', (t) => t.file.includes('/test/auth/audit') && on(t, 'postgres')],
  ['hostile input on PGlite', (t) => t.file.includes('hostile') && on(t, 'pglite')],
  ['hostile input on PostgreSQL', (t) => t.file.includes('hostile') && on(t, 'postgres')],
  // The front desk (issue 5): the booking race and the merge on both engines, the live board across processes.
  ['booking race on PGlite', (t) => t.file.includes('scheduling/booking.int') && on(t, 'pglite')],
  ['booking race on PostgreSQL', (t) => t.file.includes('scheduling/booking.int') && on(t, 'postgres')],
  ['merge on PGlite', (t) => t.file.includes('registration/merge.int') && on(t, 'pglite')],
  ['merge on PostgreSQL', (t) => t.file.includes('registration/merge.int') && on(t, 'postgres')],
  ['check-in and flow on PGlite', (t) => t.file.includes('/test/clinic/flow/') && on(t, 'pglite')],
  ['check-in and flow on PostgreSQL', (t) => t.file.includes('/test/clinic/flow/') && on(t, 'postgres')],
  ['reminders over SMTP on PGlite', (t) => t.file.includes('reminders/outbox.int') && on(t, 'pglite')],
  ['reminders over SMTP on PostgreSQL', (t) => t.file.includes('reminders/outbox.int') && on(t, 'postgres')],
  ['live flow board across two processes', (t) => t.file.includes('flowLive.int')],
  // Rooming and the chart (issue 6): each part's workflows on both engines, the journey and growth chart.
  ...['screen', 'vitals', 'growth', 'review', 'screenings', 'procedures', 'intake'].flatMap((part) => [
    [`rooming ${part} on PGlite`, (t) => t.file.includes(`/test/clinic/rooming/${part}/`) && on(t, 'pglite')],
    [
      `rooming ${part} on PostgreSQL`,
      (t) => t.file.includes(`/test/clinic/rooming/${part}/`) && on(t, 'postgres'),
    ],
  ]),
  ['rooming journey in Chromium', (t) => t.file.includes('/test/e2e/rooming')],
  ['growth chart in Chromium', (t) => t.file.includes('/test/e2e/growth')],
  ['front desk journey in Chromium', (t) => t.file.includes('/test/e2e/frontDesk')],
  ['sign-in in Chromium', (t) => t.file.includes('/test/e2e/auth')],
  ['demo clinic', (t) => t.file.includes('/test/clinic/demo/')],
  ['end-to-end in Chromium', (t) => t.file.includes('/test/e2e/')],
  ['web helpers', (t) => t.file.includes('/test/web/')],
];
for (const [label, match] of expected) {
  const ran = tests.filter(match);
  if (ran.length === 0) {
    problems.push(`expected suite did not run: ${label}`);
  }
}
const counts = {
  passed: tests.filter((t) => t.status === 'passed').length,
  failed: tests.filter((t) => t.status === 'failed').length,
};
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${skipped.length} not run`);
if (problems.length > 0 || counts.failed > 0 || !report.success) {
  for (const p of problems) console.error(`CI: ${p}`);
  process.exit(1);
}
console.log('CI: all expected suites ran on both engines');
