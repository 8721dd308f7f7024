/**
 * The MA's rooming of one patient and the hand-off to the provider (issue 6, quality bar): from the flow board
 * the MA rooms the patient and opens the rooming screen, enters vital signs in imperial units (BMI computed,
 * a critical blood pressure flagged and an urgent notice sent: the board shows it), reviews allergies,
 * reconciles medications, completes a PHQ-2 and marks the patient ready for the provider. The provider, in a
 * second browser context, sees the row "Ready for provider" with the urgent notice, opens the visit and
 * acknowledges its notices.
 *
 * The visit is booked and checked in through the API (booked by the lead MA with `overbook`, so the test runs
 * at any hour; checked in by the front desk), for one of the demo patients 100-119 that no other file uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ORIGIN,
  apiSignIn,
  expectAccessible,
  fhirGet,
  matches,
  useBrowser,
  awayFromClinicMidnight,
  MIDNIGHT_WAIT_MS,
} from './helpers.js';
import { DEMO_USERS, sessionCookie, useSessionOf } from './signIn.js';
import { api, apiSession, defaultSite } from './apiSession.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/e2e');
/** How long a change may take to reach another board (event stream, then a refetch). */
const LIVE_MS = 10_000;

/** Whole years between a birth date and today (UTC is close enough to choose an adult). */
function years(birthDate: string | undefined): number {
  if (!birthDate) return -1;
  const born = new Date(`${birthDate}T00:00:00Z`);
  const now = new Date();
  let age = now.getUTCFullYear() - born.getUTCFullYear();
  if (
    now.getUTCMonth() < born.getUTCMonth() ||
    (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() < born.getUTCDate())
  )
    age -= 1;
  return age;
}

/**
 * A demo patient among 100-119 (numbers no other file uses): an adult under 65 with an open chart (PHQ-2 due,
 * adult BMI), preferably one with medications on file so the reconciliation has rows to answer.
 */
async function choosePatient(): Promise<{ patient: Patient; medications: number }> {
  let fallback: Patient | undefined;
  for (let n = 100; n <= 119; n++) {
    const id = `demo-pat-${String(n).padStart(4, '0')}`;
    const patient = await fhirGet<Patient>(`Patient/${id}`).catch(() => undefined);
    if (!patient) continue;
    const restricted = (patient.meta?.security ?? []).some((s) => s.code === 'R' || s.code === 'V');
    const age = years(patient.birthDate);
    if (restricted || patient.active === false || age < 18 || age >= 65) continue;
    const statements = matches(await fhirGet<Bundle>(`MedicationStatement?patient=${id}&status=active`));
    const requests = matches(await fhirGet<Bundle>(`MedicationRequest?patient=${id}&status=active`));
    if (statements.length + requests.length > 0)
      return { patient, medications: statements.length + requests.length };
    fallback ??= patient;
  }
  if (fallback) return { patient: fallback, medications: 0 };
  throw new Error('no adult demo patient under 65 among 100-119');
}

interface Setup {
  timeZone: string;
  schedules: { id: string; practitioner?: { id: string; name: string }; nurseLine: boolean }[];
}

/** Books a follow-up for now (overbooked by the lead MA) with the demo provider, and checks it in. */
async function bookAndCheckIn(
  siteId: string,
  patient: Patient,
  providerId: string | undefined
): Promise<string> {
  const leadMa = await apiSession(DEMO_USERS.leadMa);
  const setup = await api<Setup>(leadMa, 'GET', `/api/schedule/setup?location=${siteId}`);
  const schedule =
    setup.schedules.find((s) => s.practitioner?.id === providerId && !s.nurseLine) ??
    setup.schedules.find((s) => s.practitioner && !s.nurseLine);
  if (!schedule) throw new Error('the site has no provider schedule');
  const now = Date.now();
  const rounded = new Date(Math.ceil(now / 300_000) * 300_000);
  const dayOf = (when: Date) => when.toLocaleDateString('en-CA', { timeZone: setup.timeZone });
  const start =
    dayOf(rounded) === dayOf(new Date(now)) ? rounded : new Date(Math.floor(now / 60_000) * 60_000);
  const appointment = await api<{ id: string }>(leadMa, 'POST', '/api/schedule/appointments', {
    patientId: patient.id,
    visitType: 'follow-up',
    scheduleId: schedule.id,
    start: start.toISOString(),
    reason: 'Rooming e2e',
    overbook: { reason: 'End-to-end test of rooming' },
  });
  const desk = await apiSession(DEMO_USERS.frontDesk);
  const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
  await api(desk, 'POST', '/api/flow/check-in', {
    appointmentId: appointment.id,
    identity: {
      name: `${(name?.given ?? []).join(' ')} ${name?.family ?? ''}`.trim(),
      birthDate: patient.birthDate,
    },
    demographicsVerified: true,
  });
  return appointment.id;
}

