/**
 * Sign-in, sign-out and time-out in the web app (docs/security/auth-api.md): every address shows the sign-in
 * screen while signed out and comes back after it; a wrong password says so; signing out leaves no patient
 * data on screen, in the back button or in browser storage (ONC (d)(7)); the idle time-out warns a minute
 * before and signs out at zero (ONC (d)(5)); the practice admin sets up MFA on the first sign-in (ONC (d)(13)).
 */
import { describe, expect, it } from 'vitest';
import { JOSE } from './demoPatients.js';
import {
  ORIGIN,
  apiSignIn,
  banner,
  expectAccessible,
  namePattern,
  searchAndWait,
  searchBox,
  useBrowser,
} from './helpers.js';
import {
  DEMO_USERS,
  openAs,
  openSignIn,
  passwordField,
  sessionCookie,
  signIn,
  signInAsAdmin,
  signOut,
  submitPassword,
  userMenu,
  usernameField,
} from './signIn.js';

const chartPath = `/patients/${JOSE.id}`;

describe('sign-in', () => {
  const b = useBrowser();

  it('while signed out, a chart address shows the sign-in screen with next= that address', async () => {
    await b.page.goto(chartPath);
    await usernameField(b.page).waitFor({ state: 'visible' });
    expect(new URL(b.page.url()).pathname).toBe('/sign-in');
    expect(new URL(b.page.url()).searchParams.get('next')).toBe(chartPath);
    expect(await usernameField(b.page).getAttribute('autocomplete')).toBe('username');
    expect(await passwordField(b.page).getAttribute('autocomplete')).toBe('current-password');
    expect(await banner(b.page).count()).toBe(0);
    await expectAccessible(b.page, 'the sign-in screen');
  });

  it('a wrong password says so; then the MA signs in and sees the patient list (next= to another site is ignored)', async () => {
    await openSignIn(b.page, '/sign-in?next=%2F%2Fevil.example%2Fphish');
    await submitPassword(b.page, DEMO_USERS.ma, 'not-the-password');
    await b.page
      .getByRole('alert')
      .filter({ hasText: 'Wrong username or password' })
      .waitFor({ state: 'visible', timeout: 10_000 });
    expect(await passwordField(b.page).inputValue()).toBe('');
    expect(await searchBox(b.page).count()).toBe(0);

    await submitPassword(b.page, DEMO_USERS.ma);
    await searchBox(b.page).waitFor({ state: 'visible', timeout: 15_000 });
    await b.page.waitForURL(`${ORIGIN}/patients`);
    await b.page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor({ state: 'visible' });
    await expect.poll(() => userMenu(b.page).innerText()).toMatch(/Medical assistant/);
    // The MA is no administrator.
    expect(await b.page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await b.page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
  });

  it('after sign-in the app goes to the address asked for (next=)', async () => {
    await signIn(b.page, DEMO_USERS.ma, chartPath);
    await b.page.waitForURL(`${ORIGIN}${chartPath}`);
    await expect.poll(() => banner(b.page).innerText(), { timeout: 10_000 }).toMatch(namePattern(JOSE));
  });

  it('every POST made with the session carries x-csrf-token (here the patient search, POST _search)', async () => {
    await openAs(b.page, DEMO_USERS.ma);
    const search = b.page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith('/fhir/R4/Patient/_search')
    );
    await searchBox(b.page).fill('munoz');
    expect((await search).headers()['x-csrf-token']).toMatch(/^.{16,}$/);
  });
});

describe('sign-out', () => {
  const b = useBrowser();

  it('returns to the sign-in screen; the back button shows no patient data; nothing is left in storage; signing in again goes back', async () => {
    await signIn(b.page, DEMO_USERS.ma);
    const option = await searchAndWait(b.page, 'munoz', JOSE);
    await option.click();
    await b.page.waitForURL(`${ORIGIN}${chartPath}`);
    await expect.poll(() => banner(b.page).innerText(), { timeout: 10_000 }).toMatch(namePattern(JOSE));

    await signOut(b.page);
    expect(new URL(b.page.url()).pathname).toBe('/sign-in');
    expect(new URL(b.page.url()).searchParams.get('next')).toBe(chartPath);
    await b.page.getByText('You have signed out.').waitFor({ state: 'visible' });
    expect(await b.page.locator('body').innerText()).not.toMatch(namePattern(JOSE));

    await b.page.goBack();
    await usernameField(b.page).waitFor({ state: 'visible' });
    expect(await banner(b.page).count()).toBe(0);
    expect(await b.page.locator('body').innerText()).not.toMatch(namePattern(JOSE));

    const left = await b.page.evaluate(async () => ({
      localStorage: Object.keys(localStorage),
      sessionStorage: Object.keys(sessionStorage),
      indexedDB: (await indexedDB.databases()).map((d) => d.name ?? '?'),
    }));
    expect(left).toEqual({ localStorage: [], sessionStorage: [], indexedDB: [] });

    // The session is over on the server too (the screen does not wait for the server to say so).
    await expect
      .poll(() => b.page.evaluate(async () => (await fetch('/auth/session')).status), { timeout: 10_000 })
      .toBe(401);

    // Signing in again returns to the chart the MA was on.
    await openSignIn(b.page, `/sign-in?next=${encodeURIComponent(chartPath)}`);
    await submitPassword(b.page, DEMO_USERS.ma);
    await b.page.waitForURL(`${ORIGIN}${chartPath}`);
    await banner(b.page).waitFor({ state: 'visible', timeout: 10_000 });
  });
});

