/**
 * Allergies, medication reconciliation, preferred pharmacy and the problem list on the rooming screen (issue
 * 6 item 5), for demo patients 160-179 only: the MA adds a coded drug allergy with its reaction, severity and
 * criticality; "No known drug allergies" is then refused; allergies are marked reviewed; every medication is
 * answered and one is added from the RxNorm catalog, and the reconciliation is completed; a pharmacy is
 * confirmed by name; the problem list is marked reviewed. For a chart with nothing on its allergy list, the
 * panel offers NKDA instead of "Mark allergies reviewed", and a reconciliation with nothing taken is completed
 * as "No current medications" (a SNOMED 787481004 statement). What the screen says is checked against the API.
 * The visit is a past Encounter of a demo adult (the rooming screen opens any visit by its Encounter id).
 */
import type { AllergyIntolerance, Bundle, Encounter, MedicationStatement, Patient } from '@medplum/fhirtypes';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  expectAccessible,
  fhirGet,
  matches,
  useBrowser,
  awayFromClinicMidnight,
  MIDNIGHT_WAIT_MS,
} from './helpers.js';
import { DEMO_USERS, openAs } from './signIn.js';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const REVIEWED_URL = 'https://medassist.dev/fhir/StructureDefinition/rooming-reviewed';

function years(birthDate: string | undefined): number {
  return birthDate ? (Date.now() - Date.parse(birthDate)) / (365.25 * 86_400_000) : 0;
}

/** The first open adult chart among demo patients 160-179 with a visit and no morphine allergy yet. */
async function choose(): Promise<{ patient: Patient; encounterId: string }> {
  for (let n = 160; n <= 179; n++) {
    const id = `demo-pat-${String(n).padStart(4, '0')}`;
    const patient = await fhirGet<Patient>(`Patient/${id}`).catch(() => undefined);
    if (!patient) continue;
    const restricted = (patient.meta?.security ?? []).some((s) => s.code === 'R' || s.code === 'V');
    if (restricted || patient.active === false || years(patient.birthDate) < 18) continue;
    const allergies = matches<AllergyIntolerance>(
      await fhirGet<Bundle>(`AllergyIntolerance?patient=Patient/${id}`)
    );
    if (allergies.some((a) => a.code?.coding?.some((c) => c.code === '7052'))) continue;
    const encounters = matches<Encounter>(
      await fhirGet<Bundle>(`Encounter?subject=Patient/${id}&_sort=-date&_count=1`)
    );
    if (encounters.length === 1) return { patient, encounterId: encounters[0].id! };
  }
  throw new Error('no adult demo patient with a visit among 160-179');
}

/**
 * The first open adult chart among demo patients 160-179 with a visit and nothing at all on its allergy list
 * (never asked): not the one the first test chose, which has morphine by then.
 */
async function chooseUnasked(): Promise<{ patient: Patient; encounterId: string }> {
  for (let n = 160; n <= 179; n++) {
    const id = `demo-pat-${String(n).padStart(4, '0')}`;
    const patient = await fhirGet<Patient>(`Patient/${id}`).catch(() => undefined);
    if (!patient) continue;
    const restricted = (patient.meta?.security ?? []).some((s) => s.code === 'R' || s.code === 'V');
    if (restricted || patient.active === false || years(patient.birthDate) < 18) continue;
    const allergies = matches(await fhirGet<Bundle>(`AllergyIntolerance?patient=Patient/${id}`));
    if (allergies.length > 0) continue;
    const encounters = matches<Encounter>(
      await fhirGet<Bundle>(`Encounter?subject=Patient/${id}&_sort=-date&_count=1`)
    );
    if (encounters.length === 1) return { patient, encounterId: encounters[0].id! };
  }
  throw new Error('no adult demo patient with a visit and no allergy entry among 160-179');
}

function section(page: Page, name: string): Locator {
  return page.getByRole('region', { name, exact: true });
}

