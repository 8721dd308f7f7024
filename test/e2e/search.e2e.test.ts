/**
 * Patient search in Chromium: by part of a name (accents and case ignored), "last, first", date of birth in three
 * typed forms, and MRN; each result shows name, date of birth, age, sex and MRN. Searches go as POST _search, so no
 * name or date of birth ever appears in a URL (server logs, proxies, browser history).
 */
import type { Patient } from '@medplum/fhirtypes';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANA, JOSE, ZOE } from './demoPatients.js';
import { useSessionOf } from './signIn.js';
import {
  ORIGIN,
  agePattern,
  ageYears,
  datePattern,
  expectAccessible,
  fhirGet,
  namePattern,
  openApp,
  optionFor,
  searchAndWait,
  searchBox,
  useBrowser,
} from './helpers.js';

describe('patient search', () => {
  const b = useBrowser();
  // Signed in as the demo medical assistant (one session per file: test/e2e/signIn.ts).
  beforeEach(async () => {
    await useSessionOf(b.context, 'ma');
  });
  let jose: Patient;
  beforeAll(async () => {
    jose = await fhirGet<Patient>(`Patient/${JOSE.id}`);
  });

  it('"munoz" finds José Muñoz; the result shows name, date of birth, age, sex and MRN', async () => {
    await openApp(b.page);
    const option = await searchAndWait(b.page, 'munoz', JOSE);
    const text = (await option.innerText()).replace(/\s+/g, ' ');
    expect(text).toMatch(namePattern(JOSE));
    expect(text).toMatch(datePattern(jose.birthDate ?? ''));
    expect(text).toMatch(agePattern(ageYears(jose.birthDate ?? '')));
    expect(text).toMatch(/\b(male|M)\b/i);
    expect(text).not.toMatch(/female/i);
    expect(text).toContain(JOSE.mrn);
    await expectAccessible(b.page, 'search with results open');
  });

  it('part of an accented name, typed without accents: "bront" finds Zoë Brontë, "garcia-lo" finds Ana Sofía García-López', async () => {
    await openApp(b.page);
    await searchAndWait(b.page, 'bront', ZOE);
    await searchAndWait(b.page, 'garcia-lo', ANA);
  });

  it('"last, first": "munoz, jose" finds José Muñoz and not the other Muñoz (Emiliano Donald)', async () => {
    await openApp(b.page);
    await searchAndWait(b.page, 'munoz, jose', JOSE);
    const texts = await b.page.getByRole('option').allInnerTexts();
    expect(
      texts.some((t) => /Emiliano/i.test(t)),
      texts.join(' | ')
    ).toBe(false);
  });

  it('date of birth typed as MM/DD/YYYY, M/D/YYYY and YYYY-MM-DD', async () => {
    const [y, m, d] = (jose.birthDate ?? '').split('-');
    await openApp(b.page);
    for (const typed of [`${m}/${d}/${y}`, `${Number(m)}/${Number(d)}/${y}`, `${y}-${m}-${d}`]) {
      const option = await searchAndWait(b.page, typed, JOSE);
      expect(await option.innerText(), `searching ${typed}`).toMatch(namePattern(JOSE));
      // Every result of a date-of-birth search was born that day.
      for (const t of await b.page.getByRole('option').allInnerTexts()) {
        expect(t, `a result of ${typed}`).toMatch(datePattern(jose.birthDate ?? ''));
      }
    }
  });

  it('MRN finds exactly that patient', async () => {
    await openApp(b.page);
    await searchAndWait(b.page, JOSE.mrn, JOSE);
    await expect.poll(() => b.page.getByRole('option').count()).toBe(1);
  });

  it('Enter on a result opens /patients/<id>', async () => {
    await openApp(b.page);
    await searchAndWait(b.page, 'munoz, jose', JOSE);
    await searchBox(b.page).press('ArrowDown');
    await searchBox(b.page).press('Enter');
    await b.page.waitForURL(`${ORIGIN}/patients/${JOSE.id}`);
  });

  it('searches are POSTs to Patient/_search; no name, date of birth or MRN in any URL', async () => {
    await openApp(b.page);
    const [y, m, d] = (jose.birthDate ?? '').split('-');
    const typed = ['munoz', 'munoz, jose', `${m}/${d}/${y}`, JOSE.mrn];
    for (const text of typed) {
      await searchAndWait(b.page, text, JOSE);
    }
    await optionFor(b.page, JOSE).click();
    await b.page.waitForURL(`${ORIGIN}/patients/${JOSE.id}`);

    const patientSearches = b.requests.filter((r) => {
      const u = new URL(r.url);
      return (
        u.pathname.startsWith('/fhir/R4/Patient') && !/^\/fhir\/R4\/Patient\/[^/_][^/]*$/.test(u.pathname)
      );
    });
    expect(patientSearches.length, 'the app searched the server').toBeGreaterThan(0);
    for (const r of patientSearches) {
      const u = new URL(r.url);
      expect(`${r.method} ${u.pathname}${u.search}`).toBe('POST /fhir/R4/Patient/_search');
    }
    // The search text travelled in the bodies...
    expect(patientSearches.map((r) => r.body ?? '').join('&')).toMatch(/munoz/i);
    // ...and in no URL at all, the page's own included.
    const secrets = [
      /mu(n|ñ|%C3%B1)oz/i,
      /jos(e|é|%C3%A9)/i,
      new RegExp(`${y}-?${m}-?${d}`),
      new RegExp(`${m}(/|%2F)${d}`),
      /RB100028/i,
    ];
    for (const url of [...b.requests.map((r) => r.url), b.page.url()]) {
      for (const secret of secrets) {
        expect(url, `URL carries ${secret}`).not.toMatch(secret);
      }
    }
  });
});
