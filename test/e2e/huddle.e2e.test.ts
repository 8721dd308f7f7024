/**
 * The huddle sheet (issue 6 item 11) and the co-signature queue (item 7) in Chromium. Huddle: an MA opens /huddle, it starts on tomorrow in the site's
 * zone, a day with booked demo visits shows each patient with two identifiers (name and date of birth), visit
 * type, allergies and care gaps as the API computes them, and "Print huddle sheet" opens the PDF (reads
 * only). Co-sign: the MA writes a chief complaint on a past visit of a demo patient reserved for this file
 * (220-239), the provider signs it from /cosign and it leaves the queue.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Location } from '@medplum/fhirtypes';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Encounter } from '@medplum/fhirtypes';
import {
  DEMO_PASSWORD,
  MIDNIGHT_WAIT_MS,
  ORIGIN,
  SESSION_COOKIE,
  apiSignIn,
  awayFromClinicMidnight,
  fhirGet,
  matches,
  useBrowser,
} from './helpers.js';
import { DEMO_USERS, useSessionOf } from './signIn.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/e2e');

interface HuddleRow {
  patient: { id: string; name: string; birthDate?: string } | null;
  restricted: boolean;
  gaps: { id: string; title: string }[];
}
interface HuddleSheet {
  date: string;
  rows: HuddleRow[];
}

async function signInWithCsrf(username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${ORIGIN}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = (await res.json()) as { session?: { csrfToken?: string } };
  const cookie = res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  return { cookie: cookie ?? '', csrf: body.session?.csrfToken ?? '' };
}

describe('the huddle sheet and the co-sign queue', () => {
  const b = useBrowser({ viewport: { width: 1400, height: 900 } });
  // "Tomorrow" (the API's default and the page's) is computed twice: both on the same side of midnight.
  beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

  it('shows a day of visits with care gaps and prints it', async () => {
    const cookie = `${SESSION_COOKIE}=${await apiSignIn(DEMO_USERS.ma)}`;
    const api = async <T>(url: string): Promise<{ status: number; body: T; text: string; type: string }> => {
      const res = await fetch(`${ORIGIN}${url}`, { headers: { cookie, accept: 'application/json' } });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body: body as T, text, type: res.headers.get('content-type') ?? '' };
    };
    const sites = matches<Location>(await fhirGet('Location?partof:missing=true&status=active&_sort=name'));
    const site = sites[0];
    expect(site?.id).toBeDefined();
    const siteId = site.id as string;

    // The default day is tomorrow in the site's zone; then find the first of the next 10 days with visits.
    const byDefault = await api<HuddleSheet>(`/api/rooming/huddle?location=${siteId}`);
    expect(byDefault.status, byDefault.text).toBe(200);
    let sheet: HuddleSheet | undefined;
    let day = byDefault.body.date;
    for (let i = 0; i < 10 && !sheet; i++) {
      const answer = await api<HuddleSheet>(`/api/rooming/huddle?location=${siteId}&date=${day}`);
      if (answer.body.rows.some((r) => r.patient && !r.restricted)) sheet = answer.body;
      else day = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
    expect(sheet, 'a day with booked demo visits in the next 10 days').toBeDefined();
    const first = (sheet as HuddleSheet).rows.find((r) => r.patient && !r.restricted) as HuddleRow;

    await useSessionOf(b.context, DEMO_USERS.ma);
    await b.page.goto('/huddle');
    await b.page.getByRole('heading', { name: 'Huddle sheet' }).waitFor({ timeout: 15_000 });
    const siteField = b.page.getByRole('combobox', { name: 'Site' });
    await siteField.click();
    await b.page
      .getByRole('option', { name: new RegExp(site.name?.split(' - ').at(-1) ?? '', 'i') })
      .first()
      .click();
    const dateField = b.page.getByLabel('Date', { exact: true });
    expect(await dateField.inputValue()).toBe(byDefault.body.date);
    await dateField.fill(day);

    const table = b.page.getByRole('table', { name: `Huddle sheet for ${day}` });
    await table.waitFor({ timeout: 15_000 });
    const text = await table.innerText();
    expect(text).toContain(first.patient?.name ?? '');
    expect(text).toContain(`DOB ${first.patient?.birthDate ?? ''}`);
    for (const gap of first.gaps) expect(text).toContain(gap.title);
    expect(await table.locator('tbody tr').count()).toBe((sheet as HuddleSheet).rows.length);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await b.page.screenshot({ path: path.join(ARTIFACTS, 'huddle-sheet.png'), fullPage: true });

    const popup = b.page.waitForEvent('popup');
    await b.page.getByRole('button', { name: 'Print huddle sheet' }).click();
    const pdfPage = await popup;
    expect(pdfPage.url()).toContain(`/api/rooming/huddle/pdf?location=${siteId}&date=${day}`);
    const pdf = await api<unknown>(`/api/rooming/huddle/pdf?location=${siteId}&date=${day}`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF')).toBe(true);
  });

  it('the provider co-signs an MA-entered chief complaint from the queue', async () => {
    let encounter: Encounter | undefined;
    for (let n = 230; n < 240 && !encounter; n++) {
      encounter = matches<Encounter>(
        await fhirGet(`Encounter?patient=demo-pat-0${n}&status=finished&_sort=-date&_count=1`)
      )[0];
    }
    expect(encounter?.id, 'a finished visit of a patient 230-239').toBeDefined();
    const stamp = `Sore throat since ${Date.now().toString(36)}`;
    const ma = await signInWithCsrf(DEMO_USERS.ma);
    const saved = await fetch(`${ORIGIN}/api/rooming/encounters/${encounter?.id ?? ''}/intake`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: ma.cookie, 'x-csrf-token': ma.csrf },
      body: JSON.stringify({ chiefComplaint: stamp }),
    });
    expect(saved.status, await saved.clone().text()).toBe(200);
    const entry = ((await saved.json()) as { chiefComplaint: { id: string; awaitingCosign: boolean } })
      .chiefComplaint;
    expect(entry.awaitingCosign).toBe(true);

    await useSessionOf(b.context, DEMO_USERS.provider);
    await b.page.goto('/cosign');
    await b.page.getByRole('heading', { name: 'Co-sign queue' }).waitFor({ timeout: 15_000 });
    await b.page.getByText('All providers').click();
    const row = b.page.getByRole('row').filter({ hasText: stamp });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toMatch(/DOB \d{4}-\d{2}-\d{2}/);
    await row.getByRole('button', { name: /^Co-sign/ }).click();
    await row.waitFor({ state: 'detached', timeout: 15_000 });

    const provider = `${SESSION_COOKIE}=${await apiSignIn(DEMO_USERS.provider)}`;
    const view = (await (
      await fetch(`${ORIGIN}/api/rooming/encounters/${encounter?.id ?? ''}/intake`, {
        headers: { cookie: provider },
      })
    ).json()) as { chiefComplaint: { awaitingCosign: boolean; status: string; signed?: { by: string } } };
    expect(view.chiefComplaint).toMatchObject({
      awaitingCosign: false,
      status: 'final',
      signed: { by: 'provider' },
    });
  });
});
