/**
 * What every end-to-end test file shares: the server started by globalSetup.ts, a Chromium per file, a fresh
 * browser context per test (a screenshot of each test under artifacts/e2e/), sign-in through the API, FHIR
 * reads for expected values, the app's contract (search box, options, banner, chart sections) and axe-core.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import type { DemoPersona } from './demoPatients.js';

/** Origin of the medassist server process (globalSetup.ts). */
export const ORIGIN = inject('e2eOrigin');

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/e2e');
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium with a fresh profile (chromium.launch makes a new user-data-dir each time). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface RecordedRequest {
  method: string;
  url: string;
  body: string | null;
}

export interface BrowserHandle {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request the page made during the test. */
  requests: RecordedRequest[];
  /** Console errors and uncaught page errors during the test (printed with a failure). */
  errors: string[];
}

/**
 * One Chromium for the file, a fresh context and page for each test, and a screenshot of the page at the end
 * of each test: artifacts/e2e/<file>--<test>.png.
 */
export function useBrowser(options: { viewport?: { width: number; height: number } } = {}): BrowserHandle {
  const handle = { requests: [], errors: [] } as unknown as BrowserHandle;
  beforeAll(async () => {
    handle.browser = await launchChromium();
  });
  afterAll(async () => {
    await handle.browser?.close();
  });
  beforeEach(async () => {
    handle.context = await handle.browser.newContext({
      baseURL: ORIGIN,
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
    handle.page = await handle.context.newPage();
    handle.requests = [];
    handle.errors = [];
    handle.page.on('request', (req) =>
      handle.requests.push({ method: req.method(), url: req.url(), body: req.postData() })
    );
    handle.page.on('console', (msg) => {
      if (msg.type() === 'error') handle.errors.push(`console: ${msg.text()}`);
    });
    handle.page.on('pageerror', (err) => handle.errors.push(`pageerror: ${err.message}`));
  });
  afterEach(async (ctx) => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.basename(ctx.task.file?.name ?? 'e2e').replace(/\.e2e\.test\.ts$/, '');
    const name = `${file}--${slug(ctx.task.name)}.png`;
    await handle.page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => undefined);
    if (ctx.task.result?.state === 'fail' && handle.errors.length > 0) {
      console.error(`[${ctx.task.name}] browser errors:\n  ${handle.errors.join('\n  ')}`);
    }
    await handle.context.close();
  });
  return handle;
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 90)
    .toLowerCase();
}

// ---------- sign-in through the API, and FHIR reads for expected values ----------

/** The password of every demo user (docs: demo clinic users). */
export const DEMO_PASSWORD = 'Riverbend-demo-2026';

/** The session cookie (docs/security/auth-api.md); HttpOnly, so the app never reads it: tests copy it. */
export const SESSION_COOKIE = '__Host-medassist-session';

function cookieOf(response: Response): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === SESSION_COOKIE) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** Signs a user without MFA in through the API (POST /auth/sign-in); returns the session cookie's value. */
export async function apiSignIn(username: string): Promise<string> {
  const response = await fetch(`${ORIGIN}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = (await response.json()) as { stage?: string };
  const token = cookieOf(response);
  if (response.status !== 200 || body.stage !== 'signed-in' || !token) {
    throw new Error(`signing ${username} in answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return token;
}

/**
 * The session the tests' own API reads use: the demo provider (who reads everything clinical), signed in once
 * per file (sign-in is rate-limited per address on failures only, so this costs nothing).
 */
let readerCookie: Promise<string> | undefined;
function readerSession(): Promise<string> {
  readerCookie ??= apiSignIn('provider').then((token) => `${SESSION_COOKIE}=${token}`);
  return readerCookie;
}

/** GETs a FHIR path (e.g. `Condition?patient=x`) from the server under test, as the demo provider. */
export async function fhirGet<T = Bundle>(pathAndQuery: string): Promise<T> {
  const res = await fetch(`${ORIGIN}/fhir/R4/${pathAndQuery}`, {
    headers: { accept: 'application/fhir+json', cookie: await readerSession() },
  });
  if (res.status !== 200) {
    throw new Error(`GET ${pathAndQuery} answered ${res.status}: ${await res.text()}`);
  }
  return (await res.json()) as T;
}

/** The matches of a search Bundle (not included resources). */
export function matches<T extends Resource>(bundle: Bundle): T[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode !== 'include' && e.resource)
    .map((e) => e.resource as T);
}