function rowOf(page: Page, appointmentId: string): Locator {
  return page
    .getByRole('table', { name: 'Today’s patients' })
    .locator(`tr[data-appointment="${appointmentId}"]`);
}

async function expectStatus(
  page: Page,
  appointmentId: string,
  status: string,
  timeout = LIVE_MS
): Promise<void> {
  const row = rowOf(page, appointmentId);
  await expect
    .poll(async () => ((await row.count()) > 0 ? await row.locator('td').nth(5).innerText() : '(no row)'), {
      timeout,
    })
    .toBe(status);
}

async function openBoard(page: Page): Promise<void> {
  await page.goto('/flow');
  await page.getByRole('heading', { level: 1, name: /^Flow board/ }).waitFor({ timeout: 15_000 });
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
}

/** A section of the rooming screen by its heading. */
function section(page: Page, title: string): Locator {
  return page.getByRole('region', { name: title, exact: true });
}

/** The checklist item's entry (data-item) and whether it reads done. */
async function itemDone(page: Page, id: string): Promise<boolean> {
  return (await page.locator(`li[data-item="${id}"]`).getAttribute('data-done')) === 'true';
}

// Visits are booked for the clinic's today: never start one in the last minutes before its midnight.
beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

describe('rooming and the hand-off to the provider', () => {
  const b = useBrowser({ viewport: { width: 1440, height: 1000 } });

  it(
    'an MA rooms a patient from the board, takes vitals, reviews, screens, hands over; the provider acknowledges',
    { timeout: 300_000 },
    async () => {
      const site = await defaultSite();
      const { patient, medications: medicationsOnFile } = await choosePatient();
      const provider = await apiSession(DEMO_USERS.provider);
      const appointmentId = await bookAndCheckIn(site.id ?? '', patient, provider.practitionerId);
      const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
      const family = name?.family ?? '';

      // ---- The MA: room the patient from the board, open the rooming screen from the row.
      await useSessionOf(b.context, DEMO_USERS.ma);
      const page = b.page;
      await openBoard(page);
      await expectStatus(page, appointmentId, 'Arrived');
      await rowOf(page, appointmentId).getByRole('button', { name: 'Room', exact: true }).click();
      const roomDialog = page.getByRole('dialog', { name: 'Room the patient' });
      await roomDialog.getByRole('combobox', { name: /^Room/ }).click();
      const firstFree = page.getByRole('option').first();
      const roomName = (await firstFree.innerText()).trim();
      await firstFree.click();
      await roomDialog.getByRole('button', { name: 'Room', exact: true }).click();
      await roomDialog.waitFor({ state: 'hidden', timeout: 10_000 });
      await expectStatus(page, appointmentId, 'Roomed');

      await rowOf(page, appointmentId)
        .getByRole('link', { name: /^Open rooming/ })
        .click();
      await page.waitForURL(/\/rooming\/[^/]+$/);
      const encounterId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      const header = page.getByRole('heading', { level: 1 });
      await expect.poll(() => header.innerText(), { timeout: 15_000 }).toContain(family);
      // Two identifiers: the name and the date of birth (MM/DD/YYYY), with the room and the status.
      const [y, m, d] = (patient.birthDate ?? '').split('-');
      expect(await page.getByTestId('rooming-dob').innerText()).toMatch(
        new RegExp(`^DOB ${m}/${d}/${y} \\(\\d+ y\\)`)
      );
      expect(await page.getByTestId('rooming-flow-status').innerText()).toBe('Roomed');
      expect(await page.getByText(`Room: ${roomName}`).count()).toBe(1);
      expect(await itemDone(page, 'vitals')).toBe(false);

      // ---- Vital signs in imperial units: BMI computed; a critical blood pressure flagged and sent.
      const vitals = section(page, 'Vital signs and pain');
      await vitals.getByRole('textbox', { name: 'Systolic' }).fill('184');
      await vitals.getByRole('textbox', { name: 'Diastolic' }).fill('122');
      await vitals.getByRole('textbox', { name: 'Heart rate' }).fill('78');
      await vitals.getByRole('textbox', { name: 'Temperature' }).fill('98.6');
      await vitals.getByRole('textbox', { name: 'Height (ft)' }).fill('5');
      await vitals.getByRole('textbox', { name: 'Height (in)' }).fill('7');
      await vitals.getByRole('textbox', { name: 'Weight (lb)' }).fill('150');
      await vitals.getByRole('textbox', { name: 'Pain (0-10)' }).fill('2');
      await vitals.getByRole('button', { name: 'Save vitals' }).click();
      // 5 ft 7 in = 67 in = 1.7018 m; 150 lb = 68.0389 kg; BMI = 68.0389 / 1.7018^2 = 23.49 -> 23.5.
      await vitals.getByText(/23\.5/).first().waitFor({ timeout: 15_000 });
      await vitals
        .getByText(/Repeat the reading; the provider has been notified/)
        .waitFor({ timeout: 15_000 });
      await expect.poll(() => itemDone(page, 'vitals'), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => itemDone(page, 'pain'), { timeout: 10_000 }).toBe(true);
      // The screen's notices list the urgent one (its text carries no values) ...
      await section(page, 'Notices to the provider')
        .getByText('Critical vital sign')
        .first()
        .waitFor({ timeout: 35_000 });
      // ... and the MA's flow board (another tab) shows the visit's urgent notice, without its text.
      const board = await b.context.newPage();
      await openBoard(board);
      await rowOf(board, appointmentId).getByTestId('urgent-notice').waitFor({ timeout: LIVE_MS });
      expect(await rowOf(board, appointmentId).innerText()).not.toContain('Critical vital sign');
      await board.close();

      // ---- Allergies reviewed, medications reconciled.
      const allergies = section(page, 'Allergies');
      await allergies.getByRole('button', { name: 'Mark allergies reviewed' }).click();
      await allergies.getByText(/Reviewed today by/).waitFor({ timeout: 10_000 });
      await expect.poll(() => itemDone(page, 'allergies'), { timeout: 10_000 }).toBe(true);
      const medications = section(page, 'Medications and pharmacy');
      // Each medication on file: the patient still takes it (answer "Taking", source: the patient).
      const taking = medications.getByRole('radio', { name: 'Taking', exact: true });
      if (medicationsOnFile > 0) await taking.first().waitFor({ timeout: 10_000 });
      for (let i = 0; i < (await taking.count()); i++) await taking.nth(i).check();
      await medications.getByRole('button', { name: 'Reconciliation complete' }).click();
      await expect.poll(() => itemDone(page, 'medications'), { timeout: 15_000 }).toBe(true);

      // ---- Chief complaint, in the patient's words (MA-entered, for the provider's co-signature).
      const intake = section(page, 'Chief complaint and intake notes');
      await intake.getByRole('textbox', { name: 'Chief complaint' }).fill('Headaches for two days');
      await intake.getByRole('button', { name: 'Save intake' }).click();
      await expect.poll(() => itemDone(page, 'chief-complaint'), { timeout: 15_000 }).toBe(true);

      // ---- Ticks by hand: only what the server allows (pharmacy, screenings, fall risk), never a measured,
      // reviewed or typed item; the tick names who and when, and can be taken back.
      for (const label of ['Vital signs', 'Pain score', 'Allergies reviewed', 'Chief complaint']) {
        expect(await page.getByRole('checkbox', { name: `${label}: mark done by hand` }).count(), label).toBe(
          0
        );
      }
      const pharmacyTick = page.getByRole('checkbox', { name: 'Preferred pharmacy: mark done by hand' });
      // The box follows the server's answer (controlled), so it is clicked and the item polled.
      await pharmacyTick.click();
      await expect.poll(() => itemDone(page, 'pharmacy'), { timeout: 10_000 }).toBe(true);
      await page
        .locator('li[data-item="pharmacy"]')
        .getByText(/^Ticked by hand by .+ at \d{2}:\d{2}$/)
        .waitFor({ timeout: 10_000 });
      // Taken back: the pharmacy stays open for the hand-off below.
      await pharmacyTick.click();
      await expect.poll(() => itemDone(page, 'pharmacy'), { timeout: 10_000 }).toBe(false);
      // The wound section is on this follow-up too (a wound re-check is not a "procedure" visit); consent is
      // not, until asked for.
      await section(page, 'Procedure and wound care').waitFor();
      expect(await section(page, 'Procedure consent').count()).toBe(0);

      // ---- PHQ-2: "Not at all" to both questions (score 0 of 6, negative).
      const phq2 = section(page, 'Screenings').getByRole('region', { name: /PHQ-2/ });
      const groups = phq2.getByRole('radiogroup');
      for (let i = 0; i < (await groups.count()); i++) {
        await groups.nth(i).getByRole('radio', { name: 'Not at all' }).check();
      }
      await expect.poll(() => phq2.getByTestId('live-score-phq-2').innerText()).toBe('Score 0 of 6');
      await phq2.getByRole('button', { name: /^Save PHQ-2/ }).click();
      await section(page, 'Screenings')
        .getByLabel('Screening results this visit')
        .getByText(/PHQ-2/)
        .waitFor({ timeout: 15_000 });

      // Every panel has loaded and been used: the whole screen is checked.
      await expectAccessible(page, 'the rooming screen');
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      // The screen as the MA sees it (top: header, checklist, notices, vitals), and the whole of it.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(ARTIFACTS, 'rooming-screen.png') });
      await page.screenshot({ path: path.join(ARTIFACTS, 'rooming-screen-full.png'), fullPage: true });

      // ---- Ready for provider: items still open (the pharmacy, screenings other than the PHQ-2) ask for a reason.
      // From the keyboard: the button takes Enter, the dialog opens with the reason field focused.
      await page.getByRole('button', { name: 'Ready for provider' }).focus();
      await page.keyboard.press('Enter');
      const confirm = page.getByRole('dialog', { name: 'Ready for provider with items open' });
      const reason = confirm.getByRole('textbox', { name: /^Reason/ });
      await expect.poll(() => reason.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.type('Blood pressure critical: provider to see now');
      await expectAccessible(page, 'the ready-for-provider dialog');
      const readyPosted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/ready'));
      await confirm.getByRole('button', { name: 'Send to provider' }).click();
      expect(JSON.parse((await readyPosted).postData() ?? '{}')).toEqual({
        incomplete: 'Blood pressure critical: provider to see now',
      });
      await expect
        .poll(() => page.getByTestId('rooming-flow-status').innerText(), { timeout: 10_000 })
        .toBe('Ready for provider');

      // ---- The provider, in another browser context: the row is ready, with the urgent notice.
      let other: BrowserContext | undefined;
      try {
        other = await b.browser.newContext({ baseURL: ORIGIN, viewport: { width: 1440, height: 1000 } });
        await other.addCookies([sessionCookie(await apiSignIn(DEMO_USERS.provider))]);
        const doc = await other.newPage();
        await openBoard(doc);
        await expectStatus(doc, appointmentId, 'Ready for provider');
        const row = rowOf(doc, appointmentId);
        await row.getByTestId('urgent-notice').waitFor({ timeout: LIVE_MS });
        expect(await row.getByTestId('urgent-notice').innerText()).toBe('Urgent notice');
        // The ready-for-provider notice is routine.
        expect(await row.getByTestId('routine-notices').innerText()).toMatch(/^\d+ notices?$/);
        await expectAccessible(doc, 'the provider’s flow board with notices');

        await row.getByRole('link', { name: /^Open rooming/ }).click();
        await doc.waitForURL(new RegExp(`/rooming/${encounterId}$`));
        const notices = section(doc, 'Notices to the provider');
        await notices.getByText('Critical vital sign').first().waitFor({ timeout: 15_000 });
        await notices.getByText('Ready for provider').first().waitFor();
        const acks = notices.getByRole('button', { name: /^Acknowledge/ });
        while ((await acks.count()) > 0) {
          const before = await acks.count();
          await acks.first().click();
          await expect.poll(() => acks.count(), { timeout: 10_000 }).toBeLessThan(before);
        }
        await notices.getByText('No open notices.').waitFor();

        // Acknowledged: every board loses the badges.
        await openBoard(doc);
        await expectStatus(doc, appointmentId, 'Ready for provider');
        await expect
          .poll(() => rowOf(doc, appointmentId).getByTestId('urgent-notice').count(), { timeout: LIVE_MS })
          .toBe(0);
      } finally {
        await other?.close();
      }
    }
  );
});
