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
const expected = [
  ['API on PGlite', (t) => t.file.includes('/test/api/') && t.name.includes('[pglite]')],
  ['API on PostgreSQL', (t) => t.file.includes('/test/api/') && t.name.includes('[postgres]')],
  ['search on PGlite', (t) => t.file.includes('/test/store/') && t.name.includes('[pglite]')],
  ['search on PostgreSQL', (t) => t.file.includes('/test/store/') && t.name.includes('[postgres]')],
  ['crash safety on PGlite', (t) => t.file.includes('crash') && t.name.includes('[pglite]')],
  ['crash safety on PostgreSQL', (t) => t.file.includes('crash') && t.name.includes('[postgres]')],
  ['import/export', (t) => t.file.includes('/test/cli/')],
  ['demo clinic', (t) => t.file.includes('/test/clinic/demo/')],
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