/** Every match of a search, following `next` links. */
export async function searchAll<T extends Resource>(pathAndQuery: string): Promise<T[]> {
  const out: T[] = [];
  let bundle = await fhirGet(pathAndQuery);
  for (;;) {
    out.push(...matches<T>(bundle));
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    if (!next) return out;
    bundle = await fhirGet(next.slice(next.indexOf('/fhir/R4/') + '/fhir/R4/'.length));
  }
}

// ---------- dates and ages, worked by hand ----------

/** The demo clinic's time zone (the timezone extension of its site Locations). */
export const DEMO_TIME_ZONE = 'America/Chicago';

/** The longest awayFromClinicMidnight waits (ten minutes and a little): give the hook that calls it this. */
export const MIDNIGHT_WAIT_MS = 11 * 60_000;

/** From 23:50 local a journey may cross midnight. */
const LAST_SAFE_SECOND = (23 * 60 + 50) * 60;

/** Seconds since local midnight on the zone's wall clock. */
function localSecondOfDay(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)])
  ) as Record<string, number>;
  return parts.hour * 3600 + parts.minute * 60 + parts.second;
}

/**
 * Keeps a test's "today" one day long. A journey that books a visit for today and then checks it in, rooms
 * it and checks it out for minutes must not cross the clinic's midnight: the visit would leave today's board
 * and check-in would refuse it ("not today"), and dates computed at the start would be yesterday's. From
 * 23:50 clinic time this waits until 00:00:05; before that it returns at once. Call it before booking or
 * computing dates, from a hook with MIDNIGHT_WAIT_MS as its timeout:
 * `beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS)`.
 */
export async function awayFromClinicMidnight(timeZone = DEMO_TIME_ZONE): Promise<void> {
  for (;;) {
    const now = new Date();
    const second = localSecondOfDay(now, timeZone);
    if (second < LAST_SAFE_SECOND) return;
    // To 00:00:05 by the wall clock; the loop checks the clock again after the wait.
    const wait = (86_400 - second + 5) * 1000 - now.getMilliseconds();
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, MIDNIGHT_WAIT_MS)));
  }
}

/** Today's local calendar date (the browser runs on the same machine and zone). */
export function todayLocal(now = new Date()): { y: number; m: number; d: number } {
  return { y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() };
}

