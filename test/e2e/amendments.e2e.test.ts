/**
 * Amendment requests (ONC 170.315(d)(4)): the provider records José Muñoz's request to correct his latex
 * allergy, sees it listed as requested, denies it with a reason, and the denial is kept with the data
 * (HIPAA 164.526(d): a denied request and its basis are appended to the record it concerns).
 */
import type { AllergyIntolerance, Bundle, Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { JOSE } from './demoPatients.js';
import {
  chartSection,
  expectAccessible,
  expectSectionText,
  fhirGet,
  matches,
  useBrowser,
} from './helpers.js';
import { DEMO_USERS, useSessionOf } from './signIn.js';

describe('amendment requests', () => {
  const b = useBrowser();

  it('records a request on an allergy and denies it with a reason', async () => {
    const allergies = matches<AllergyIntolerance>(
      await fhirGet<Bundle>(`AllergyIntolerance?patient=${JOSE.id}&_count=100`)
    );
    const allergy = allergies.find((a) => a.code?.text ?? a.code?.coding?.[0]?.display);
    expect(allergy, `${JOSE.id} has an allergy`).toBeDefined();
    const allergyName = allergy?.code?.text ?? allergy?.code?.coding?.[0]?.display ?? '';
    const stamp = Date.now().toString(36);
    const change = `I never reacted to this; please remove it (${stamp})`;
    const reason = `Reaction documented by the allergist in 2019 (${stamp})`;

    await useSessionOf(b.context, DEMO_USERS.provider);
    await b.page.goto(`/patients/${JOSE.id}`);
    const section = await chartSection(b.page, 'Amendment requests');

    // Record the request.
    await section.getByRole('button', { name: 'Record a request' }).click();
    const recordDialog = b.page.getByRole('dialog', { name: 'Record an amendment request' });
    await recordDialog.getByRole('combobox', { name: /^Data concerned/ }).click();
    await b.page.getByRole('option', { name: `AllergyIntolerance · ${allergyName}`, exact: true }).click();
    await recordDialog.getByRole('textbox', { name: /^Requested change/ }).fill(change);
    expect(await recordDialog.getByRole('textbox', { name: /^Requested by/ }).inputValue()).toBe(
      'the patient'
    );
    const posted = b.page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/amendments'));
    await recordDialog.getByRole('button', { name: 'Record request' }).click();
    expect(JSON.parse((await posted).postData() ?? '{}')).toMatchObject({
      patientId: JOSE.id,
      focus: `AllergyIntolerance/${allergy?.id ?? ''}`,
      requestedChange: change,
      requestedBy: 'the patient',
    });
    await recordDialog.waitFor({ state: 'hidden', timeout: 10_000 });

    const row = section.getByRole('row').filter({ hasText: stamp });
    await expectSectionText(section, change);
    expect(await row.innerText()).toMatch(/Requested/);
    expect(await row.innerText()).toContain(`AllergyIntolerance · ${allergyName}`);
    await expectAccessible(b.page, 'the amendment requests section');

    // Deny it.
    await row.getByRole('button', { name: /^Decide/ }).click();
    const decideDialog = b.page.getByRole('dialog', { name: 'Decide the amendment request' });
    await decideDialog.getByRole('radio', { name: 'Deny' }).check();
    await decideDialog.getByRole('textbox', { name: /^Reason/ }).fill(reason);
    await decideDialog.getByRole('button', { name: 'Deny request' }).click();
    await decideDialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/Denied/);
    expect(await row.innerText()).toContain(reason);
    expect(await row.getByRole('button', { name: /^Decide/ }).count()).toBe(0);

    // The server kept the decision: the Task is rejected and the allergy carries the denial.
    const tasks = matches<Task>(
      await fhirGet<Bundle>(
        `Task?patient=${JOSE.id}&code=urn:medassist:task-type|amendment-request&_count=100`
      )
    );
    const task = tasks.find((t) => t.description === change);
    expect(task?.status).toBe('rejected');
    expect(task?.statusReason?.text).toBe(reason);
    const after = await fhirGet<AllergyIntolerance>(`AllergyIntolerance/${allergy?.id ?? ''}`);
    const lastNote = after.note?.at(-1)?.text ?? '';
    expect(lastNote).toMatch(/denied/);
    expect(lastNote).toContain(reason);
  });
});
