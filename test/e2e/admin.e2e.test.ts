/**
 * Administration in the web app (practice admin, MFA): users (the server's errors next to the field they
 * name), the audit log report (sort by a column on the server, CSV download) and the audit settings.
 */
import fs from 'node:fs';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ORIGIN, expectAccessible, useBrowser } from './helpers.js';
import { DEMO_USERS, openAs } from './signIn.js';

/** Opens the roles list of a user dialog from the keyboard (the pills around the field take the clicks). */
async function openRoles(dialog: Locator): Promise<void> {
  const roles = dialog.getByRole('combobox', { name: /^Roles/ });
  await roles.focus();
  await roles.press('ArrowDown');
}

/** A username no other run of this file has used on this server. */
const newUsername = `e2e-${Date.now().toString(36)}`;

describe('users', () => {
  const b = useBrowser();

  it('lists the demo users with their roles and MFA', async () => {
    await openAs(b.page, DEMO_USERS.admin);
    await b.page.getByRole('link', { name: 'Users' }).click();
    await b.page.waitForURL(`${ORIGIN}/administration/users`);
    const table = b.page.getByRole('region', { name: 'Users' }).getByRole('table');
    const maRow = table
      .getByRole('row')
      .filter({ has: b.page.getByRole('rowheader', { name: DEMO_USERS.ma, exact: true }) });
    await maRow.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await maRow.innerText()).toMatch(/Medical assistant/);
    const adminRow = table
      .getByRole('row')
      .filter({ has: b.page.getByRole('rowheader', { name: DEMO_USERS.admin, exact: true }) });
    expect(await adminRow.innerText()).toMatch(/Practice admin/);
    expect(await adminRow.innerText()).toMatch(/Set up \(required\)/);
    await expectAccessible(b.page, 'the users page');
  });

  it('creates a user; a taken username and a weak password are shown next to their fields', async () => {
    await openAs(b.page, DEMO_USERS.admin, '/administration/users');
    await b.page.getByRole('button', { name: 'New user' }).click();
    const dialog = b.page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor({ state: 'visible' });

    await dialog.getByRole('textbox', { name: 'Username' }).fill(DEMO_USERS.ma);
    await dialog.getByRole('textbox', { name: 'Display name' }).fill('Nora Nurse, MA');
    await openRoles(dialog);
    await b.page.getByRole('option', { name: 'Medical assistant' }).click();
    await dialog.getByRole('textbox', { name: 'Display name' }).click(); // closes the role list
    await dialog.getByLabel(/^Initial password/).fill('Riverbend-e2e-initial-2026');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const username = dialog.getByRole('textbox', { name: 'Username' });
    await expect.poll(() => username.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => dialog.innerText()).toMatch(/taken/);

    await username.fill(newUsername);
    await dialog.getByLabel(/^Initial password/).fill('short');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const password = dialog.getByLabel(/^Initial password/);
    await expect.poll(() => password.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');

    await password.fill('Riverbend-e2e-initial-2026');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    const row = b.page
      .getByRole('row')
      .filter({ has: b.page.getByRole('rowheader', { name: newUsername, exact: true }) });
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await row.innerText()).toMatch(/Nora Nurse, MA/);
  });

  it('edits a user’s roles and status', async () => {
    await openAs(b.page, DEMO_USERS.admin, '/administration/users');
    const row = b.page
      .getByRole('row')
      .filter({ has: b.page.getByRole('rowheader', { name: newUsername, exact: true }) });
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.getByRole('button', { name: `Edit ${newUsername}` }).click();
    const dialog = b.page.getByRole('dialog', { name: `Edit ${newUsername}` });
    await openRoles(dialog);
    await b.page.getByRole('option', { name: 'Biller' }).click();
    await dialog.getByRole('textbox', { name: 'Display name' }).click();
    await dialog.getByText('Disabled (cannot sign in)').click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/Biller/);
    expect(await row.innerText()).toMatch(/Disabled/);
  });
});

describe('audit log', () => {
  const b = useBrowser();

  it('sorts on the server when a column header is clicked, and says the order', async () => {
    await openAs(b.page, DEMO_USERS.admin, '/administration/audit');
    await b.page.getByRole('table').getByRole('row').nth(1).waitFor({ state: 'visible', timeout: 10_000 });
    const userHeader = b.page.getByRole('columnheader', { name: 'User' });
    expect(await userHeader.getAttribute('aria-sort')).toBe('none');
    expect(await b.page.getByRole('columnheader', { name: 'When' }).getAttribute('aria-sort')).toBe(
      'descending'
    );

    const sorted = b.page.waitForRequest(
      (r) => r.url().includes('/admin/audit?') && /[?&]sort=user(&|$)/.test(r.url())
    );
    await userHeader.getByRole('button').click();
    await sorted;
    expect(await userHeader.getAttribute('aria-sort')).toBe('ascending');

    const descending = b.page.waitForRequest(
      (r) => r.url().includes('/admin/audit?') && /[?&]sort=-user(&|$)/.test(r.url())
    );
    await userHeader.getByRole('button').click();
    await descending;
    expect(await userHeader.getAttribute('aria-sort')).toBe('descending');
    await expectAccessible(b.page, 'the audit log, sorted');
  });

  it('downloads the report as CSV with the same filters', async () => {
    await openAs(b.page, DEMO_USERS.admin, '/administration/audit');
    await b.page.getByRole('textbox', { name: 'User' }).fill(DEMO_USERS.admin);
    await b.page.getByRole('button', { name: 'Show' }).click();
    const csvRequest = b.page.waitForRequest((r) => r.url().includes('format=csv'));
    const download = b.page.waitForEvent('download');
    await b.page.getByRole('button', { name: 'Download CSV' }).click();
    const url = new URL((await csvRequest).url());
    expect(url.searchParams.get('user')).toBe(DEMO_USERS.admin);
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^audit-log_.*\.csv$/);
    const text = fs.readFileSync(await file.path(), 'utf8');
    expect(text.split('\n')[0]).toMatch(/recorded/i);
    expect(text).toContain(DEMO_USERS.admin);
  });
});

describe('audit settings', () => {
  const b = useBrowser();

  it('saves a switch with PUT and shows it after a reload (and puts it back)', async () => {
    await openAs(b.page, DEMO_USERS.admin, '/administration/audit-settings');
    const reads = b.page.getByRole('switch', { name: 'Record chart reads' });
    await reads.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await reads.isChecked()).toBe(true);
    await expectAccessible(b.page, 'the audit settings');

    await reads.click({ force: true });
    const put = b.page.waitForRequest(
      (r) => r.method() === 'PUT' && r.url().endsWith('/admin/audit-settings')
    );
    await b.page.getByRole('button', { name: 'Save' }).click();
    expect(JSON.parse((await put).postData() ?? '{}')).toEqual({
      read: false,
      search: true,
      export: true,
      print: true,
    });
    await b.page.getByText('Saved.').waitFor({ state: 'visible' });

    await b.page.reload();
    await reads.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await reads.isChecked()).toBe(false);

    // Other tests rely on reads being audited.
    await reads.click({ force: true });
    await b.page.getByRole('button', { name: 'Save' }).click();
    await b.page.getByText('Saved.').waitFor({ state: 'visible' });
  });
});
