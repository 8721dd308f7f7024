/**
 * The front desk's day for one patient (issue 5): a visit booked for today goes through check-in (identity
 * stated by the patient, demographics and coverage verified, co-pay with a receipt), rooming, the provider,
 * and check-out, on the flow board. A second signed-in user (an MA) keeps /flow open in another browser
 * context and sees every change arrive through the event stream, without reloading.
 *
 * The visit is booked through the scheduling API (POST /api/schedule/appointments, by the lead MA with
 * `overbook`, so the test runs at any hour); the rest is the web app.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Appointment, Patient } from '@medplum/fhirtypes';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MIDNIGHT_WAIT_MS,
  ORIGIN,
  apiSignIn,
  awayFromClinicMidnight,
  expectAccessible,
  fhirGet,
  useBrowser,
} from './helpers.js';
import { DEMO_USERS, sessionCookie, useSessionOf } from './signIn.js';
import { api, apiSession, defaultSite } from './apiSession.js';

/** A demo patient no other e2e file uses (they use 4, 9, 16, 22, 27 and 314). */
const PATIENT_ID = 'demo-pat-0263';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/e2e');
/** How long a change may take to reach the watching board. */
const LIVE_MS = 5_000;

interface Setup {
  timeZone: string;
  schedules: { id: string; practitioner?: { id: string; name: string }; nurseLine: boolean }[];
}

/**
 * Books a follow-up for today at the site, a few minutes from now (overbooked by the lead MA, allowed to,
 * so the time need not be open). Returns the appointment id. Called after awayFromClinicMidnight, so "now"
 * is before 23:50 clinic time and the journey ends on the day it began.
 */
async function bookToday(siteId: string, patientId: string): Promise<string> {
  const leadMa = await apiSession(DEMO_USERS.leadMa);
  const setup = await api<Setup>(leadMa, 'GET', `/api/schedule/setup?location=${siteId}`);
  const schedule = setup.schedules.find((s) => s.practitioner && !s.nurseLine);
  if (!schedule) throw new Error('the site has no provider schedule');
  // Now, on the next 5-minute boundary: at the latest 23:50, still today in the clinic's zone.
  const start = new Date(Math.ceil(Date.now() / 300_000) * 300_000);
  const appointment = await api<{ id: string }>(leadMa, 'POST', '/api/schedule/appointments', {
    patientId,
    visitType: 'follow-up',
    scheduleId: schedule.id,
    start: start.toISOString(),
    reason: 'Front desk e2e',
    overbook: { reason: 'End-to-end test of the front desk journey' },
  });
  return appointment.id;
}

function officialName(patient: Patient): { given: string; family: string } {
  const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
  return { given: (name?.given ?? []).join(' '), family: name?.family ?? '' };
}

/** The board's row of the visit (rows carry their appointment id: the same patient may be on twice). */
function rowOf(page: Page, appointmentId: string): Locator {
  return page
    .getByRole('table', { name: 'Today’s patients' })
    .locator(`tr[data-appointment="${appointmentId}"]`);
}

/** Waits until the row's status cell (the 6th column) reads `status`. */
async function expectStatus(
  page: Page,
  appointmentId: string,
  status: string | RegExp,
  timeout = 10_000
): Promise<void> {
  const row = rowOf(page, appointmentId);
  await expect
    .poll(async () => ((await row.count()) > 0 ? await row.locator('td').nth(5).innerText() : '(no row)'), {
      timeout,
    })
    .toMatch(typeof status === 'string' ? new RegExp(`^${status}$`) : status);
}

async function openBoard(page: Page): Promise<void> {
  await page.goto('/flow');
  await page.getByRole('heading', { level: 1, name: /^Flow board/ }).waitFor({ timeout: 15_000 });
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
}