async function pick(page: Page, field: Locator, option: string): Promise<void> {
  await field.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

// Visits are booked for the clinic's today: never start one in the last minutes before its midnight.
beforeEach(() => awayFromClinicMidnight(), MIDNIGHT_WAIT_MS);

describe('allergies, medications, pharmacy and problems on the rooming screen', () => {
  const b = useBrowser({ viewport: { width: 1400, height: 1000 } });

  it('adds a coded drug allergy, refuses NKDA, reconciles every medication, confirms a pharmacy, stamps reviews', async () => {
    const { patient, encounterId } = await choose();
    const page = b.page;
    await openAs(page, DEMO_USERS.ma, `/rooming/${encounterId}`);

    // ---------- allergies ----------
    const allergies = section(page, 'Allergies');
    // "Mark allergies reviewed" is offered only once the list holds an active allergy or NKDA.
    await allergies.getByRole('button', { name: 'Add allergy' }).waitFor({ timeout: 20_000 });
    await allergies.getByRole('button', { name: 'Add allergy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add allergy' });
    await dialog.getByLabel(/^Substance/).fill('Morph');
    await page.getByRole('option', { name: 'Morphine', exact: true }).click();
    await pick(page, dialog.getByLabel('Reaction', { exact: true }), 'Anaphylaxis');
    await pick(page, dialog.getByLabel('Severity', { exact: true }), 'Severe');
    await pick(page, dialog.getByLabel('Criticality', { exact: true }), 'High');
    await expectAccessible(page, 'the add-allergy dialog');
    await dialog.getByRole('button', { name: 'Save allergy' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    const row = allergies.getByRole('row').filter({ hasText: 'Morphine' });
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent()).toContain('Anaphylaxis (severe)');

    // Stored: RxNorm 7052, category medication, the reaction coded SNOMED 39579001, the visit, the MA.
    const stored = matches<AllergyIntolerance>(
      await fhirGet<Bundle>(`AllergyIntolerance?patient=Patient/${patient.id}`)
    ).find((a) => a.code?.coding?.some((c) => c.system === RXNORM && c.code === '7052'));
    expect(stored?.category).toEqual(['medication']);
    expect(stored?.criticality).toBe('high');
    expect(stored?.reaction?.[0].manifestation[0].coding?.[0].code).toBe('39579001');
    expect(stored?.reaction?.[0].severity).toBe('severe');
    expect(stored?.encounter?.reference).toBe(`Encounter/${encounterId}`);
    expect(stored?.recorder?.reference).toBe('Practitioner/demo-prac-06');

    // With an active drug allergy on the list, "No known drug allergies" is refused (409) and said so.
    await allergies.getByRole('button', { name: 'No known drug allergies' }).click();
    await allergies.getByText(/an active drug allergy is recorded/).waitFor({ timeout: 15_000 });

    await allergies.getByRole('button', { name: 'Mark allergies reviewed' }).click();
    await allergies.getByText(/^Reviewed today by ma at \d\d:\d\d$/).waitFor({ timeout: 15_000 });

    // ---------- medications ----------
    const meds = section(page, 'Medications and pharmacy');
    const table = meds.getByRole('table', { name: 'Medication list' });
    const hasRows = await table
      .waitFor({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    const rows = hasRows ? table.locator('tbody tr') : undefined;
    const count = rows ? await rows.count() : 0;
    for (let i = 0; i < count; i++) {
      await rows!.nth(i).getByRole('radio', { name: 'Taking' }).check({ force: true });
    }
    await meds.getByLabel('Add medication', { exact: true }).fill('lorat');
    await page.getByRole('option', { name: 'Loratadine 10 MG Oral Tablet', exact: true }).click();
    await meds.getByLabel('Dosage', { exact: true }).fill('1 tablet daily');
    await pick(page, meds.getByLabel('Source', { exact: true }), 'Outside records');
    await meds.getByRole('button', { name: 'Add', exact: true }).click();
    await meds.getByText('Added · RxNorm 311372').waitFor();
    await meds.getByRole('button', { name: 'Reconciliation complete' }).click();
    await meds.getByText(/^Reviewed today by ma at \d\d:\d\d$/).waitFor({ timeout: 20_000 });

    const statements = matches<MedicationStatement>(
      await fhirGet<Bundle>(`MedicationStatement?subject=Patient/${patient.id}&_count=100`)
    );
    const loratadine = statements.find(
      (s) =>
        s.context?.reference === `Encounter/${encounterId}` &&
        s.medicationCodeableConcept?.coding?.some((c) => c.code === '311372')
    );
    expect(loratadine?.status).toBe('active');
    expect(loratadine?.informationSource?.display).toBe('Outside records');
    // Every row answered "Taking" is now asserted at this visit.
    expect(statements.filter((s) => s.context?.reference === `Encounter/${encounterId}`).length).toBe(
      count + 1
    );

    // ---------- pharmacy ----------
    await meds.getByLabel('Or pharmacy name', { exact: true }).fill('Corner Pharmacy');
    await meds.getByRole('button', { name: 'Confirm' }).click();
    await meds.getByText(/^On file: Corner Pharmacy\. Confirmed today by ma at/).waitFor({ timeout: 15_000 });

    // ---------- problems ----------
    const problems = section(page, 'Problem list');
    await problems.getByRole('button', { name: 'Mark problem list reviewed' }).click();
    await problems.getByText(/^Reviewed today by ma at/).waitFor({ timeout: 15_000 });
    await expectAccessible(page, 'the rooming screen after the reviews');

    const encounter = await fhirGet<Encounter>(`Encounter/${encounterId}`);
    const kinds = (encounter.extension ?? [])
      .filter((e) => e.url === REVIEWED_URL)
      .map((e) => e.extension?.find((s) => s.url === 'what')?.valueCode);
    expect(new Set(kinds)).toEqual(new Set(['allergies', 'medications', 'pharmacy', 'problems']));
  });

  it('nothing recorded: NKDA is offered instead of "reviewed"; no medications is said explicitly', async () => {
    const { patient, encounterId } = await chooseUnasked();
    const page = b.page;
    await openAs(page, DEMO_USERS.ma, `/rooming/${encounterId}`);

    // ---------- allergies: nothing to review yet ----------
    const allergies = section(page, 'Allergies');
    await allergies.getByText(/^No allergies recorded\. Ask the patient/).waitFor({ timeout: 20_000 });
    expect(await allergies.getByRole('button', { name: 'Mark allergies reviewed' }).count()).toBe(0);
    const nkda = allergies.getByRole('button', { name: 'No known drug allergies' });
    expect(await nkda.count()).toBe(1);
    await expectAccessible(page, 'the allergies panel with nothing recorded');
    await nkda.click();
    await allergies.getByRole('button', { name: 'Mark allergies reviewed' }).click();
    await allergies.getByText(/^Reviewed today by ma at \d\d:\d\d$/).waitFor({ timeout: 15_000 });
    const stored = matches<AllergyIntolerance>(
      await fhirGet<Bundle>(`AllergyIntolerance?patient=Patient/${patient.id}`)
    );
    expect(stored.map((a) => a.code?.coding?.[0]?.code)).toEqual(['409137002']);

    // ---------- medications: whatever is on file is not taken; then "no current medications" ----------
    const meds = section(page, 'Medications and pharmacy');
    const notTaking = meds.getByRole('radio', { name: 'Not taking', exact: true });
    for (let i = 0; i < (await notTaking.count()); i++) await notTaking.nth(i).check({ force: true });
    await meds.getByRole('button', { name: 'No current medications: reconciliation complete' }).click();
    await meds.getByText(/^Reviewed today by ma at \d\d:\d\d$/).waitFor({ timeout: 20_000 });
    await meds.getByText(/the patient said they take none/).waitFor({ timeout: 15_000 });
    const statements = matches<MedicationStatement>(
      await fhirGet<Bundle>(`MedicationStatement?subject=Patient/${patient.id}&_count=100`)
    );
    const none = statements.filter((s) =>
      s.medicationCodeableConcept?.coding?.some((c) => c.code === '787481004')
    );
    expect(none.map((s) => [s.status, s.context?.reference])).toEqual([
      ['active', `Encounter/${encounterId}`],
    ]);
  });
});
