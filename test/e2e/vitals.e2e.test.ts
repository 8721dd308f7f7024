/**
 * Vital-sign entry on the rooming screen (issue 6 items 2 and 3), for demo patients 120-129 only: an impossible
 * blood pressure is refused next to its field with nothing saved; a full imperial set is saved with BMI shown
 * and a critical blood pressure flagged (banner, HH badge); a weight far from the last one asks for
 * confirmation and saves once confirmed. The visits are two past Encounters of one demo adult (the rooming
 * screen opens any visit by its Encounter id); the "last weight" is set first through the API on the older one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, Encounter, Patient } from '@medplum/fhirtypes';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  ORIGIN,
  SESSION_COOKIE,
  fhirGet,
  matches,
  useBrowser,
  awayFromClinicMidnight,
  MIDNIGHT_WAIT_MS,
} from './helpers.js';
import { DEMO_USERS, openAs } from './signIn.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/e2e');

async function maApi(): Promise<(url: string, body: unknown) => Promise<Response>> {
  const response = await fetch(`${ORIGIN}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username: DEMO_USERS.ma, password: DEMO_PASSWORD }),
  });
  const body = (await response.json()) as { session?: { csrfToken?: string } };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie || !body.session?.csrfToken) throw new Error(`MA sign-in answered ${response.status}`);
  const csrf = body.session.csrfToken;
  return (url, payload) =>
    fetch(`${ORIGIN}${url}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        cookie,
        'x-csrf-token': csrf,
      },
      body: JSON.stringify(payload),
    });
}

function years(birthDate: string | undefined): number {
  return birthDate ? (Date.now() - Date.parse(birthDate)) / (365.25 * 86_400_000) : 0;
}

/** The first open adult chart among demo patients 120-129 with two visits: [newer, older] Encounter ids. */
async function choose(): Promise<{ patient: Patient; encounters: [string, string] }> {
  for (let n = 120; n <= 129; n++) {
    const id = `demo-pat-${String(n).padStart(4, '0')}`;
    const patient = await fhirGet<Patient>(`Patient/${id}`).catch(() => undefined);
    if (!patient) continue;
    const restricted = (patient.meta?.security ?? []).some((s) => s.code === 'R' || s.code === 'V');
    if (restricted || patient.active === false || years(patient.birthDate) < 18) continue;
    const encounters = matches<Encounter>(
      await fhirGet<Bundle>(`Encounter?subject=Patient/${id}&_sort=-date&_count=2`)
    );
    if (encounters.length === 2) return { patient, encounters: [encounters[0].id!, encounters[1].id!] };
  }
  throw new Error('no adult demo patient with two visits among 120-129');
}

function vitalsSection(page: Page): Locator {
  return page.getByRole('region', { name: 'Vital signs and pain', exact: true });
}

// Visits are booked for the clinic's today: never start one in the last minutes before its midnight.
beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

