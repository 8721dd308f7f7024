/**
 * What the app leaves behind and how it behaves when the server is gone: a shared front-desk computer must keep no
 * patient data in the browser, and a dropped connection must say so without losing what the MA typed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { JOSE } from './demoPatients.js';
import { useSessionOf } from './signIn.js';
import {
  ORIGIN,
  banner,
  openApp,
  optionFor,
  searchAndWait,
  searchBox,
  sectionHeading,
  useBrowser,
} from './helpers.js';

describe('browser storage and a lost server', () => {
  const b = useBrowser();
  // Signed in as the demo medical assistant (one session per file: test/e2e/signIn.ts).
  beforeEach(async () => {
    await useSessionOf(b.context, 'ma');
  });

  it('after searching and opening a chart: nothing in localStorage, sessionStorage, IndexedDB, Cache Storage; no service worker', async () => {
    await openApp(b.page);
    await searchAndWait(b.page, 'munoz', JOSE);
    await optionFor(b.page, JOSE).click();
    await b.page.waitForURL(`${ORIGIN}/patients/${JOSE.id}`);
    await banner(b.page).waitFor({ state: 'visible' });
    await sectionHeading(b.page, 'Vitals').waitFor({ state: 'visible' });
    const left = await b.page.evaluate(async () => ({
      localStorage: Object.keys(localStorage),
      sessionStorage: Object.keys(sessionStorage),
      indexedDB: (await indexedDB.databases()).map((d) => d.name ?? '?'),
      caches: 'caches' in window ? await caches.keys() : [],
      serviceWorkers:
        'serviceWorker' in navigator
          ? (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope)
          : [],
    }));
    expect(left).toEqual({
      localStorage: [],
      sessionStorage: [],
      indexedDB: [],
      caches: [],
      serviceWorkers: [],
    });
  });

  it('server unreachable: "Cannot reach" shows and the typed search is kept', async () => {
    await openApp(b.page);
    await b.page.route('**/fhir/**', (route) => route.abort('connectionrefused'));
    await searchBox(b.page).fill('munoz');
    await b.page
      .getByText(/Cannot reach/i)
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    expect(await searchBox(b.page).inputValue()).toBe('munoz');
  });
});
