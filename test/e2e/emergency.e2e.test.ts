/**
 * Emergency ("break-glass") access to a restricted chart (ONC 170.315(d)(6)) and a chart's access history:
 * a lead MA holding the emergency-access permission is asked for a reason and then sees the chart; an MA
 * without it is told the patient is not found; the practice admin (privacy officer) sees who opened a chart.
 */
import type { Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOSE } from './demoPatients.js';
import { ORIGIN, banner, expectAccessible, launchChromium, namePattern, useBrowser } from './helpers.js';
import { DEMO_USERS, openAs, useSessionOf } from './signIn.js';

const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

/** A request made by the page with its session (cookie and CSRF token), as the app makes it. */
async function fhirAsPage<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch('/auth/session')).json()) as { session: { csrfToken: string } };
      const res = await fetch(`/fhir/R4/${path}`, {
        method,
        headers: {
          accept: 'application/fhir+json',
          'content-type': 'application/fhir+json',
          'x-csrf-token': session.session.csrfToken,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as unknown;
    },
    { method, path, body }
  ) as Promise<T>;
}

/** A patient whose chart is restricted (confidentiality R), made by the practice admin for this file. */
let restricted: { id: string; given: string; family: string; mrn: string };

beforeAll(async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ baseURL: ORIGIN });
    await useSessionOf(context, DEMO_USERS.admin);
    const page = await context.newPage();
    await page.goto('/');
    const family = `Restricted${Date.now().toString(36)}`;
    const created = await fhirAsPage<Patient>(page, 'POST', 'Patient', {
      resourceType: 'Patient',
      meta: { security: [{ system: CONFIDENTIALITY, code: 'R', display: 'restricted' }] },
      name: [{ use: 'official', family, given: ['Rhea'] }],
      gender: 'female',
      birthDate: '1980-02-03',
    } satisfies Patient);
    restricted = { id: created.id ?? '', given: 'Rhea', family, mrn: '' };
  } finally {
    await browser.close();
  }
});

describe('a restricted chart', () => {
  const b = useBrowser();

  it('asks a lead MA (emergency-access) for a reason, then opens the chart', async () => {
    await useSessionOf(b.context, DEMO_USERS.leadMa);
    await b.page.goto(`/patients/${restricted.id}`);
    await b.page
      .getByRole('heading', { name: 'This chart is restricted' })
      .waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner(b.page).count()).toBe(0);
    await expectAccessible(b.page, 'the restricted chart notice');

    const reason = b.page.getByRole('textbox', { name: /^Reason/ });
    await reason.fill('chest');
    await b.page.getByRole('button', { name: 'Open with emergency access' }).click();
    await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true');
    await b.page
      .getByText(/at least 10 characters/)
      .first()
      .waitFor({ state: 'visible' });

    const grant = b.page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/auth/emergency-access')
    );
    await reason.fill('Patient collapsed in the waiting room; need allergies and medications');
    await b.page.getByRole('button', { name: 'Open with emergency access' }).click();
    expect(JSON.parse((await grant).postData() ?? '{}')).toMatchObject({ patientId: restricted.id });
    await expect.poll(() => banner(b.page).innerText(), { timeout: 10_000 }).toMatch(namePattern(restricted));
    await b.page
      .getByText(/You opened this restricted chart with emergency access until/)
      .waitFor({ state: 'visible' });
    await expectAccessible(b.page, 'a chart opened with emergency access');
  });

  it('is "not found" for an MA without the emergency-access permission', async () => {
    await useSessionOf(b.context, DEMO_USERS.ma);
    await b.page.goto(`/patients/${restricted.id}`);
    await b.page
      .getByRole('alert')
      .filter({ hasText: 'Patient not found' })
      .waitFor({ state: 'visible', timeout: 10_000 });
    expect(await b.page.getByRole('heading', { name: 'This chart is restricted' }).count()).toBe(0);
  });
});

describe('access history', () => {
  const b = useBrowser();

  it('shows the privacy officer who opened a chart', async () => {
    const maContext = await b.browser.newContext({ baseURL: ORIGIN });
    try {
      const maPage = await maContext.newPage();
      await openAs(maPage, DEMO_USERS.ma, `/patients/${JOSE.id}`);
      await banner(maPage).waitFor({ state: 'visible', timeout: 10_000 });
      // The MA sees no access history.
      expect(await maPage.getByRole('heading', { name: 'Access history' }).count()).toBe(0);
    } finally {
      await maContext.close();
    }

    await openAs(b.page, DEMO_USERS.admin, `/patients/${JOSE.id}`);
    const section = b.page.getByRole('region', { name: 'Access history' });
    await section.waitFor({ state: 'visible', timeout: 10_000 });
    const row = section.getByRole('row').filter({ hasText: DEMO_USERS.ma }).filter({ hasText: 'Read' });
    await row.first().waitFor({ state: 'visible', timeout: 10_000 });
  });
});
