/**
 * The recall list (issue 5): a follow-up asked for and not booked shows for the front desk with two
 * identifiers (name and date of birth) and when it is due; logging a call from the dialog shows as the last
 * contact attempt, and the page passes axe.
 */
import type { Patient, Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  ORIGIN,
  SESSION_COOKIE,
  datePattern,
  expectAccessible,
  fhirGet,
  useBrowser,
} from './helpers.js';
import { DEMO_USERS, useSessionOf } from './signIn.js';

/** A demo patient no other e2e file uses (they use 4, 9, 16, 22, 27, 45, 263, 277 and 314). */
const PATIENT_ID = 'demo-pat-0291';

async function frontDeskWrite<T>(method: string, url: string, body: unknown): Promise<T> {
  const signIn = await fetch(`${ORIGIN}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username: DEMO_USERS.frontDesk, password: DEMO_PASSWORD }),
  });
  const session = ((await signIn.json()) as { session?: { csrfToken?: string } }).session;
  const cookie = signIn.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  const response = await fetch(`${ORIGIN}${url}`, {
    method,
    headers: {
      'content-type': 'application/fhir+json',
      accept: 'application/json',
      cookie: cookie ?? '',
      'x-csrf-token': session?.csrfToken ?? '',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

describe('the recall list', () => {
  const b = useBrowser();

  it('shows a follow-up that is not booked and logs a contact attempt', async () => {
    const patient = await fhirGet<Patient>(`Patient/${PATIENT_ID}`);
    const stamp = `Repeat B12 level (${Date.now().toString(36)})`;
    const due = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const task = await frontDeskWrite<Task>('POST', '/fhir/R4/Task', {
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      code: { coding: [{ system: 'urn:medassist:task-type', code: 'follow-up-request' }] },
      for: { reference: `Patient/${PATIENT_ID}` },
      authoredOn: new Date(Date.now() - 30 * 86_400_000).toISOString(),
      description: stamp,
      restriction: { period: { end: due } },
      input: [
        {
          type: { text: 'visitType' },
          valueCoding: { system: 'urn:medassist:visit-type', code: 'lab-draw' },
        },
      ],
    });

    await useSessionOf(b.context, DEMO_USERS.frontDesk);
    await b.page.goto('/recall');
    await b.page.getByRole('heading', { name: 'Recall list' }).waitFor();
    const row = b.page.locator(`tr[data-recall="Task-${task.id ?? ''}"]`);
    await row.waitFor({ timeout: 15_000 });
    const text = await row.innerText();
    expect(text).toContain(stamp);
    expect(text).toMatch(datePattern(patient.birthDate ?? ''));
    expect(text).toMatch(/[4-6] days overdue/);
    expect(text).toContain('No attempts yet');
    // Patient data never goes in a URL: the list's request carries filters only.
    expect(
      b.requests.filter((r) => r.url.includes('/api/recall')).every((r) => !r.url.includes(PATIENT_ID))
    ).toBe(true);

    await row.getByRole('button', { name: /^Log attempt for/ }).click();
    const dialog = b.page.getByRole('dialog', { name: 'Log a contact attempt' });
    await dialog.getByRole('combobox', { name: /^Outcome/ }).click();
    await b.page.getByRole('option', { name: 'Left a message', exact: true }).click();
    await dialog.getByRole('textbox', { name: /^Note/ }).fill('Voicemail; asked to call back');
    const posted = b.page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/recall/'));
    await dialog.getByRole('button', { name: 'Save attempt' }).click();
    expect(JSON.parse((await posted).postData() ?? '{}')).toEqual({
      method: 'phone',
      outcome: 'left-message',
      note: 'Voicemail; asked to call back',
    });
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await expect
      .poll(async () => row.innerText(), { timeout: 10_000 })
      .toContain('1 attempt; last: Left a message (phone call,');
    await expectAccessible(b.page, 'the recall list');
  });
});
