/**
 * The chart in Chromium: the patient banner (name, date of birth, age, MRN, allergies, the same-name warning) and
 * the summary sections, checked against the demo record read through the FHIR API. Also at tablet size.
 */
import type { Page } from 'playwright-core';
import type {
  AllergyIntolerance,
  Appointment,
  Condition,
  Encounter,
  Immunization,
  MedicationStatement,
  Observation,
  Patient,
} from '@medplum/fhirtypes';
import { beforeEach, describe, expect, it } from 'vitest';
import { ANA, DANIEL, DANIEL_TWIN, JOSE, MARIA, NKDA_CODE, ZOE, type DemoPersona } from './demoPatients.js';
import { useSessionOf } from './signIn.js';
import {
  CHART_SECTIONS,
  ORIGIN,
  agePattern,
  ageYears,
  banner,
  chartSection,
  datePattern,
  expectAccessible,
  expectSectionText,
  fhirGet,
  namePattern,
  openApp,
  searchAndWait,
  searchAll,
  sectionHeading,
  useBrowser,
} from './helpers.js';

/** Opens a chart by its address (the server answers client routes with the app). */
async function openChart(page: Page, p: DemoPersona): Promise<void> {
  await page.goto(`/patients/${p.id}`);
  await banner(page).waitFor({ state: 'visible', timeout: 10_000 });
}

const codeText = (c: { text?: string; coding?: { display?: string }[] } | undefined): string =>
  c?.text ?? c?.coding?.[0]?.display ?? '';

/** The clinic's calendar date of an instant (the demo clinic is in America/Chicago). */
const clinicDate = (instant: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date(instant));