describe('idle time-out', () => {
  const b = useBrowser();

  it('warns 60 s before the idle limit, "Stay signed in" keeps the session, and at zero the sign-in screen says it timed out', async () => {
    await b.page.clock.install();
    await b.context.addCookies([sessionCookie(await apiSignIn(DEMO_USERS.ma))]);
    await b.page.goto(chartPath);
    await banner(b.page).waitFor({ state: 'visible', timeout: 15_000 });
    const idleSeconds = await b.page.evaluate(
      async () =>
        ((await (await fetch('/auth/session')).json()) as { session: { idleTimeoutSeconds: number } }).session
          .idleTimeoutSeconds
    );

    // Inside the last minute: the warning counts down.
    await b.page.clock.fastForward((idleSeconds - 50) * 1000);
    const dialog = b.page.getByRole('dialog', { name: 'Are you still there?' });
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(() => dialog.innerText()).toMatch(/You will be signed out in \d+ s/);
    await expectAccessible(b.page, 'the idle warning');
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await banner(b.page).count()).toBe(1);

    // Nothing more happens: at the limit the app signs out without waiting for a request to fail.
    await b.page.clock.fastForward((idleSeconds + 5) * 1000);
    await b.page.getByText('Your session timed out').waitFor({ state: 'visible', timeout: 10_000 });
    await expectAccessible(b.page, 'the sign-in screen after a time-out');
    expect(new URL(b.page.url()).searchParams.get('next')).toBe(chartPath);
    expect(await banner(b.page).count()).toBe(0);
    expect(await b.page.locator('body').innerText()).not.toMatch(namePattern(JOSE));
  });
});

describe('active sessions', () => {
  const b = useBrowser();

  it('lists this browser and the others; ending the others signs those browsers out', async () => {
    const other = await b.browser.newContext({ baseURL: ORIGIN });
    try {
      const otherPage = await other.newPage();
      for (const context of [other, b.context]) {
        await context.addCookies([sessionCookie(await apiSignIn(DEMO_USERS.leadMa))]);
      }
      await otherPage.goto('/patients');
      await searchBox(otherPage).waitFor({ state: 'visible', timeout: 15_000 });
      await b.page.goto('/patients');

      await userMenu(b.page).click();
      await b.page.getByRole('menuitem', { name: 'Active sessions' }).click();
      await b.page.getByRole('heading', { level: 1, name: 'Active sessions' }).waitFor({ state: 'visible' });
      // The user menu closes with a short transition; axe must not see it half-gone.
      await b.page.locator('.mantine-Menu-dropdown').waitFor({ state: 'detached' });
      const rows = b.page.getByRole('region', { name: 'Your sessions' }).getByRole('row');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3); // header + 2
      await b.page.getByText('This browser').waitFor({ state: 'visible' });
      await expectAccessible(b.page, 'the active sessions page');

      // End every session but this one (other tests may have left some of the same user).
      const endOther = b.page.getByRole('button', { name: /^End the session started/ });
      while ((await endOther.count()) > 0) {
        const before = await rows.count();
        await endOther.first().click();
        await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(before - 1);
      }
      expect(await rows.count()).toBe(2);

      // The other browser's next request is refused, and it shows the sign-in screen.
      await searchBox(otherPage).fill('munoz');
      await usernameField(otherPage).waitFor({ state: 'visible', timeout: 10_000 });
      await otherPage.getByText('You were signed out').waitFor({ state: 'visible' });
    } finally {
      await other.close();
    }
  });
});

describe('the practice admin (MFA required)', () => {
  const b = useBrowser();

  it('signs in with MFA (enrolment the first time: QR code, key as text, 10 recovery codes), sees Administration, and the audit log lists the MA’s sign-in', async () => {
    // An MA sign-in to look for (a sign-in through the API is audited the same way).
    await apiSignIn(DEMO_USERS.ma);

    await signInAsAdmin(b.page);
    const nav = b.page.getByRole('navigation', { name: 'Main navigation' });
    for (const name of ['Users', 'Audit log', 'Audit settings']) {
      await nav.getByRole('link', { name }).waitFor({ state: 'visible' });
    }
    await expect.poll(() => userMenu(b.page).innerText()).toMatch(/Practice admin/);

    await nav.getByRole('link', { name: 'Audit log' }).click();
    await b.page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor({ state: 'visible' });
    await b.page.getByRole('textbox', { name: 'User' }).fill(DEMO_USERS.ma);
    await b.page.getByRole('button', { name: 'Show' }).click();
    const row = b.page
      .getByRole('table')
      .getByRole('row')
      .filter({ hasText: 'Sign in' })
      .filter({ hasText: DEMO_USERS.ma });
    await row.first().waitFor({ state: 'visible', timeout: 10_000 });
    await expectAccessible(b.page, 'the audit log');
  });
});
