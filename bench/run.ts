/**
 * `npm run bench`: the performance figures of the issue, on each engine, printed as tables and written to
 * artifacts/bench/<date>-<engine>.json. A benchmark that prints figures, not a timed test.
 *
 *   npm run bench                       both engines, full size (10,000 patients, 100,000 observations)
 *   npm run bench -- --engine postgres  one engine
 *   npm run bench -- --quick            a smoke run (1,000 patients, 10,000 observations, short scenarios)
 *   npm run bench -- --web              also the web app: first-route JS gzipped, search-to-chart in Chromium
 *   npm run bench -- --web-only         the web app figures only (needs web/dist and /usr/bin/chromium)
 *
 * PostgreSQL: MEDASSIST_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres) names the
 * server; the bench creates and drops its own databases there (medassist_bench, medassist_bench_floor).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { prng } from './fixtures.js';
import { othersCpuPercent, cpuSnapshot, waitForQuiet } from './machineLoad.js';
import { copyFloor, postBundles, syntheaLikeBundle, type CopyFloor, type IngestRun } from './ingest.js';
import { runScenarios, type ScenarioResult } from './scenarios.js';
import { seed, type SeedResult } from './seed.js';
import { setReadAuditing } from './auth.js';
import { ENGINES, startServer, type BenchEngine } from './server.js';
import {
  firstRouteJs,
  patientSearchScenarios,
  searchToChart,
  type FirstRouteJs,
  type PatientSearchResult,
  type SearchToChart,
} from './web.js';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string' },
    quick: { type: 'boolean', default: false },
    port: { type: 'string', default: '18080' },
    seconds: { type: 'string' },
    'wait-quiet': { type: 'string' },
    web: { type: 'boolean', default: false },
    'web-only': { type: 'boolean', default: false },
  },
});

const quick = args.quick ?? false;
const size = {
  patients: quick ? 1000 : 10_000,
  seconds: Number(args.seconds ?? (quick ? 3 : 10)),
  warmupSeconds: quick ? 1 : 3,
  connections: 10,
  ingestBundles: quick ? 10 : 150,
  waitQuietSeconds: Number(args['wait-quiet'] ?? (quick ? 0 : 120)),
};
const webOnly = args['web-only'] ?? false;
const withWeb = webOnly || (args.web ?? false);
const engines: readonly BenchEngine[] = webOnly ? [] : args.engine ? [args.engine as BenchEngine] : ENGINES;
if (engines.some((e) => !ENGINES.includes(e))) {
  console.error(`--engine must be one of ${ENGINES.join(', ')}`);
  process.exit(2);
}

const log = (line: string): void => console.log(line);

function machine(): Record<string, string | number> {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const pglite = JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')) as {
    version: string;
  };
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // nproc missing: os.cpus() stands in
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    nproc,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    pglite: `${pglite.version} (package.json ${pkg.dependencies['@electric-sql/pglite']})`,
  };
}

interface EngineReport {
  engine: BenchEngine;
  date: string;
  quick: boolean;
  machine: Record<string, string | number>;
  seed: Omit<SeedResult, 'patientIds'> & { othersCpu: number | null };
  /** Wall time of ANALYZE after seeding (for PGlite including the server's restart). */
  analyzeSeconds: number;
  scenarios: ScenarioResult[];
  /** The app's patient searches (POST _search, form body), after ANALYZE. */
  patientSearch: PatientSearchResult[];
  ingest: IngestRun[];
  copyFloor: CopyFloor;
  /** Sequential ingest (1 poster) as a share of the COPY floor. */
  ingestRatio: number;
  ingestPass: boolean;
  /** Reads and searches with and without their audit records (target: at most 15% slower audited). */
  auditCost: {
    id: string;
    name: string;
    rpsAudited: number;
    rpsUnaudited: number;
    p99Audited: number;
    p99Unaudited: number;
    overhead: number;
    pass: boolean;
  }[];
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const pct = (n: number | null): string => (n === null ? '?' : `${fmt(n)}%`);

