/**
 * Procedure consent, procedure assistance and wound care on the rooming screen (issue 6 items 8 and 9): an MA
 * opens a checked-in procedure visit, records a consent signed on two pads (patient and witness) and prints it,
 * records the procedure with a supply, documents a wound with a photo, measures it again and sees the change in
 * area (20 x 10 mm = 200 mm2, then 15 x 8 mm = 120 mm2: -40 %).
 *
 * The visit is booked (lead MA, overbooked so the test runs at any hour) and checked in (front desk) through
 * the API; demo patients 200-219 are this file's.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Bundle, Media, Patient } from '@medplum/fhirtypes';
import type { AxeResults } from 'axe-core';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { fhirGet, matches, useBrowser, awayFromClinicMidnight, MIDNIGHT_WAIT_MS } from './helpers.js';
import { DEMO_USERS, useSessionOf } from './signIn.js';
import { api, apiSession, defaultSite } from './apiSession.js';

/** Books a procedure visit now (overbooked by the lead MA) and checks it in (front desk); the Encounter id. */
async function checkedInProcedureVisit(patient: Patient): Promise<string> {
  const site = await defaultSite();
  const leadMa = await apiSession(DEMO_USERS.leadMa);
  const setup = await api<{
    timeZone: string;
    schedules: { id: string; practitioner?: unknown; nurseLine: boolean }[];
  }>(leadMa, 'GET', `/api/schedule/setup?location=${site.id ?? ''}`);
  const schedule = setup.schedules.find((s) => s.practitioner && !s.nurseLine);
  if (!schedule) throw new Error('the site has no provider schedule');
  const now = Date.now();
  const rounded = new Date(Math.ceil(now / 300_000) * 300_000);
  const dayOf = (when: Date) => when.toLocaleDateString('en-CA', { timeZone: setup.timeZone });
  const start =
    dayOf(rounded) === dayOf(new Date(now)) ? rounded : new Date(Math.floor(now / 60_000) * 60_000);
  const appointment = await api<{ id: string }>(leadMa, 'POST', '/api/schedule/appointments', {
    patientId: patient.id,
    visitType: 'procedure',
    scheduleId: schedule.id,
    start: start.toISOString(),
    reason: 'Procedures e2e',
    overbook: { reason: 'End-to-end test of procedures and wounds' },
  });
  const name = patient.name?.find((n) => n.use === 'official') ?? patient.name?.[0];
  const desk = await apiSession(DEMO_USERS.frontDesk);
  const checkedIn = await api<{ encounter: { id: string } }>(desk, 'POST', '/api/flow/check-in', {
    appointmentId: appointment.id,
    identity: {
      name: `${(name?.given ?? []).join(' ')} ${name?.family ?? ''}`,
      birthDate: patient.birthDate,
    },
    demographicsVerified: true,
  });
  return checkedIn.encounter.id;
}

