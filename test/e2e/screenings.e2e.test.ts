/**
 * Screenings on the rooming screen (issue 6 item 6): an MA opens a checked-in visit's rooming screen,
 * completes a positive PHQ-2 through the panel (radio groups named by the question), sees the live score and
 * the PHQ-9 open, completes the PHQ-9 with item 9 above 0, and sees the urgent alert; the provider has one
 * urgent and one routine notice (read back through the FHIR API).
 *
 * The visit is booked (lead MA, overbooked so the test runs at any hour) and checked in (front desk) through
 * the API; demo patients 180-199 are this file's.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Bundle, Communication, Patient } from '@medplum/fhirtypes';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { fhirGet, matches, useBrowser, awayFromClinicMidnight, MIDNIGHT_WAIT_MS } from './helpers.js';
import { DEMO_USERS, useSessionOf } from './signIn.js';
import { api, apiSession, defaultSite } from './apiSession.js';

/** The first of this file's demo patients (180-199) aged 18-64: PHQ-2 and GAD-7 are due for them. */
async function adultPatient(): Promise<Patient> {
  for (let n = 180; n <= 199; n++) {
    const patient = await fhirGet<Patient>(`Patient/demo-pat-${String(n).padStart(4, '0')}`);
    const age = (Date.now() - Date.parse(patient.birthDate ?? '')) / (365.25 * 86_400_000);
    if (age >= 19 && age < 64) return patient;
  }
  throw new Error('no adult among demo patients 180-199');
}

/** Books a follow-up now (overbooked by the lead MA) and checks it in (front desk); the Encounter id. */
async function checkedInVisit(patient: Patient): Promise<string> {
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
    visitType: 'follow-up',
    scheduleId: schedule.id,
    start: start.toISOString(),
    reason: 'Screenings e2e',
    overbook: { reason: 'End-to-end test of the screenings' },
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

/**
 * axe-core on the screenings panel only (the rooming screen around it belongs to other parts, which check
 * their own): serious and critical violations, soft like helpers.ts expectAccessible.
 */
async function expectPanelAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: unknown) => Promise<AxeResults> } }).axe.run(
      document.querySelector('[data-testid="screenings-panel"]')
    )
  );
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect.soft(serious, `axe violations on ${label}`).toEqual([]);
}

// Visits are booked for the clinic's today: never start one in the last minutes before its midnight.
beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

describe('screenings on the rooming screen', () => {
  const b = useBrowser({ viewport: { width: 1440, height: 1000 } });

  it(
    'a positive PHQ-2 opens the PHQ-9; PHQ-9 item 9 sends an urgent notice',
    { timeout: 180_000 },
    async () => {
      const patient = await adultPatient();
      const encounterId = await checkedInVisit(patient);
      await useSessionOf(b.context, DEMO_USERS.ma);
      const page = b.page;
      await page.goto(`/rooming/${encounterId}`);

      const phq2 = page.getByRole('region', { name: 'PHQ-2' });
      await phq2.waitFor({ timeout: 20_000 });
      const save2 = phq2.getByRole('button', { name: 'Save PHQ-2' });
      expect(await save2.isDisabled()).toBe(true);
      await phq2
        .getByRole('radiogroup', { name: /Little interest or pleasure in doing things/ })
        .getByRole('radio', { name: 'Several days' })
        .check();
      await phq2
        .getByRole('radiogroup', { name: /Feeling down, depressed, or hopeless/ })
        .getByRole('radio', { name: 'Nearly every day' })
        .check();
      // Several days (1) + Nearly every day (3) = 4 of 6.
      await expect.poll(() => phq2.getByText(/^Score \d+ of 6$/).innerText()).toBe('Score 4 of 6');
      await expectPanelAccessible(page, 'the screenings panel');
      await save2.click();

      await page.getByTestId('screening-result-phq-2').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('screening-result-phq-2').innerText()).toBe('4 of 6, positive');
      const phq9 = page.getByRole('region', { name: 'PHQ-9' });
      await phq9.waitFor({ timeout: 10_000 });
      const groups = phq9.getByRole('radiogroup');
      expect(await groups.count()).toBe(10);
      // Items 1-8 "Not at all" (0), item 9 "Several days" (1): total 1, but item 9 > 0 is urgent.
      for (let i = 0; i < 8; i++) await groups.nth(i).getByRole('radio', { name: 'Not at all' }).check();
      await phq9
        .getByRole('radiogroup', { name: /Thoughts that you would be better off dead/ })
        .getByRole('radio', { name: 'Several days' })
        .check();
      await phq9.getByRole('button', { name: 'Save PHQ-9' }).click();
      await page.getByRole('alert').filter({ hasText: 'urgent notice' }).waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('screening-result-phq-9').innerText()).toBe('1 of 27, none-minimal');
      await expectPanelAccessible(page, 'the screenings panel with results and the urgent alert');

      const notices = matches<Communication>(
        await fhirGet<Bundle>(`Communication?encounter=Encounter/${encounterId}&_count=50`)
      ).filter((c) => c.category?.[0]?.coding?.[0]?.code === 'positive-screening');
      expect(notices.map((n) => n.priority).sort()).toEqual(['routine', 'urgent']);
      // Their words name no instrument (the front desk reads messages): which screening is in `about`.
      expect(notices.map((n) => n.payload?.[0]?.contentString).sort()).toEqual([
        'A screening needs your attention now: please see the patient before they leave',
        'A screening needs your review',
      ]);
      for (const n of notices) {
        expect(n.about?.map((r) => r.reference?.split('/')[0]).sort()).toEqual([
          'Observation',
          'QuestionnaireResponse',
        ]);
      }
    }
  );
});