/** Whole years from an ISO birth date to today: one less if this year's birthday has not come yet. */
export function ageYears(birthDate: string, now = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  const t = todayLocal(now);
  return t.y - y - (t.m < m || (t.m === m && t.d < d) ? 1 : 0);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A regular expression for an ISO date as a US office might print it (MM/DD/YYYY, M/D/YYYY, ISO, "May 3, 2007"). */
export function datePattern(iso: string): RegExp {
  const [y, m, d] = iso.split('-');
  const month = MONTHS[Number(m) - 1];
  const forms = [
    `${m}/${d}/${y}`,
    `${Number(m)}/${Number(d)}/${y}`,
    `${y}-${m}-${d}`,
    `${month.slice(0, 3)}\\.? ${Number(d)},? ${y}`,
    `${month} ${Number(d)},? ${y}`,
    `${Number(d)} ${month.slice(0, 3)}\\.? ${y}`,
    `${Number(d)} ${month} ${y}`,
  ];
  return new RegExp(`(${forms.join('|')})`, 'i');
}

/** An age in whole years, standing alone (not part of a date or an MRN). */
export function agePattern(years: number): RegExp {
  return new RegExp(`(?<![\\d/.-])${years}(?![\\d/.-])`);
}

// ---------- the app's contract ----------

export function searchBox(page: Page): Locator {
  return page.getByRole('combobox', { name: 'Search patients' });
}

/** "José Muñoz" or "Muñoz, José" (any case). */
export function namePattern(p: DemoPersona): RegExp {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(${esc(p.given)} ${esc(p.family)}|${esc(p.family)},? ${esc(p.given)})`, 'i');
}

/** The search result (role option) of a persona, recognised by its MRN. */
export function optionFor(page: Page, p: DemoPersona): Locator {
  return page.getByRole('option').filter({ hasText: p.mrn });
}

/** Loads the app at `/` and waits for the search box. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await searchBox(page).waitFor({ state: 'visible' });
}

/** Types a search into the box and waits for the persona's result. */
export async function searchAndWait(page: Page, text: string, p: DemoPersona): Promise<Locator> {
  await searchBox(page).fill(text);
  const option = optionFor(page, p);
  await option.waitFor({ state: 'visible', timeout: 10_000 });
  return option;
}

export function banner(page: Page): Locator {
  return page.getByRole('region', { name: 'Patient banner' });
}

export const CHART_SECTIONS = [
  'Problems',
  'Medications',
  'Allergies',
  'Immunizations',
  'Vitals',
  'Upcoming appointments',
  'Recent encounters',
  'Documents',
] as const;

export function sectionHeading(page: Page, name: string): Locator {
  return page.getByRole('heading', { level: 2, name, exact: true });
}

/**
 * A chart section: the innermost section/region/article holding its h2, else the h2's parent element.
 */
export async function chartSection(page: Page, name: string): Promise<Locator> {
  const heading = sectionHeading(page, name);
  await heading.waitFor({ state: 'visible', timeout: 10_000 });
  const wrapper = page.locator('section, [role="region"], article').filter({ has: heading }).last();
  return (await wrapper.count()) > 0 ? wrapper : heading.locator('xpath=..');
}

/** Waits until a section's text matches (sections load their data after the heading shows). */
export async function expectSectionText(section: Locator, pattern: RegExp | string): Promise<void> {
  await expect
    .poll(async () => (await section.innerText()).replace(/\s+/g, ' '), { timeout: 10_000 })
    .toMatch(
      typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : pattern
    );
}

// ---------- accessibility ----------

/**
 * Runs axe-core on the page and fails on serious or critical violations, printing each rule id and targets.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  // Evaluated through the DevTools protocol, not as a <script> tag: the app's Content-Security-Policy
  // (script-src 'self') stays on in every test, so the app is tested as it runs.
  axeSource ??= fs.readFileSync(AXE_SCRIPT, 'utf8');
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: () => Promise<AxeResults> } }).axe.run()
  );
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}; ` +
      v.nodes
        .map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` [${n.any[0].message}]` : ''}`)
        .join(', ')
  );
  if (report.length > 0) {
    console.error(`axe on ${label}:\n  ${report.join('\n  ')}`);
  }
  // Soft: the test goes on, so one run reports every problem on its path.
  expect.soft(report, `axe violations on ${label}`).toEqual([]);
}

// ---------- focus ----------

export interface FocusedElement {
  description: string;
  outlineStyle: string;
  outlineWidth: string;
  boxShadow: string;
}

/** The focused element and the styles that make focus visible; null when nothing (or body) has focus. */
export function focusedElement(page: Page): Promise<FocusedElement | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const name = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 40);
    return {
      description: `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} "${name}"`,
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
      boxShadow: style.boxShadow,
    };
  });
}

export function focusIsVisible(f: FocusedElement): boolean {
  return (
    (f.outlineStyle !== 'none' && parseFloat(f.outlineWidth) > 0) ||
    (f.boxShadow !== '' && f.boxShadow !== 'none')
  );
}
