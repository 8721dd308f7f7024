/**
 * The web app's figures for `npm run bench`:
 *
 * - the JavaScript the first route needs, gzipped: the entry script of web/dist/index.html and its
 *   modulepreload links (target <= 300 KB);
 * - search-to-chart in Debian's Chromium on the demo clinic: from the Enter on a search result to the chart's
 *   "Vitals" section painted, median and p95 (target < 1 s);
 * - the patient searches the app sends (POST /fhir/R4/Patient/_search, form body) on the bench's 10,000
 *   patients, under autocannon like the other scenarios (p99 <= 50 ms).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import type { Patient } from '@medplum/fhirtypes';
import { chromium, type Page } from 'playwright-core';
import { runCli, startServer, stop } from '../test/process/serverProcess.js';
import { cpuSnapshot, othersCpuPercent, waitForQuiet } from './machineLoad.js';
import { authHeader } from './auth.js';

export const WEB_DIST = path.resolve(import.meta.dirname, '../web/dist');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// ---------- (a) first route JavaScript ----------

export interface FirstRouteJs {
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  targetGzipBytes: number;
  pass: boolean;
}

/** The attributes of every `<tag ...>` in an HTML text. */
function tags(html: string, tag: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'gi'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(/([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      attrs[a[1].toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? '';
    }
    out.push(attrs);
  }
  return out;
}

/**
 * Sums the gzipped size (node:zlib, default level 6, as a server compresses on the fly) of the entry module
 * script in index.html and the modules it preloads: what the browser must fetch before the first route runs.
 */
export function firstRouteJs(dist = WEB_DIST): FirstRouteJs {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const entries = tags(html, 'script')
    .filter((a) => a.type === 'module' && a.src)
    .map((a) => a.src);
  const preloads = tags(html, 'link')
    .filter((a) => a.rel === 'modulepreload' && a.href)
    .map((a) => a.href);
  if (entries.length === 0) {
    throw new Error(`${dist}/index.html has no <script type="module" src=...>`);
  }
  const files = [...new Set([...entries, ...preloads])].map((src) => {
    const content = fs.readFileSync(path.join(dist, src.replace(/^\//, '')));
    return { file: src, bytes: content.length, gzipBytes: gzipSync(content).length };
  });
  const gzipBytes = files.reduce((n, f) => n + f.gzipBytes, 0);
  const targetGzipBytes = 300 * 1024;
  return {
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    gzipBytes,
    targetGzipBytes,
    pass: gzipBytes <= targetGzipBytes,
  };
}

// ---------- (b) search to chart in Chromium ----------

export interface SearchToChart {
  patients: number;
  runs: number;
  /** Enter on the result -> the "Vitals" h2 laid out and visible, ms, one per run. */
  headingMs: number[];
  /** Enter on the result -> the latest blood pressure (nnn/nn) shown in the Vitals section, ms. */
  valuesMs: number[];
  heading: { median: number; p95: number };
  values: { median: number; p95: number };
  targetMs: number;
  pass: boolean;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One search-to-chart measurement: search by MRN, ArrowDown, Enter; times taken in the page's own clock. */
async function oneRun(page: Page, origin: string, mrn: string): Promise<{ heading: number; values: number }> {
  await page.goto(`${origin}/`);
  const box = page.getByRole('combobox', { name: 'Search patients' });
  await box.fill(mrn);
  await page.getByRole('option').filter({ hasText: mrn }).waitFor({ state: 'visible' });
  await page.evaluate(() => {
    const w = window as unknown as { __enterAt?: number };
    w.__enterAt = undefined;
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter' && w.__enterAt === undefined) w.__enterAt = performance.now();
      },
      { capture: true }
    );
  });
  await box.press('ArrowDown');
  await box.press('Enter');
  // Polled on animation frames: the condition holds in the frame that paints it.
  const heading = await page.waitForFunction(
    () => {
      const h = [...document.querySelectorAll('h2')].find((x) => x.textContent?.trim() === 'Vitals');
      const r = h?.getBoundingClientRect();
      const at = (window as unknown as { __enterAt?: number }).__enterAt;
      return r && r.width > 0 && r.height > 0 && at !== undefined ? performance.now() - at : false;
    },
    undefined,
    { polling: 'raf', timeout: 15_000 }
  );
  const values = await page.waitForFunction(
    () => {
      const h = [...document.querySelectorAll('h2')].find((x) => x.textContent?.trim() === 'Vitals');
      const section = h?.closest('section, [role="region"], article') ?? h?.parentElement;
      const at = (window as unknown as { __enterAt?: number }).__enterAt;
      return section && /\b\d{2,3}\s*\/\s*\d{2,3}\b/.test(section.textContent ?? '') && at !== undefined
        ? performance.now() - at
        : false;
    },
    undefined,
    { polling: 'raf', timeout: 15_000 }
  );
  return { heading: (await heading.jsonValue()) as number, values: (await values.jsonValue()) as number };
}

/**
 * Loads the demo clinic into a fresh PGlite folder, serves it (with web/dist) and measures search-to-chart
 * `runs` times after 2 warm-up runs, each in a fresh page of one Chromium (the app's code is cached, its data
 * is not), each on a different patient with recorded vitals.
 */
export async function searchToChart(
  opts: { patients: number; runs: number; port: number },
  log: (line: string) => void
): Promise<SearchToChart> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error('web/dist is missing: npx vite build --config web/vite.config.ts');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-bench-web-'));
  const database = `pglite:${path.join(dir, 'db')}`;
  try {
    log(`  loading the demo clinic (${opts.patients} patients)`);
    const demo = await runCli(['demo', '--database', database, '--patients', String(opts.patients)]);
    if (demo.code !== 0) {
      throw new Error(`demo load failed: ${demo.output}`);
    }
    const server = await startServer(['--database', database], opts.port);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      // Signed in as the demo medical assistant (README's demo users): the session cookie is shared by the
      // context's pages and its API requests.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const signIn = await context.request.post(`${server.url}/auth/sign-in`, {
        data: { username: 'ma', password: 'Riverbend-demo-2026' },
      });
      if (!signIn.ok()) {
        throw new Error(`demo sign-in answered ${signIn.status()}`);
      }
      // Patients with a blood pressure on record (newborns and new patients have none).
      const withBp = new Set<string>();
      const res = await context.request.get(
        `${server.url}/fhir/R4/Observation?code=http://loinc.org|85354-9&_elements=subject&_count=1000`
      );
      const bundle = (await res.json()) as { entry?: { resource?: { subject?: { reference?: string } } }[] };
      for (const e of bundle.entry ?? []) withBp.add(e.resource?.subject?.reference ?? '');
      const mrns: string[] = [];
      for (let n = 1; n <= opts.patients && mrns.length < opts.runs + 2; n += 3) {
        if (withBp.has(`Patient/demo-pat-${String(n).padStart(4, '0')}`)) mrns.push(`RB${100000 + 7 * n}`);
      }
      const headingMs: number[] = [];
      const valuesMs: number[] = [];
      for (const [i, mrn] of mrns.entries()) {
        const page = await context.newPage();
        const r = await oneRun(page, server.url, mrn);
        await page.close();
        if (i >= 2) {
          headingMs.push(r.heading);
          valuesMs.push(r.values);
        }
      }
      const summary = (v: number[]): { median: number; p95: number } => ({
        median: percentile(v, 50),
        p95: percentile(v, 95),
      });
      const targetMs = 1000;
      const values = summary(valuesMs);
      return {
        patients: opts.patients,
        runs: valuesMs.length,
        headingMs,
        valuesMs,
        heading: summary(headingMs),
        values,
        targetMs,
        pass: values.p95 < targetMs,
      };
    } finally {
      await browser.close();
      await stop(server);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- (c) the app's patient searches on 10,000 patients ----------

export interface PatientSearchResult {
  name: string;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  othersCpu: number | null;
  targetP99Ms: number;
  pass: boolean;
}

export interface PatientSearchOptions {
  origin: string;
  patientIds: string[];
  seconds: number;
  warmupSeconds: number;
  connections: number;
  serverPid: () => number;
  waitQuietSeconds: number;
}

const formHeaders = (): Record<string, string> => ({
  'content-type': 'application/x-www-form-urlencoded',
  ...authHeader(),
});

/**
 * Form bodies like the app's (web/src/search/parseQuery.ts, and web/src/fhir/queries.ts adds
 * `_sort=family,given,birthdate&_count=10`), from real seeded patients.
 */
async function searchBodies(origin: string, ids: string[]): Promise<{ name: string[]; birthdate: string[] }> {
  const name: string[] = [];
  const birthdate: string[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${origin}/fhir/R4/Patient/${ids[(i * 197) % ids.length]}`, {
      headers: authHeader(),
    });
    const p = (await res.json()) as Patient;
    const family = p.name?.[0]?.family ?? '';
    // What an MA types before the list shows the patient: the first 3-5 letters of the family name.
    name.push(
      new URLSearchParams({
        name: family.slice(0, 3 + (i % 3)).toLowerCase(),
        _sort: 'family,given,birthdate',
        _count: '10',
      }).toString()
    );
    birthdate.push(
      new URLSearchParams({
        birthdate: p.birthDate ?? '',
        _sort: 'family,given,birthdate',
        _count: '10',
      }).toString()
    );
  }
  return { name, birthdate };
}

/** POST /fhir/R4/Patient/_search with rotating form bodies: a warm-up, then the measured run. */
export async function patientSearchScenarios(
  opts: PatientSearchOptions,
  log: (line: string) => void
): Promise<PatientSearchResult[]> {
  const bodies = await searchBodies(opts.origin, opts.patientIds);
  const out: PatientSearchResult[] = [];
  for (const [kind, list] of Object.entries(bodies)) {
    const probe = await fetch(`${opts.origin}/fhir/R4/Patient/_search`, {
      method: 'POST',
      headers: formHeaders(),
      body: list[0],
    });
    const found = ((await probe.json()) as { entry?: unknown[] }).entry?.length ?? 0;
    if (probe.status !== 200 || found === 0) {
      throw new Error(`POST Patient/_search ${list[0]} answered ${probe.status} with ${found} entries`);
    }
    const name = `POST Patient/_search ${kind}=... (app form body)`;
    const request = (): autocannon.Request => {
      let i = 0;
      return {
        method: 'POST',
        path: '/fhir/R4/Patient/_search',
        setupRequest: (req) => ({ ...req, body: list[i++ % list.length] }),
      };
    };
    const run = (seconds: number): Promise<autocannon.Result> =>
      autocannon({
        url: opts.origin,
        connections: opts.connections,
        duration: seconds,
        headers: formHeaders(),
        requests: [request()],
        timeout: 30,
      });
    log(
      `  ${name}: warm-up ${opts.warmupSeconds} s, then ${opts.seconds} s at ${opts.connections} connections`
    );
    await waitForQuiet(opts.waitQuietSeconds, 10, log);
    await run(opts.warmupSeconds);
    const before = cpuSnapshot([process.pid, opts.serverPid()]);
    const r = await run(opts.seconds);
    const othersCpu = othersCpuPercent(before, cpuSnapshot([process.pid, opts.serverPid()]));
    const targetP99Ms = 50;
    out.push({
      name,
      connections: opts.connections,
      seconds: r.duration,
      requests: r.requests.total,
      rps: r.requests.total / r.duration,
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
      othersCpu,
      targetP99Ms,
      pass: r.requests.total > 0 && r.non2xx === 0 && r.errors === 0 && r.latency.p99 <= targetP99Ms,
    });
  }
  return out;
}