describe('chart', () => {
  const b = useBrowser();
  // Signed in as the demo medical assistant (one session per file: test/e2e/signIn.ts).
  beforeEach(async () => {
    await useSessionOf(b.context, 'ma');
  });

  it('a click on a search result opens the chart; the banner shows name, date of birth, age, MRN and allergies', async () => {
    const patient = await fhirGet<Patient>(`Patient/${JOSE.id}`);
    const allergies = await searchAll<AllergyIntolerance>(`AllergyIntolerance?patient=${JOSE.id}`);
    // Worked from the demo: José Muñoz has one allergy, to latex.
    expect(allergies.map((a) => codeText(a.code))).toEqual(['Latex']);

    await openApp(b.page);
    await (await searchAndWait(b.page, 'munoz', JOSE)).click();
    await b.page.waitForURL(`${ORIGIN}/patients/${JOSE.id}`);
    const region = banner(b.page);
    await region.waitFor({ state: 'visible' });
    expect(await region.getByTestId('banner-name').innerText()).toMatch(namePattern(JOSE));
    const dob = patient.birthDate ?? '';
    expect(await region.getByTestId('banner-dob').innerText()).toMatch(datePattern(dob));
    expect((await region.innerText()).replace(/\s+/g, ' ')).toMatch(agePattern(ageYears(dob)));
    expect(await region.getByTestId('banner-mrn').innerText()).toContain(JOSE.mrn);
    await expect.poll(() => region.getByTestId('banner-allergies').innerText()).toMatch(/latex/i);
    await expect.poll(() => region.getByTestId('banner-similar-name').count()).toBe(0);
  });

  it('every summary section is there and agrees with the record (Ana Sofía García-López)', async () => {
    const active = await searchAll<Condition>(`Condition?patient=${ANA.id}&clinical-status=active`);
    const resolved = await searchAll<Condition>(`Condition?patient=${ANA.id}&clinical-status=resolved`);
    const meds = await searchAll<MedicationStatement>(`MedicationStatement?patient=${ANA.id}&status=active`);
    const shots = await searchAll<Immunization>(`Immunization?patient=${ANA.id}&_sort=-date`);
    const [bp] = await searchAll<Observation>(
      `Observation?patient=${ANA.id}&code=http://loinc.org|85354-9&_sort=-date&_count=1`
    );
    const [pulse] = await searchAll<Observation>(
      `Observation?patient=${ANA.id}&code=http://loinc.org|8867-4&_sort=-date&_count=1`
    );
    const encounters = await searchAll<Encounter>(`Encounter?patient=${ANA.id}&_sort=-date&_count=1`);
    const upcoming = (await searchAll<Appointment>(`Appointment?patient=${ANA.id}&status=booked`))
      .filter((a) => (a.start ?? '') > new Date().toISOString())
      .sort((x, y) => (x.start ?? '').localeCompare(y.start ?? ''));
    // Worked from the demo (problems.ts): Ana has 3 active problems and a resolved upper respiratory infection.
    expect(active.length).toBe(3);
    expect(resolved.length).toBeGreaterThan(0);

    await openChart(b.page, ANA);
    for (const name of CHART_SECTIONS) {
      await sectionHeading(b.page, name).waitFor({ state: 'visible', timeout: 10_000 });
    }

    const problems = await chartSection(b.page, 'Problems');
    for (const c of active) {
      await expectSectionText(problems, codeText(c.code));
    }
    const items = problems.locator('li, tbody tr');
    if ((await items.count()) > 0) {
      expect(await items.count(), 'rows in Problems = active Conditions').toBe(active.length);
    }
    for (const c of resolved) {
      expect(await problems.innerText(), 'a resolved problem is not listed as active').not.toContain(
        codeText(c.code)
      );
    }

    const medications = await chartSection(b.page, 'Medications');
    for (const m of meds) {
      // The drug's name (the first word of "Hydrochlorothiazide 25 MG Oral Tablet").
      await expectSectionText(medications, codeText(m.medicationCodeableConcept).split(' ')[0]);
    }

    await expectSectionText(await chartSection(b.page, 'Allergies'), /./);
    const immunizations = await chartSection(b.page, 'Immunizations');
    await expectSectionText(immunizations, codeText(shots[0].vaccineCode).split(/[ ,]/)[0]);

    const vitals = await chartSection(b.page, 'Vitals');
    const systolic = bp.component?.find((c) => c.code.coding?.[0]?.code === '8480-6')?.valueQuantity?.value;
    const diastolic = bp.component?.find((c) => c.code.coding?.[0]?.code === '8462-4')?.valueQuantity?.value;
    await expectSectionText(vitals, new RegExp(`\\b${systolic}\\s*/\\s*${diastolic}\\b`));
    await expectSectionText(vitals, new RegExp(`\\b${pulse.valueQuantity?.value}\\b`));

    if (upcoming.length > 0) {
      await expectSectionText(
        await chartSection(b.page, 'Upcoming appointments'),
        datePattern(clinicDate(upcoming[0].start ?? ''))
      );
    }
    if (encounters.length > 0) {
      await expectSectionText(
        await chartSection(b.page, 'Recent encounters'),
        datePattern(clinicDate(encounters[0].period?.start ?? ''))
      );
    }
    await expectAccessible(b.page, `chart of ${ANA.id}`);
  });

  it('the same-name warning shows on Daniel Lee Brooks (two patients have that name), not on José Muñoz', async () => {
    const namesakes = await searchAll<Patient>('Patient?family:exact=Brooks&given:exact=Daniel');
    expect(namesakes.map((p) => p.id).sort()).toEqual([DANIEL.id, DANIEL_TWIN.id]);
    const joses = await searchAll<Patient>('Patient?family=Muñoz&given=José');
    expect(joses.map((p) => p.id)).toEqual([JOSE.id]);

    await openChart(b.page, DANIEL);
    const warning = banner(b.page).getByTestId('banner-similar-name');
    await warning.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await warning.innerText()).not.toBe('');
    await expectAccessible(b.page, `chart of ${DANIEL.id}`);

    await openChart(b.page, JOSE);
    await sectionHeading(b.page, 'Vitals').waitFor({ state: 'visible' });
    await expect.poll(() => banner(b.page).getByTestId('banner-similar-name').count()).toBe(0);
  });

  it('"No known drug allergies" for María Hernández, "Allergies not recorded" for Zoë Brontë', async () => {
    const maria = await searchAll<AllergyIntolerance>(`AllergyIntolerance?patient=${MARIA.id}`);
    expect(maria.map((a) => a.code?.coding?.[0]?.code)).toEqual([NKDA_CODE]);
    const zoe = await searchAll<AllergyIntolerance>(`AllergyIntolerance?patient=${ZOE.id}`);
    expect(zoe).toEqual([]);

    await openChart(b.page, MARIA);
    await expect
      .poll(() => banner(b.page).getByTestId('banner-allergies').innerText(), { timeout: 10_000 })
      .toMatch(/No known drug allergies/i);
    await openChart(b.page, ZOE);
    await expect
      .poll(() => banner(b.page).getByTestId('banner-allergies').innerText(), { timeout: 10_000 })
      .toMatch(/Allergies not recorded/i);
    expect(await banner(b.page).getByTestId('banner-name').innerText()).toMatch(namePattern(ZOE));
    await expectAccessible(b.page, `chart of ${ZOE.id}`);
  });
});

describe('chart on a tablet (1024x768)', () => {
  const b = useBrowser({ viewport: { width: 1024, height: 768 } });
  // Signed in as the demo medical assistant (one session per file: test/e2e/signIn.ts).
  beforeEach(async () => {
    await useSessionOf(b.context, 'ma');
  });

  it('search, open, banner in view, every section there, no sideways scrolling', async () => {
    await openApp(b.page);
    await (await searchAndWait(b.page, 'munoz', JOSE)).click();
    await b.page.waitForURL(`${ORIGIN}/patients/${JOSE.id}`);
    await banner(b.page).waitFor({ state: 'visible' });
    expect(await banner(b.page).getByTestId('banner-name').isVisible()).toBe(true);
    const box = await banner(b.page).boundingBox();
    expect(box && box.y >= 0 && box.y + Math.min(box.height, 100) <= 768, 'banner in the first screen').toBe(
      true
    );
    for (const name of CHART_SECTIONS) {
      await sectionHeading(b.page, name).waitFor({ state: 'visible', timeout: 10_000 });
    }
    const overflow = await b.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    expect(overflow, 'page wider than the screen').toBeLessThanOrEqual(0);
    await expectAccessible(b.page, 'chart at 1024x768');
  });
});
