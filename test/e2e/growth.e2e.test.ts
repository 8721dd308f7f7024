/**
 * Trends and growth charts (docs/rooming/growth.md): the MA opens a demo child's /patients/:id/vitals and
 * sees the vitals history, the trends and the CDC growth chart with its percentile curves and the child's
 * points. The child is the first of demo patients 130-159 (this file's range) who is 2-10 years old and has
 * weight and height readings, found through the API (birth dates move with the day the demo is loaded).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ageYears, expectAccessible, fhirGet, useBrowser } from './helpers.js';
import { DEMO_USERS, openAs } from './signIn.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/e2e');

async function findChild(): Promise<Patient> {
  for (let n = 130; n <= 159; n++) {
    const id = `demo-pat-${String(n).padStart(4, '0')}`;
    const patient = await fhirGet<Patient>(`Patient/${id}`).catch(() => undefined);
    if (!patient?.birthDate || (patient.gender !== 'male' && patient.gender !== 'female')) continue;
    const age = ageYears(patient.birthDate);
    if (age < 2 || age > 10) continue;
    const count = async (code: string) =>
      (await fhirGet<Bundle>(`Observation?patient=${id}&code=http://loinc.org|${code}&_summary=count`))
        .total ?? 0;
    if ((await count('29463-7')) > 0 && (await count('8302-2')) > 0) return patient;
  }
  throw new Error('no demo patient among 130-159 is 2-10 years old with weight and height readings');
}

describe('trends and growth', () => {
  const b = useBrowser({ viewport: { width: 1280, height: 1000 } });

  it('the MA sees a child’s growth chart with the percentile curves and her points, and can switch charts', async () => {
    const child = await findChild();
    const page = b.page;
    await openAs(page, DEMO_USERS.ma, `/patients/${child.id}/vitals`);
    await page.getByRole('heading', { name: 'Vitals history and growth' }).waitFor({ timeout: 15_000 });

    // From 2 years the chart opens on BMI-for-age (CDC 2-20 years).
    const chart = page.getByTestId('growth-chart');
    await chart.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await chart.getAttribute('aria-label')).toMatch(
      /^BMI-for-age, 2 to 20 years, (girls|boys), CDC percentile curves 5th to 95th; \d+ measurements?/
    );
    const svgText = await chart.textContent();
    for (const label of [
      '5th',
      '10th',
      '25th',
      '50th',
      '75th',
      '90th',
      '95th',
      'Age (years)',
      'BMI (kg/m2)',
    ]) {
      expect(svgText, label).toContain(label);
    }
    expect(await chart.locator('path').count()).toBeGreaterThanOrEqual(7);
    expect(await chart.getByTestId('growth-point').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('latest-percentile').innerText())
      .toMatch(
        /^Latest BMI-for-age \(.+\): (\d+(st|nd|rd|th)|below the 1st|above the 99th) percentile \((underweight|healthy weight|overweight|obesity)\)/
      );

    // The history table and the trends are there too.
    const table = page.getByRole('table', { name: 'Vitals history' });
    expect(await table.getByRole('row').count()).toBeGreaterThan(1);
    await page.getByRole('img', { name: /^Weight over time/ }).waitFor();

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await chart.screenshot({ path: path.join(ARTIFACTS, 'growth-chart-bmi.png') });
    await expectAccessible(page, 'the vitals history and growth page');

    // Another chart from the picker.
    await page.getByLabel('Growth chart').selectOption('length-for-age');
    await expect
      .poll(() => chart.getAttribute('aria-label'), { timeout: 10_000 })
      .toMatch(/^(Stature|Length)-for-age/);
    expect(await chart.textContent()).toContain('(cm)');
    await chart.screenshot({ path: path.join(ARTIFACTS, 'growth-chart-length.png') });
  });
});