function targetText(r: ScenarioResult): string {
  const parts: string[] = [];
  if (r.target.maxP99Ms !== undefined) {
    parts.push(`p99<=${r.target.maxP99Ms}`);
  }
  if (r.target.minRps !== undefined) {
    parts.push(`>=${r.target.minRps}/s`);
  }
  return parts.join(' ') || '-';
}

function printReport(rep: EngineReport): void {
  const rows = [
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx/err', 'others CPU', 'target', 'result'],
    ...rep.scenarios.map((r) => [
      r.name + (r.note ? ` (${r.note})` : ''),
      fmt(r.rps) + (r.resourcesPerSecond ? ` (${fmt(r.resourcesPerSecond)} res/s)` : ''),
      r.requests === 0 ? `none of ${r.sent} answered` : fmt(r.p50, 1),
      r.requests === 0 ? `in ${fmt(r.seconds)} s` : fmt(r.p99, 1),
      `${r.non2xx}/${r.errors}`,
      pct(r.othersCpu),
      targetText(r),
      r.pass === null ? '-' : r.pass ? 'PASS' : 'MISS',
    ]),
    ...rep.patientSearch.map((r) => [
      r.name,
      fmt(r.rps),
      fmt(r.p50, 1),
      fmt(r.p99, 1),
      `${r.non2xx}/${r.errors}`,
      pct(r.othersCpu),
      `p99<=${r.targetP99Ms}`,
      r.pass ? 'PASS' : 'MISS',
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  log(
    `\n== ${rep.engine} (${rep.date}${rep.quick ? ', quick' : ''}; targets are the issue's, set for PostgreSQL) ==`
  );
  for (const [i, row] of rows.entries()) {
    log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    if (i === 0) {
      log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
  }
  log(
    `\nseed: ${fmt(rep.seed.patients)} patients + ${fmt(rep.seed.observations)} observations in ${rep.seed.bundles} transactions of ` +
      `${rep.seed.entriesPerBundle} entries: ${fmt(rep.seed.seconds, 1)} s, ${fmt(rep.seed.resourcesPerSecond)} resources/s (others CPU ${pct(rep.seed.othersCpu)}); ` +
      `ANALYZE ${fmt(rep.analyzeSeconds, 1)} s`
  );
  for (const run of rep.ingest) {
    log(
      `ingest, Synthea-like bundles, ${run.posters} poster(s): ${fmt(run.resources)} resources in ${run.bundles} bundles, ` +
        `${fmt(run.seconds, 1)} s, ${fmt(run.resourcesPerSecond)} resources/s (bundle p50 ${fmt(run.bundleP50Ms)} ms, max ${fmt(run.bundleMaxMs)} ms; others CPU ${pct(run.othersCpu)})`
    );
  }
  log(
    `COPY floor (PostgreSQL ${rep.copyFloor.postgresVersion}, bare table): ${fmt(rep.copyFloor.rows)} rows, ` +
      `${fmt(rep.copyFloor.rowsPerSecond)} rows/s (attempts ${rep.copyFloor.attemptsMs.map((t) => fmt(t)).join(', ')} ms)`
  );
  log(
    `ingest / COPY floor: ${fmt(rep.ingestRatio * 100, 1)}% (target >= 10%): ${rep.ingestPass ? 'PASS' : 'MISS'}`
  );
  for (const a of rep.auditCost) {
    log(
      `audit cost, ${a.name}: ${fmt(a.rpsAudited)} req/s audited vs ${fmt(a.rpsUnaudited)} unaudited ` +
        `(p99 ${fmt(a.p99Audited)} vs ${fmt(a.p99Unaudited)} ms): ${fmt(a.overhead * 100, 1)}% (target <= 15%): ${a.pass ? 'PASS' : 'MISS'}`
    );
  }
}

async function benchEngine(engine: BenchEngine): Promise<EngineReport> {
  const date = new Date().toISOString();
  log(`\n## ${engine}: starting the server`);
  const server = await startServer(engine, Number(args.port));
  try {
    log(`  seeding ${fmt(size.patients)} patients and ${fmt(size.patients * 10)} observations`);
    await waitForQuiet(size.waitQuietSeconds, 10, log);
    const seedCpu = cpuSnapshot([process.pid, server.pid]);
    let shown = 0;
    const seeded = await seed(server.fhirBase, size.patients, 495, (done) => {
      if (done - shown >= size.patients / 10) {
        shown = done;
        log(`    ${fmt(done)} patients`);
      }
    });
    const { patientIds, ...seedRest } = seeded;
    const seedFigures = {
      ...seedRest,
      othersCpu: othersCpuPercent(seedCpu, cpuSnapshot([process.pid, server.pid])),
    };
    log(`  seeded in ${fmt(seeded.seconds, 1)} s (${fmt(seeded.resourcesPerSecond)} resources/s)`);
    const load = {
      origin: server.origin,
      patientIds,
      seconds: size.seconds,
      warmupSeconds: size.warmupSeconds,
      connections: size.connections,
      serverPid: () => server.pid,
      waitQuietSeconds: size.waitQuietSeconds,
    };
    // The searches as the server leaves the database after a bulk load: no planner statistics yet.
    log('  searches before ANALYZE (no planner statistics yet)');
    const beforeAnalyze = await runScenarios(
      {
        ...load,
        seconds: Math.min(5, size.seconds),
        warmupSeconds: 1,
        only: ['name', 'obs'],
        note: 'before ANALYZE',
      },
      log
    );
    log('  ANALYZE');
    const analyzeStarted = performance.now();
    await server.analyze();
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    // The app's patient searches run before the write scenarios, which add thousands of same-named patients.
    const patientSearch = await patientSearchScenarios(load, log);
    const audited = await runScenarios(load, log);
    // The cost of auditing (issue 4: at most 15% on reads and searches), measured in the same run: the
    // read and search scenarios again with the auditing of reads and searches switched off.
    log('  audit cost: read and search scenarios again with the auditing of reads and searches off');
    await setReadAuditing(server.origin, false);
    const unaudited = await runScenarios(
      { ...load, only: ['read', 'name', 'obs'], note: 'auditing of reads off' },
      log
    );
    await setReadAuditing(server.origin, true);
    const auditCost = unaudited.map((off) => {
      const on = audited.find((r) => r.id === off.id) as ScenarioResult;
      const overhead = 1 - on.rps / off.rps;
      return {
        id: off.id,
        name: off.name,
        rpsAudited: on.rps,
        rpsUnaudited: off.rps,
        p99Audited: on.p99,
        p99Unaudited: off.p99,
        overhead,
        pass: overhead <= 0.15,
      };
    });
    const scenarioResults = [...audited, ...unaudited, ...beforeAnalyze];
    log('  ingest: Synthea-like bundles');
    const rand = prng(99);
    const sequential = Array.from({ length: size.ingestBundles }, (_, i) => syntheaLikeBundle(rand, i));
    const concurrent = Array.from({ length: size.ingestBundles }, (_, i) =>
      syntheaLikeBundle(rand, size.ingestBundles + i)
    );
    await waitForQuiet(size.waitQuietSeconds, 10, log);
    const ingest = [await postBundles(server.fhirBase, sequential, 1, server.pid)];
    await waitForQuiet(size.waitQuietSeconds, 10, log);
    ingest.push(await postBundles(server.fhirBase, concurrent, 2, server.pid));
    log('  COPY floor');
    const floor = await copyFloor(sequential);
    const ingestRatio = ingest[0].resourcesPerSecond / floor.rowsPerSecond;
    return {
      engine,
      date,
      quick,
      machine: { ...machine(), postgres: floor.postgresVersion },
      seed: seedFigures,
      analyzeSeconds,
      scenarios: scenarioResults,
      patientSearch,
      ingest,
      copyFloor: floor,
      ingestRatio,
      ingestPass: ingestRatio >= 0.1,
      auditCost,
    };
  } finally {
    await server.stop();
  }
}

const reports: EngineReport[] = [];
for (const engine of engines) {
  const rep = await benchEngine(engine);
  reports.push(rep);
  mkdirSync('artifacts/bench', { recursive: true });
  const file = `artifacts/bench/${rep.date.slice(0, 10)}-${engine}${quick ? '-quick' : ''}.json`;
  writeFileSync(file, JSON.stringify(rep, null, 2) + '\n');
  log(`  wrote ${file}`);
}

interface WebReport {
  date: string;
  machine: Record<string, string | number>;
  firstRouteJs: FirstRouteJs;
  searchToChart: SearchToChart;
}

let web: WebReport | undefined;
if (withWeb) {
  log('\n## web app');
  const date = new Date().toISOString();
  const js = firstRouteJs();
  await waitForQuiet(size.waitQuietSeconds, 10, log);
  const chart = await searchToChart(
    { patients: 500, runs: quick ? 8 : 20, port: Number(args.port) + 1 },
    log
  );
  web = { date, machine: machine(), firstRouteJs: js, searchToChart: chart };
  mkdirSync('artifacts/bench', { recursive: true });
  const file = `artifacts/bench/${date.slice(0, 10)}-web${quick ? '-quick' : ''}.json`;
  writeFileSync(file, JSON.stringify(web, null, 2) + '\n');
  log(`  wrote ${file}`);
}

function printWebReport(rep: WebReport): void {
  const kb = (bytes: number): string => `${fmt(bytes / 1024, 1)} KB`;
  const js = rep.firstRouteJs;
  const chart = rep.searchToChart;
  log(`\n== web app (${rep.date}) ==`);
  log(
    `first route JavaScript: ${js.files.length} file(s), ${kb(js.bytes)}, gzipped ${kb(js.gzipBytes)} ` +
      `(target <= ${kb(js.targetGzipBytes)}): ${js.pass ? 'PASS' : 'MISS'}`
  );
  for (const f of js.files) {
    log(`  ${f.file}: ${kb(f.bytes)}, gzipped ${kb(f.gzipBytes)}`);
  }
  log(
    `search-to-chart in Chromium (demo clinic, ${chart.patients} patients, ${chart.runs} runs): ` +
      `Enter -> "Vitals" heading painted median ${fmt(chart.heading.median)} ms, p95 ${fmt(chart.heading.p95)} ms; ` +
      `-> latest blood pressure shown median ${fmt(chart.values.median)} ms, p95 ${fmt(chart.values.p95)} ms ` +
      `(target < ${fmt(chart.targetMs)} ms): ${chart.pass ? 'PASS' : 'MISS'}`
  );
}

log(`\nmachine: ${JSON.stringify(reports[0]?.machine ?? machine())}`);
for (const rep of reports) {
  printReport(rep);
}
if (web) {
  printWebReport(web);
}

// The flow board's live updates (bench/flowBoard.ts): PostgreSQL only, two servers sharing LISTEN/NOTIFY.
if (engines.includes('postgres')) {
  const { printFlowBoard, runFlowBoardBench } = await import('./flowBoard.js');
  const flow = await runFlowBoardBench({
    boards: 100,
    changes: quick ? 10 : 60,
    port: Number(args.port) + 40,
  });
  printFlowBoard(flow, log);
}

// Scheduling (bench/scheduling.ts): findSlots over 20 providers x 90 days, in-process, on each engine.
{
  const { printSchedulingReport, schedulingBench } = await import('./scheduling.js');
  for (const engine of engines) {
    printSchedulingReport(await schedulingBench(engine, { runs: quick ? 50 : 200, log }));
  }
}

// Vital signs (bench/vitals.ts): recordVitals of a full set, in-process, on each engine (>= 200 saves).
{
  const { printVitalsReport, vitalsBench } = await import('./vitals.js');
  for (const engine of engines) {
    printVitalsReport(await vitalsBench(engine, { runs: quick ? 200 : 380, log }));
  }
}
