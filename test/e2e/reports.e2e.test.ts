/**
 * The wait-time report (issue 5) over the demo clinic's flow history: the front desk opens
 * /reports/wait-times, sees the last 30 days' figures (the same the API computes, and inside the demo's
 * ranges: waits of 3-25 minutes plus 1-3 of check-in), sorts the table, and downloads the CSV.
 */
import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_TIME_ZONE,
  MIDNIGHT_WAIT_MS,
  ORIGIN,
  SESSION_COOKIE,
  apiSignIn,
  awayFromClinicMidnight,
  expectAccessible,
  useBrowser,
} from './helpers.js';
import { DEMO_USERS, openAs } from './signIn.js';

interface Report {
  rows: {
    date: string;
    provider: { name: string };
    visits: number;
    arrivalToRoomed: { median: number | null };
  }[];
  days: unknown[];
  total: {
    visits: number;
    arrivalToRoomed: { n: number; median: number | null; p90: number | null };
    noShows: number;
    appointmentsDue: number;
  };
}

/**
 * YYYY-MM-DD in the demo clinic's calendar (America/Chicago), moved by whole calendar days from today (not
 * 24-hour steps, which a DST change skews).
 */
function chicagoDate(days = 0): string {
  const today = new Date().toLocaleDateString('en-CA', { timeZone: DEMO_TIME_ZONE });
  const day = new Date(`${today}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

async function reportAsFrontDesk(from: string, to: string): Promise<Report> {
  const token = await apiSignIn(DEMO_USERS.frontDesk);
  const res = await fetch(`${ORIGIN}/api/reports/wait-times?from=${from}&to=${to}`, {
    headers: { accept: 'application/json', cookie: `${SESSION_COOKIE}=${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

describe('wait-time report', () => {
  const b = useBrowser({ viewport: { width: 1400, height: 1000 } });
  // The page's default range and the test's are both "today": computed on the same side of midnight.
  beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

  it('shows the last 30 days of the demo history, sorts, and downloads the CSV', async () => {
    const from = chicagoDate(-29);
    const to = chicagoDate();
    const report = await reportAsFrontDesk(from, to);
    // The demo has about four past visits a weekday with 320 patients, each with a flow history.
    expect(report.total.visits).toBeGreaterThan(20);
    expect(report.total.arrivalToRoomed.median).toBeGreaterThanOrEqual(4);
    expect(report.total.arrivalToRoomed.p90).toBeLessThanOrEqual(28);
    expect(report.total.appointmentsDue).toBeGreaterThan(report.total.noShows);

    await openAs(b.page, DEMO_USERS.frontDesk, '/reports/wait-times');
    await b.page.getByRole('heading', { name: 'Wait times', level: 1 }).waitFor();
    await expect.poll(() => b.page.getByLabel('From', { exact: true }).inputValue()).toBe(from);
    expect(await b.page.getByLabel('To', { exact: true }).inputValue()).toBe(to);

    const totals = b.page.getByLabel('Totals for the range');
    await totals.waitFor();
    const visits = totals.locator('div', { hasText: /^Visits/ }).first();
    await expect.poll(() => visits.textContent()).toContain(String(report.total.visits));
    expect(await totals.textContent()).toContain(`${report.total.arrivalToRoomed.median} min`);

    await b.page.getByRole('img', { name: /Minutes from arrival to roomed per day/ }).waitFor();
    const table = b.page.getByRole('table', { name: 'By day and provider' });
    const bodyRows = table.locator('tbody tr');
    await expect.poll(() => bodyRows.count()).toBe(report.rows.length);

    // Sorting by the median wait puts the longest first.
    await table.getByRole('button', { name: 'Arrival to roomed, median' }).click();
    const header = table.getByRole('columnheader', { name: 'Arrival to roomed, median' });
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const longest = Math.max(...report.rows.map((r) => r.arrivalToRoomed.median ?? -1));
    expect(await bodyRows.first().locator('td').nth(3).textContent()).toBe(`${longest} min`);

    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      b.page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`wait-times-${from}-to-${to}.csv`);
    const file = await download.path();
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toMatch(/^date,provider_id,provider,visits,/);
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 2).toBe(report.rows.length);

    await expectAccessible(b.page, 'the wait-time report');
    // Aggregates only: no request carried patient data, and the page names no patient.
    expect(b.requests.filter((r) => r.url.includes('/api/reports/')).every((r) => r.method === 'GET')).toBe(
      true
    );
  });

  it('is not offered to a medical assistant', async () => {
    await openAs(b.page, DEMO_USERS.ma, '/reports/wait-times');
    await expect.poll(() => b.page.getByRole('heading', { name: 'Wait times', level: 1 }).count()).toBe(0);
    expect(await b.page.getByRole('link', { name: 'Wait times' }).count()).toBe(0);
  });
});