/** A greyscale PNG built by hand (RFC 2083), for the wound photo; `noisy` makes it big (noise does not compress). */
function photoPng(w = 64, h = 48, noisy = false): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.concat(
    Array.from({ length: h }, (_, y) =>
      Buffer.from([
        0,
        ...Array.from({ length: w }, (_, x) =>
          noisy ? Math.floor(Math.random() * 256) : (x * 3 + y * 2) % 256
        ),
      ])
    )
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function sign(page: Page, pad: Locator): Promise<void> {
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('the signature pad has no box');
  await page.mouse.move(box.x + 30, box.y + box.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) {
    await page.mouse.move(box.x + 30 + i * 12, box.y + box.height * (0.5 + 0.25 * Math.sin(i / 2)));
  }
  await page.mouse.up();
}

async function choose(page: Page, scope: Locator, label: RegExp, option: string): Promise<void> {
  const box = scope.getByRole('combobox', { name: label });
  await box.click();
  const wanted = page.getByRole('option', { name: option, exact: true });
  try {
    await wanted.waitFor({ timeout: 3000 });
  } catch {
    // The dropdown did not open on the click (the list was still loading): typing opens and filters it.
    await box.pressSequentially(option.slice(0, 4));
  }
  await wanted.click();
}

/**
 * axe-core on this part's sections only (the rest of the rooming screen belongs to other parts, which check
 * their own): serious and critical violations, soft like helpers.ts expectAccessible.
 */
async function expectSectionAccessible(page: Page, selector: string, label: string): Promise<void> {
  await page.evaluate(fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const results = await page.evaluate(
    (sel) =>
      (window as unknown as { axe: { run: (context: unknown) => Promise<AxeResults> } }).axe.run(
        document.querySelector(sel)
      ),
    selector
  );
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect.soft(serious, `axe violations on ${label}`).toEqual([]);
}

// Visits are booked for the clinic's today: never start one in the last minutes before its midnight.
beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

describe('procedure consent, assistance and wounds on the rooming screen', () => {
  const b = useBrowser({ viewport: { width: 1440, height: 1100 } });

  it(
    'consent signed on two pads and printed, procedure with a supply, a wound measured twice (-40 %)',
    { timeout: 240_000 },
    async () => {
      const patient = await fhirGet<Patient>('Patient/demo-pat-0200');
      const encounterId = await checkedInProcedureVisit(patient);
      await useSessionOf(b.context, DEMO_USERS.ma);
      const page = b.page;

      await page.goto(`/rooming/${encounterId}`);

      // Consent.
      const consent = page.getByRole('form', { name: 'Procedure consent' });
      await consent.waitFor({ timeout: 20_000 });
      await choose(page, consent, /^Procedure/, 'Biopsy of skin');
      await consent
        .getByRole('textbox', { name: /^Risks explained/ })
        .fill('Bleeding, infection, a small scar');
      await consent.getByRole('textbox', { name: /^Benefits explained/ }).fill('A diagnosis of the lesion');
      await consent.getByRole('textbox', { name: /^Alternatives explained/ }).fill('Watching the lesion');
      await consent.getByRole('textbox', { name: /^Witness name/ }).fill('Luis Ortega');
      const pads = consent.getByTestId('signature-pad');
      await sign(page, pads.nth(0));
      await sign(page, pads.nth(1));
      await consent.getByRole('button', { name: 'Record consent' }).click();
      const print = page.getByRole('button', { name: 'Print consent', exact: true });
      await print.waitFor({ timeout: 15_000 });
      const list = page.getByRole('table', { name: 'Consents for this visit' });
      await list.getByText('Consented').waitFor({ timeout: 10_000 });
      // The printed form is a PDF (opened in a new tab: fetched here with the page's session).
      const pdf = await page.evaluate(async (id) => {
        const consents = (await (await fetch(`/api/rooming/encounters/${id}/consents`)).json()) as {
          consents: { pdfUrl: string }[];
        };
        const res = await fetch(consents.consents[0].pdfUrl);
        const bytes = new Uint8Array(await res.arrayBuffer());
        return { type: res.headers.get('content-type'), head: String.fromCharCode(...bytes.slice(0, 5)) };
      }, encounterId);
      expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
      await expectSectionAccessible(page, '#rooming-consent', 'the consent section');

      // Procedure assistance with a supply, under the consent.
      const assist = page.getByRole('form', { name: 'Procedure assistance' });
      await choose(page, assist, /^Procedure done/, 'Biopsy of skin');
      await choose(page, assist, /^Under consent/, 'Biopsy of skin');
      await assist.getByRole('textbox', { name: 'Supply 1', exact: true }).fill('Punch biopsy tool 4 mm');
      await assist.getByRole('button', { name: 'Save procedure' }).click();
      await assist
        .getByRole('status')
        .filter({ hasText: 'recorded, you as assistant' })
        .waitFor({ timeout: 10_000 });

      // A wound with a photo, then measured again.
      const wound = page.getByRole('form', { name: 'Wound documentation' });
      await choose(page, wound, /^Body site/, 'Lower leg');
      await wound.getByRole('textbox', { name: /^Length \(mm\)/ }).fill('20');
      await wound.getByRole('textbox', { name: /^Width \(mm\)/ }).fill('10');
      await wound.getByText('Area 200 mm²').waitFor();
      await wound.getByRole('textbox', { name: /^Appearance/ }).fill('Red granulation');
      await wound
        .locator('input[type="file"]')
        .setInputFiles({ name: 'wound.png', mimeType: 'image/png', buffer: photoPng() });
      await wound.getByRole('img', { name: /Photo to upload 1/ }).waitFor({ timeout: 10_000 });
      await wound.getByRole('button', { name: 'Save wound' }).click();
      const history = page.getByRole('table', { name: /^Wound history/ });
      await history.waitFor({ timeout: 15_000 });
      // Follow the same wound: its entry names the body site.
      await wound.getByRole('combobox', { name: /^Wound$/ }).click();
      await page.getByRole('option', { name: /^Lower leg/ }).click();
      await wound.getByRole('textbox', { name: /^Length \(mm\)/ }).fill('15');
      await wound.getByRole('textbox', { name: /^Width \(mm\)/ }).fill('8');
      // A photo too big to store as picked (1400 x 1000 of noise: about 1.4 MB): the screen shrinks it to a JPEG.
      const big = photoPng(1400, 1000, true);
      expect(big.length).toBeGreaterThan(768 * 1024);
      await wound
        .locator('input[type="file"]')
        .setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: big });
      await wound.getByRole('img', { name: /Photo to upload 1/ }).waitFor({ timeout: 20_000 });
      await wound.getByRole('button', { name: 'Save wound' }).click();
      await expect
        .poll(async () => (await history.getByRole('row').count()) - 1, { timeout: 15_000 })
        .toBe(2);
      expect(await history.getByLabel('Change since previous: −40%').count()).toBe(1);
      // One photo per measurement, side by side; the second was sent as a JPEG under 768 KB.
      expect(await page.getByRole('img', { name: /^Wound photo 1/ }).count()).toBe(2);
      const media = matches<Media>(
        await fhirGet<Bundle>(`Media?encounter=Encounter/${encounterId}&_count=10`)
      );
      expect(media.map((m) => m.content.contentType).sort()).toEqual(['image/jpeg', 'image/png']);
      const jpegSize = media.find((m) => m.content.contentType === 'image/jpeg')?.content.size ?? 0;
      expect(jpegSize).toBeGreaterThan(0);
      expect(jpegSize).toBeLessThanOrEqual(768 * 1024);
      await expectSectionAccessible(page, '#rooming-procedure', 'the procedure and wound section');
      await page.getByRole('heading', { name: 'Wound history', exact: true }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.resolve('artifacts/e2e/rooming-procedures.png'), fullPage: true });
      await page
        .locator('#rooming-procedure')
        .screenshot({ path: path.resolve('artifacts/e2e/rooming-procedures-wounds.png') });
      await page
        .locator('#rooming-consent')
        .screenshot({ path: path.resolve('artifacts/e2e/rooming-procedures-consent.png') });
    }
  );
});
