/**
 * The schedule (issue 5), as the front desk uses it: the day view shows a column per schedule at the site;
 * a follow-up is booked for a demo patient through the booking dialog (patient chosen by MRN and confirmed by
 * name and date of birth, "Find times", a slot chosen), shows on the calendar, is moved by dragging its card to
 * another free time (and confirming), and is cancelled with a reason. Screenshots: artifacts/e2e/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Appointment, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { expectAccessible, fhirGet, useBrowser } from './helpers.js';
import { DEMO_USERS, useSessionOf } from './signIn.js';

/** A demo patient no other e2e file uses (they use 4, 9, 16, 22, 27, 263 and 314): MRN RB + (100000 + 7 * 277). */
const PATIENT_ID = 'demo-pat-0277';
const PATIENT_MRN = 'RB101939';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/e2e');

/** `date` + `days`, both YYYY-MM-DD. */
function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A weekday 9 to 11 days ahead of the browser's (the same machine's) today: open, and far from other tests. */
function bookingDay(): string {
  const now = new Date();
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  let day = addDays(today, 9);
  while ([0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay())) day = addDays(day, 1);
  return day;
}

/** MM/DD/YYYY, as the screens write dates. */
function usDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${m}/${d}/${y}`;
}

describe('schedule', () => {
  const b = useBrowser({ viewport: { width: 1440, height: 900 } });

  it('books a follow-up through the dialog, moves it by drag and drop, and cancels it with a reason', async () => {
    const patient = await fhirGet<Patient>(`Patient/${PATIENT_ID}`);
    const birthDate = patient.birthDate ?? '';
    const family = patient.name?.[0]?.family ?? '';
    expect(family, 'the demo patient has a family name').not.toBe('');
    const day = bookingDay();

    await useSessionOf(b.context, DEMO_USERS.frontDesk);
    await b.page.goto('/schedule');
    const page = b.page;
    const grid = page.getByRole('group', { name: /^Schedule for / });
    await grid.waitFor({ state: 'visible', timeout: 15_000 });

    // Several columns side by side: the providers at the site and the nurse line.
    const columns = grid.getByRole('group');
    await expect.poll(() => columns.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const columnNames = await columns.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    expect(columnNames.some((name) => /nurse/i.test(name ?? ''))).toBe(true);
    await expectAccessible(page, 'the day schedule');

    // Book: the patient by MRN, confirmed by name and date of birth; a follow-up on `day`, in the afternoon.
    await page.getByRole('button', { name: 'Book appointment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.getByRole('combobox', { name: /^Patient/ }).fill(PATIENT_MRN);
    await page.getByRole('option').filter({ hasText: PATIENT_MRN }).click();
    const chosen = dialog.getByRole('group', { name: 'Chosen patient' });
    await expect.poll(() => chosen.innerText()).toContain(family);
    expect(await chosen.innerText()).toContain(usDate(birthDate));
    expect(await dialog.getByRole('combobox', { name: /^Visit type/ }).inputValue()).toMatch(/^Follow-up/);
    await dialog.getByLabel(/^From/).fill(day);
    await dialog.getByLabel(/^To/).fill(day);
    await dialog.getByText('Afternoon', { exact: true }).click();
    await expectAccessible(page, 'the booking dialog');
    const found = page.waitForResponse((r) => r.url().endsWith('/api/schedule/find'));
    await dialog.getByRole('button', { name: 'Find times' }).click();
    expect((await found).status()).toBe(200);
    const slots = dialog.getByRole('region', { name: 'Free times' }).getByRole('button');
    await slots.first().waitFor({ state: 'visible', timeout: 10_000 });
    // The last free time of the afternoon: the least likely to be taken by anyone else.
    const slot = slots.last();
    const slotName = (await slot.getAttribute('aria-label')) ?? '';
    expect(slotName).toMatch(/^Book \w{3} \d{2}\/\d{2} \d{1,2}:\d{2} PM with /);
    const booked = page.waitForResponse(
      (r) => r.url().endsWith('/api/schedule/appointments') && r.request().method() === 'POST'
    );
    await slot.click();
    const bookResponse = await booked;
    expect(bookResponse.status()).toBe(201);
    const appointment = (await bookResponse.json()) as Appointment;
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await expect
      .poll(() => page.getByRole('status', { name: 'Schedule messages' }).innerText())
      .toMatch(/^Booked /);

    // It shows on the calendar of that day.
    await page.getByLabel('Date', { exact: true }).fill(day);
    await page
      .getByRole('heading', { level: 2 })
      .filter({ hasText: usDate(day) })
      .waitFor();
    const card = page.locator(`[data-visit-id="${appointment.id ?? ''}"]`);
    await card.waitFor({ state: 'visible', timeout: 10_000 });
    const slotTime = /(\d{1,2}:\d{2} PM)/.exec(slotName)?.[1] ?? '';
    const cardText = async () => (await card.innerText()).replace(/\s+/g, ' ').trim();
    // The card's text (what a screen reader reads): times, patient, date of birth, visit type, status.
    expect(await cardText()).toMatch(new RegExp(`^${slotTime} to .*Follow-up · Booked$`));
    expect(await cardText()).toContain(`born ${usDate(birthDate)}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'schedule-day.png'), fullPage: true });

    // Move it by dragging the card to a free time at least an hour earlier in the same column.
    const target = await card.evaluate((el) => {
      const column = el.parentElement;
      const cards = [...(column?.querySelectorAll('[data-testid="visit-card"]') ?? [])];
      const cells = [...(column?.querySelectorAll<HTMLButtonElement>('button.schedule-cell') ?? [])];
      const free = (cell: Element | undefined): boolean => {
        if (!cell) return false;
        const r = cell.getBoundingClientRect();
        return !cards.some((c) => {
          const o = c.getBoundingClientRect();
          return o.top < r.bottom - 1 && r.top < o.bottom - 1;
        });
      };
      const mine = el.getBoundingClientRect();
      // Two free rows in a row (a 20-minute visit), ending at least an hour before the card.
      for (let i = cells.length - 2; i >= 0; i--) {
        const here = cells[i];
        const next = cells[i + 1];
        const gap = mine.top - here.getBoundingClientRect().top;
        if (gap < 6 * 22 + 1) continue;
        const [, row] = (here.dataset.cell ?? '').split(':').map(Number);
        const [, nextRow] = (next.dataset.cell ?? '').split(':').map(Number);
        if (nextRow === row + 1 && free(here) && free(next)) return here.getAttribute('aria-label');
      }
      return null;
    });
    expect(target, 'a free time an hour before the visit').not.toBeNull();
    const targetTime = /^Book (\d{1,2}:\d{2} [AP]M),/.exec(target ?? '')?.[1] ?? '';
    await card.scrollIntoViewIfNeeded();
    await card.dragTo(page.getByRole('button', { name: target ?? '', exact: true }));
    const confirm = page.getByRole('dialog', { name: 'Move the appointment?' });
    await confirm.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await confirm.innerText()).toContain(targetTime);
    const moved = page.waitForResponse((r) => r.url().endsWith('/reschedule'));
    await confirm.getByRole('button', { name: 'Move appointment' }).click();
    expect((await moved).status()).toBe(200);
    await confirm.waitFor({ state: 'hidden', timeout: 10_000 });
    await expect.poll(cardText, { timeout: 10_000 }).toMatch(new RegExp(`^${targetTime} to `));
    const afterMove = await fhirGet<Appointment>(`Appointment/${appointment.id ?? ''}`);
    expect(Date.parse(afterMove.start ?? '')).toBeLessThan(Date.parse(appointment.start ?? ''));

    // Cancel it with a reason.
    await card.click();
    await page.getByRole('menuitem', { name: /^Cancel appointment/ }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel the appointment' });
    await cancel.getByRole('button', { name: 'Cancel appointment' }).click();
    // The reason is required: nothing is sent without it.
    await expect.poll(() => cancel.innerText()).toContain('Say why the appointment is cancelled.');
    await cancel.getByRole('textbox', { name: /^Reason/ }).fill('Patient feels better (e2e)');
    const cancelled = page.waitForResponse((r) => r.url().endsWith('/cancel'));
    await cancel.getByRole('button', { name: 'Cancel appointment' }).click();
    expect((await cancelled).status()).toBe(200);
    const offers = page.getByRole('dialog', { name: 'Offer the freed time' });
    await Promise.race([
      cancel.waitFor({ state: 'hidden', timeout: 10_000 }),
      offers.waitFor({ state: 'visible', timeout: 10_000 }),
    ]);
    if (await offers.isVisible()) await offers.getByRole('button', { name: 'Done' }).click();
    await card.waitFor({ state: 'detached', timeout: 10_000 });
    const after = await fhirGet<Appointment>(`Appointment/${appointment.id ?? ''}`);
    expect(after.status).toBe('cancelled');
    await expectAccessible(page, 'the day schedule after the changes');
  }, 180_000);

  it('starts a booking at an open time from the keyboard, waitlists the patient instead, and shows a week of one schedule', async () => {
    const day = bookingDay();
    await useSessionOf(b.context, DEMO_USERS.frontDesk);
    const page = b.page;
    await page.goto('/schedule');
    await page.getByRole('group', { name: /^Schedule for / }).waitFor({ timeout: 15_000 });
    await page.getByLabel('Date', { exact: true }).fill(day);
    await page
      .getByRole('heading', { level: 2 })
      .filter({ hasText: usDate(day) })
      .waitFor();

    // One tab stop for the open cells; the arrow keys move between them; Enter opens the booking there.
    const stop = page.locator('button.schedule-cell[tabindex="0"]');
    await expect.poll(() => stop.count(), { timeout: 10_000 }).toBe(1);
    await stop.focus();
    const first = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    expect(first).toMatch(/^Book \d{1,2}:\d{2} [AP]M, /);
    expect(second).toMatch(/^Book \d{1,2}:\d{2} [AP]M, /);
    expect(second).not.toBe(first);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.waitFor({ state: 'visible' });
    const time = /^Book (\d{1,2}:\d{2} [AP]M), /.exec(second ?? '')?.[1] ?? '';
    expect(await dialog.innerText()).toMatch(new RegExp(`Chosen time: \\w{3} \\d{2}/\\d{2} ${time}`));

    // Nothing suits the patient at that time: the waitlist instead, for that day only.
    const patient = await fhirGet<Patient>(`Patient/${PATIENT_ID}`);
    const family = patient.name?.[0]?.family ?? '';
    await dialog.getByRole('combobox', { name: /^Patient/ }).fill(PATIENT_MRN);
    await page.getByRole('option').filter({ hasText: PATIENT_MRN }).click();
    await dialog.getByLabel(/^To/).fill(day);
    await dialog.getByRole('button', { name: 'Find times' }).click();
    await dialog.getByRole('button', { name: 'Add to waitlist' }).waitFor();
    await expect.poll(() => dialog.getByRole('button', { name: 'Add to waitlist' }).isEnabled()).toBe(true);
    const listed = page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/api/schedule/waitlist')
    );
    await dialog.getByRole('button', { name: 'Add to waitlist' }).click();
    expect(JSON.parse((await listed).postData() ?? '{}')).toMatchObject({
      patientId: PATIENT_ID,
      visitType: expect.any(String) as string,
      from: day,
      to: day,
      timeOfDay: 'any',
    });
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await expect
      .poll(() => page.getByRole('status', { name: 'Schedule messages' }).innerText())
      .toMatch(/^Added .* to the waitlist/);
    const waitlist = page.getByRole('region', { name: 'Waitlist' });
    await expect.poll(() => waitlist.innerText(), { timeout: 10_000 }).toContain(family);

    // The week of the first provider: seven day columns.
    await page.getByText('Week', { exact: true }).click();
    const week = page.getByRole('group', { name: /^Schedule, Week of / });
    await week.waitFor({ timeout: 15_000 });
    await expect.poll(() => week.getByRole('group').count(), { timeout: 10_000 }).toBe(7);
    await expectAccessible(page, 'the week schedule');
  }, 120_000);
});