describe('vital signs on the rooming screen', () => {
  const b = useBrowser({ viewport: { width: 1400, height: 1000 } });

  it('refuses an impossible BP at its field, saves a full imperial set with BMI and a critical flag, and confirms a weight change', async () => {
    const { encounters } = await choose();
    const [visit, older] = encounters;
    // The last weight: 68 kg at the older visit, now (the weight-change rule compares with it).
    const post = await maApi();
    const last = await post(`/api/rooming/encounters/${older}/vitals`, { weight: { kg: 68 } });
    expect(last.status, await last.text()).toBe(201);

    const page = b.page;
    await openAs(page, DEMO_USERS.ma, `/rooming/${visit}`);
    const vitals = vitalsSection(page);
    await vitals.getByRole('button', { name: 'Save vitals' }).waitFor({ timeout: 20_000 });
    await vitals
      .getByRole('table', { name: 'Vital signs taken at this visit' })
      .or(vitals.getByText('No vital signs taken at this visit yet.'))
      .waitFor({ timeout: 15_000 });
    const rowsBefore = await vitals.getByRole('row').count();

    // Systolic below diastolic: 422 shown next to Systolic; nothing saved.
    await vitals.getByRole('textbox', { name: 'Systolic' }).fill('80');
    await vitals.getByRole('textbox', { name: 'Diastolic' }).fill('120');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    await vitals.getByText(/must be higher than diastolic/).waitFor({ timeout: 15_000 });
    expect(await vitals.getByRole('row').count()).toBe(rowsBefore);

    // On supplemental O2 ticked with no flow: refused at the flow field before sending (it once went out
    // without the flow and was charted "On room air"); nothing saved.
    await vitals.getByRole('textbox', { name: 'Systolic' }).fill('');
    await vitals.getByRole('textbox', { name: 'Diastolic' }).fill('');
    await vitals.getByRole('textbox', { name: 'Oxygen saturation' }).fill('91');
    await vitals.getByRole('checkbox', { name: 'On supplemental O2' }).check();
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    await vitals.getByText(/Enter the O2 flow \(L\/min\)/).waitFor({ timeout: 15_000 });
    expect(await vitals.getByRole('row').count()).toBe(rowsBefore);
    await vitals.getByRole('checkbox', { name: 'On supplemental O2' }).uncheck();

    // A full imperial set with a critical BP (184/122 >= 180/120).
    await vitals.getByRole('textbox', { name: 'Systolic' }).fill('184');
    await vitals.getByRole('textbox', { name: 'Diastolic' }).fill('122');
    await vitals.getByRole('textbox', { name: 'Heart rate' }).fill('78');
    await vitals.getByRole('textbox', { name: 'Respiratory rate' }).fill('16');
    await vitals.getByRole('textbox', { name: 'Temperature' }).fill('98.6');
    await vitals.getByRole('textbox', { name: 'Oxygen saturation' }).fill('97');
    await vitals.getByRole('textbox', { name: 'Height (ft)' }).fill('5');
    await vitals.getByRole('textbox', { name: 'Height (in)' }).fill('7');
    await vitals.getByRole('textbox', { name: 'Weight (lb)' }).fill('150');
    await vitals.getByRole('textbox', { name: 'Pain (0-10)' }).fill('2');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    // 5 ft 7 in = 1.7018 m; 150 lb = 68.0389 kg (+0.06% from 68 kg: no question); BMI 68.0389 / 1.7018^2 = 23.5.
    await vitals.getByText('BMI 23.5 kg/m²').waitFor({ timeout: 15_000 });
    await vitals.getByText('Repeat the reading; the provider has been notified.').waitFor();
    // SpO2 unticked: saved as room air, and shown so.
    await vitals
      .getByTestId('vital-oxygenSaturation')
      .filter({ hasText: '97 % on room air' })
      .first()
      .waitFor({ timeout: 15_000 });
    // (The visit is a past demo visit: its own readings are listed too.)
    const bpRow = vitals.getByTestId('vital-bloodPressure').filter({ hasText: '184/122 mmHg' });
    await bpRow.getByText('HH · Critical high').waitFor({ timeout: 15_000 });
    await vitals.getByTestId('vital-weight').filter({ hasText: '68.0389 kg (entered 150 lb)' }).waitFor();
    await vitals.getByTestId('vital-temperature').filter({ hasText: '37 °C (entered 98.6 °F)' }).waitFor();
    await vitals.getByTestId('vital-bmi').filter({ hasText: '23.5 kg/m²' }).waitFor();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await vitals.screenshot({ path: path.join(ARTIFACTS, 'vitals-panel.png') });
    // (axe runs on the whole rooming screen in the rooming journey, rooming.e2e.test.ts.)

    // The repeat, still critical the same way (HH) while the provider has not acknowledged: no second notice,
    // and the banner says so instead of "has been notified".
    await vitals.getByRole('textbox', { name: 'Systolic' }).fill('182');
    await vitals.getByRole('textbox', { name: 'Diastolic' }).fill('121');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    await vitals
      .getByText(/the provider was already notified \(open notice, not yet acknowledged\)/)
      .waitFor({
        timeout: 15_000,
      });
    expect(await vitals.getByText('Repeat the reading; the provider has been notified.').count()).toBe(0);

    // Metric: 150 kg typed (the lb number in the kg field): (150 - 68) / 68 = +120.6% -> "+121%" -> the question; confirmed -> saved.
    await vitals.getByText('Metric (cm, kg, °C)').click();
    await vitals.getByRole('textbox', { name: 'Weight (kg)' }).fill('150');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    const dialog = page.getByRole('dialog', { name: 'Check the weight' });
    await dialog.getByText(/\+121% from the last weight/).waitFor({ timeout: 15_000 });
    await dialog.getByRole('button', { name: 'Confirm weight and save' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    // Metric, as typed: 150 kg is canonical already (no as-entered note).
    await vitals
      .getByTestId('vital-weight')
      .filter({ hasText: /^[^(]*150 kg/ })
      .waitFor({ timeout: 15_000 });
  });
});