describe('the front desk journey', () => {
  const b = useBrowser({ viewport: { width: 1440, height: 900 } });
  // The visit is booked for today and moved for minutes: not across the clinic's midnight.
  beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

  it(
    'checks a patient in, rooms them, and checks them out, live on a second board',
    { timeout: 240_000 },
    async () => {
      const site = await defaultSite();
      const patient = await fhirGet<Patient>(`Patient/${PATIENT_ID}`);
      const { given, family } = officialName(patient);
      const fullName = `${given} ${family}`;
      const appointmentId = await bookToday(site.id ?? '', PATIENT_ID);

      // The MA keeps the board open in another browser context (another signed-in user).
      let watcher: BrowserContext | undefined;
      try {
        watcher = await b.browser.newContext({ baseURL: ORIGIN, viewport: { width: 1440, height: 1000 } });
        await watcher.addCookies([sessionCookie(await apiSignIn(DEMO_USERS.ma))]);
        const ma = await watcher.newPage();
        await openBoard(ma);
        // Finished visits are hidden unless asked for: the MA's board keeps them, to see the check-out.
        await ma.getByRole('switch', { name: /^Show finished visits/ }).check();
        await expectStatus(ma, appointmentId, 'Scheduled');

        // The front desk opens the board; the booked visit is there, scheduled.
        await useSessionOf(b.context, DEMO_USERS.frontDesk);
        const page = b.page;
        await openBoard(page);
        await expectStatus(page, appointmentId, 'Scheduled');
        expect(await rowOf(page, appointmentId).innerText()).toContain(family);
        await expectAccessible(page, 'the flow board');

        // Check-in: the patient states name and date of birth; demographics and coverage verified; co-pay.
        await rowOf(page, appointmentId).getByRole('button', { name: 'Check in' }).click();
        const dialog = page.getByRole('dialog', { name: 'Check in' });
        await dialog.getByRole('textbox', { name: /^Full name as stated/ }).fill(fullName);
        await dialog.getByLabel(/^Date of birth as stated/).fill(patient.birthDate ?? '');
        await dialog.getByRole('checkbox', { name: /^Demographics verified today/ }).check();
        const coverages = dialog.getByRole('checkbox', { name: /^Verified today:/ });
        for (let i = 0; i < (await coverages.count()); i++) await coverages.nth(i).check();
        await dialog.getByRole('textbox', { name: 'Amount paid' }).fill('25.00');
        await dialog.getByRole('combobox', { name: /^Method/ }).click();
        await page.getByRole('option', { name: 'Card' }).click();
        await dialog.getByRole('textbox', { name: /^Reference/ }).fill('slip 4411');
        await expectAccessible(page, 'the check-in dialog');
        const posted = page.waitForRequest(
          (r) => r.method() === 'POST' && r.url().endsWith('/api/flow/check-in')
        );
        await dialog.getByRole('button', { name: 'Check in' }).click();
        expect(JSON.parse((await posted).postData() ?? '{}')).toMatchObject({
          appointmentId,
          identity: { name: fullName, birthDate: patient.birthDate },
          demographicsVerified: true,
          copay: { amount: 25, method: 'card', reference: 'slip 4411' },
        });
        await dialog.getByText('Checked in.').waitFor({ timeout: 10_000 });

        // The receipt opens as a PDF.
        const receipt = dialog.getByRole('link', { name: /Print receipt/ });
        const href = (await receipt.getAttribute('href')) ?? '';
        expect(href).toMatch(/^\/api\/flow\/receipts\/.+\.pdf$/);
        const pdf = await b.context.request.get(href);
        expect(pdf.status()).toBe(200);
        expect(pdf.headers()['content-type']).toContain('application/pdf');
        expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
        await dialog.getByRole('button', { name: 'Done' }).click();

        await expectStatus(page, appointmentId, /^(Arrived|Waiting)$/);
        await expectStatus(ma, appointmentId, /^(Arrived|Waiting)$/, LIVE_MS);

        // Rooming, by the MA on their board: a free room. The front desk's board follows live.
        await rowOf(ma, appointmentId).getByRole('button', { name: 'Room' }).click();
        const roomDialog = ma.getByRole('dialog', { name: 'Room the patient' });
        await roomDialog.getByRole('combobox', { name: /^Room/ }).click();
        const firstFree = ma.getByRole('option').first();
        const roomName = (await firstFree.innerText()).trim();
        await firstFree.click();
        await expectAccessible(ma, 'the rooming dialog');
        await roomDialog.getByRole('button', { name: 'Room', exact: true }).click();
        await roomDialog.waitFor({ state: 'hidden', timeout: 10_000 });
        await expectStatus(ma, appointmentId, 'Roomed');
        await expectStatus(page, appointmentId, 'Roomed', LIVE_MS);
        expect(await rowOf(page, appointmentId).innerText()).toContain(roomName);

        // The provider's part, one step each on the MA's board, each seen live on the front desk's.
        for (const [button, status] of [
          ['Ready for provider', 'Ready for provider'],
          ['With provider', 'With provider'],
        ] as const) {
          await rowOf(ma, appointmentId).getByRole('button', { name: button, exact: true }).click();
          await expectStatus(ma, appointmentId, status);
          await expectStatus(page, appointmentId, status, LIVE_MS);
        }
        // The provider is done and asks to see the patient again in 3 months.
        await rowOf(ma, appointmentId)
          .getByRole('button', { name: 'Ready for check-out', exact: true })
          .click();
        const finish = ma.getByRole('dialog', { name: 'Ready for check-out' });
        await finish.getByRole('combobox', { name: /^Follow-up$/ }).click();
        await ma.getByRole('option', { name: 'Return in 3 months' }).click();
        await expectAccessible(ma, 'the ready-for-check-out dialog');
        const moved = ma.waitForRequest(
          (r) =>
            r.method() === 'POST' && r.url().endsWith(`/status`) && (r.postData() ?? '').includes('followUp')
        );
        await finish.getByRole('button', { name: 'Ready for check-out' }).click();
        expect(JSON.parse((await moved).postData() ?? '{}')).toMatchObject({
          status: 'ready-for-checkout',
          followUp: { visitType: 'follow-up', withinDays: 90 },
        });
        await finish.waitFor({ state: 'hidden', timeout: 10_000 });
        await expectStatus(ma, appointmentId, 'Ready for check-out');
        await expectStatus(page, appointmentId, 'Ready for check-out', LIVE_MS);

        // The board as the front desk sees it: the visits still in clinic (finished ones hidden).
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, 'flow-board.png') });

        // Check-out: the follow-up the provider asked for, with suggested times; the first one is booked.
        await rowOf(page, appointmentId).getByRole('button', { name: 'Check out' }).click();
        const checkOut = page.getByRole('dialog', { name: 'Check out' });
        await checkOut.getByText('Return in 3 months').waitFor({ timeout: 10_000 });
        const suggestions = checkOut.getByRole('radio');
        expect(await suggestions.count(), 'suggested times and "Do not book now"').toBeGreaterThan(1);
        await suggestions.first().check();
        // Any balance left after the co-pay is paid in cash.
        if ((await checkOut.getByRole('textbox', { name: 'Amount paid' }).inputValue()) !== '') {
          await checkOut.getByRole('combobox', { name: /^Method/ }).click();
          await page.getByRole('option', { name: 'Cash' }).click();
        }
        await expectAccessible(page, 'the check-out dialog');
        const checkedOut = page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url().endsWith('/check-out')
        );
        await checkOut.getByRole('button', { name: 'Check out' }).click();
        const response = await checkedOut;
        const sent = JSON.parse(response.request().postData() ?? '{}') as { followUp?: { start?: string } };
        const answer = (await response.json()) as { appointment?: { id?: string; start?: string } };
        expect(sent.followUp?.start, 'the first suggested time is booked').toBeDefined();
        await checkOut.getByText('Checked out.').waitFor({ timeout: 10_000 });
        expect(await checkOut.innerText()).toMatch(/Follow-up booked for/);
        // The follow-up is a booked Appointment of the patient, 3 months on: check-out offers a week either side
        // of the 90 days asked for (83 to 97 days; a day more each way for the clinic's local dates).
        const followUp = await fhirGet<Appointment>(`Appointment/${answer.appointment?.id ?? 'missing'}`);
        expect(followUp.status).toBe('booked');
        expect(Date.parse(followUp.start ?? '')).toBe(Date.parse(sent.followUp?.start ?? ''));
        expect(followUp.participant.some((p) => p.actor?.reference === `Patient/${PATIENT_ID}`)).toBe(true);
        const daysOn = (Date.parse(followUp.start ?? '') - Date.now()) / 86_400_000;
        expect(daysOn).toBeGreaterThan(82);
        expect(daysOn).toBeLessThan(98);
        const summary = await b.context.request.get(
          (await checkOut.getByRole('link', { name: /Print visit summary/ }).getAttribute('href')) ?? ''
        );
        expect(summary.status()).toBe(200);
        expect((await summary.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
        await checkOut.getByRole('button', { name: 'Done' }).click();

        // Off the front desk's board (finished visits are hidden); on the MA's, checked out.
        await expect.poll(() => rowOf(page, appointmentId).count(), { timeout: 10_000 }).toBe(0);
        await expectStatus(ma, appointmentId, 'Checked out', LIVE_MS);

        // The room waits to be cleaned, on both boards.
        for (const board of [page, ma]) {
          await board.getByRole('tab', { name: 'Rooms' }).click();
          const room = board.getByRole('listitem', { name: `Room ${roomName}` });
          await expect.poll(() => room.innerText(), { timeout: LIVE_MS }).toMatch(/Needs cleaning/);
        }
        await expectAccessible(ma, 'the rooms');
        await ma
          .getByRole('listitem', { name: `Room ${roomName}` })
          .getByRole('button', { name: 'Mark clean' })
          .click();
        await expect
          .poll(() => page.getByRole('listitem', { name: `Room ${roomName}` }).innerText(), {
            timeout: LIVE_MS,
          })
          .toMatch(/Free/);
      } finally {
        await watcher?.close();
      }
    }
  );

  it('shows a wall display with first names and last initials only', async () => {
    await useSessionOf(b.context, DEMO_USERS.ma);
    await openBoard(b.page);
    await b.page.getByRole('button', { name: 'Wall display' }).click();
    const wall = b.page.getByRole('region', { name: 'Flow board wall display' });
    await wall.waitFor({ timeout: 10_000 });
    expect(new URL(b.page.url()).searchParams.get('wall')).toBe('1');
    // No full name of a patient in clinic, and no date of birth: first name and last initial only.
    const site = await defaultSite();
    const board = await api<{ rows: { status: string; patient: { name: string } | null }[] }>(
      await apiSession(DEMO_USERS.ma),
      'GET',
      `/api/flow/board?location=${site.id ?? ''}`
    );
    const text = await wall.innerText();
    for (const row of board.rows) {
      const words = row.patient?.name.split(' ') ?? [];
      if (words.length < 2 || ['scheduled', 'checked-out', 'no-show'].includes(row.status)) continue;
      expect(text).not.toContain(row.patient?.name);
      expect(text).toContain(`${words[0]} ${words.at(-1)?.charAt(0)}.`);
    }
    expect(text).not.toMatch(/\d{2}\/\d{2}\/\d{4}/);
    await expectAccessible(b.page, 'the wall display');
    await b.page.getByRole('button', { name: 'Exit wall display' }).click();
    await b.page.getByRole('heading', { level: 1, name: /^Flow board/ }).waitFor();
  });
});
