import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { fhir, newPractice, testEngines, useEngine } from '../../harness.js';
import type { RequestContext } from '../../../src/store/context.js';
import { idsOf, linkUrl, matchIds, searchBundle, seed, type Seed } from './helpers.js';

/*
 * _sort and _count paging (FHIR R4 search.html#sort, #count, http.html#paging). Pages are keyset-based: a
 * `next` link continues after the last row it returned, so rows written or deleted between requests never
 * make an unchanged row appear twice or not at all.
 */

const pad = (n: number): string => String(n).padStart(2, '0');

function pagePatients(n: number): Seed[] {
  // pg-01 ... pg-45, born on consecutive days so a date sort has a known order too.
  return Array.from({ length: n }, (_, i) => ({
    resourceType: 'Patient',
    id: `pg-${pad(i + 1)}`,
    name: [{ family: 'Page' }],
    birthDate: `2000-01-${pad((i % 28) + 1)}`,
  }));
}

/** Follows `next` links from a first URL, returning each page's match ids. */
async function walk(
  app: FastifyInstance,
  ctx: RequestContext,
  first: string,
  between?: (page: number) => Promise<void>
) {
  const pages: string[][] = [];
  let url: string | undefined = first;
  while (url) {
    const bundle = await searchBundle(app, ctx, url);
    pages.push(idsOf(bundle));
    url = linkUrl(bundle, 'next');
    if (between && url) {
      await between(pages.length);
    }
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

describe.each(testEngines())('sort and paging on %s', (engine) => {
  const h = useEngine(engine);

  it('walks next links through 45 resources at _count=10, each exactly once', async () => {
    const ctx = await newPractice(h.db, 'paging');
    await seed(h.app, ctx, pagePatients(45));
    const pages = await walk(h.app, ctx, 'Patient?_count=10');
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 5]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(45);
    expect([...all].sort()).toEqual(pagePatients(45).map((p) => p.id));
    // The same through POST _search: the links it returns are GET URLs that keep the parameters.
    const first = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient/_search',
      body: 'family=page&_count=20',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(first.status).toBe(200);
    const rest = await walk(h.app, ctx, linkUrl(first.body, 'next') as string);
    expect([...idsOf(first.body), ...rest.flat()].sort()).toEqual(pagePatients(45).map((p) => p.id));
  });

  it('keeps pages consistent when rows are inserted and deleted between requests', async () => {
    const ctx = await newPractice(h.db, 'paging');
    await seed(h.app, ctx, pagePatients(45));
    const deleted = new Set<string>();
    const pages = await walk(h.app, ctx, 'Patient?_sort=_id&_count=10', async (page) => {
      if (page === 1) {
        // After page 1 (pg-01..pg-10): delete one row already seen and one not yet seen; insert one before
        // the cursor and one after it.
        for (const id of ['pg-05', 'pg-15']) {
          expect((await fhir(h.app, ctx, { method: 'DELETE', url: `Patient/${id}` })).status).toBe(204);
          deleted.add(id);
        }
        await seed(h.app, ctx, [
          { resourceType: 'Patient', id: 'pg-00', name: [{ family: 'Page' }] },
          { resourceType: 'Patient', id: 'pg-15a', name: [{ family: 'Page' }] },
        ]);
      }
      if (page === 3) {
        // Update a row not yet seen: it keeps its place (the sort key _id does not change).
        await seed(h.app, ctx, [{ resourceType: 'Patient', id: 'pg-40', name: [{ family: 'Paige' }] }]);
      }
    });
    const all = pages.flat();
    // No row twice.
    expect(new Set(all).size).toBe(all.length);
    // Every row that existed throughout (all but pg-05 and pg-15) appears exactly once.
    const unchanged = pagePatients(45)
      .map((p) => p.id)
      .filter((id) => !deleted.has(id));
    for (const id of unchanged) {
      expect(
        all.filter((x) => x === id),
        id
      ).toHaveLength(1);
    }
    // pg-15 was deleted before its page was read; pg-00 sorts before the cursor; pg-15a after it.
    expect(all).not.toContain('pg-15');
    expect(all).not.toContain('pg-00');
    expect(all).toContain('pg-15a');
    expect(pages[1]).toEqual([
      'pg-11',
      'pg-12',
      'pg-13',
      'pg-14',
      'pg-15a',
      'pg-16',
      'pg-17',
      'pg-18',
      'pg-19',
      'pg-20',
    ]);
  });

  it('keeps pages consistent under a date sort with ties and inserts', async () => {
    const ctx = await newPractice(h.db, 'paging');
    // 45 patients, birthdates 2000-01-01..28 then again 01..17: every date from the 1st to the 17th is a tie.
    await seed(h.app, ctx, pagePatients(45));
    const pages = await walk(h.app, ctx, 'Patient?_sort=birthdate&_count=7', async (page) => {
      if (page === 2) {
        // A new patient on a date already passed and one on a date still ahead.
        await seed(h.app, ctx, [
          { resourceType: 'Patient', id: 'pg-early', birthDate: '2000-01-01' },
          { resourceType: 'Patient', id: 'pg-late', birthDate: '2000-01-28' },
        ]);
      }
    });
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const p of pagePatients(45)) {
      expect(
        all.filter((x) => x === p.id),
        p.id
      ).toHaveLength(1);
    }
    expect(all).not.toContain('pg-early');
    expect(all).toContain('pg-late');
    // Ties on the 1st: pg-01 and pg-29, by id.
    expect(all.slice(0, 2)).toEqual(['pg-01', 'pg-29']);
  });

  it('previous returns the page before', async () => {
    const ctx = await newPractice(h.db, 'paging');
    await seed(h.app, ctx, pagePatients(25));
    const page1 = await searchBundle(h.app, ctx, 'Patient?_sort=-_id&_count=10');
    // First page: no previous link. Descending ids: pg-25 .. pg-16.
    expect(linkUrl(page1, 'previous')).toBeUndefined();
    expect(idsOf(page1)).toEqual(Array.from({ length: 10 }, (_, i) => `pg-${pad(25 - i)}`));
    const page2 = await searchBundle(h.app, ctx, linkUrl(page1, 'next') as string);
    const page3 = await searchBundle(h.app, ctx, linkUrl(page2, 'next') as string);
    expect(idsOf(page3)).toEqual(['pg-05', 'pg-04', 'pg-03', 'pg-02', 'pg-01']);
    expect(linkUrl(page3, 'next')).toBeUndefined();
    const back2 = await searchBundle(h.app, ctx, linkUrl(page3, 'previous') as string);
    expect(idsOf(back2)).toEqual(idsOf(page2));
    const back1 = await searchBundle(h.app, ctx, linkUrl(back2, 'previous') as string);
    expect(idsOf(back1)).toEqual(idsOf(page1));
    // Back at the start there is nothing before.
    expect(linkUrl(back1, 'previous')).toBeUndefined();
    expect(linkUrl(back1, 'next')).toBeDefined();
  });

  it('sorts by several keys, ascending and descending, with ties broken consistently', async () => {
    const ctx = await newPractice(h.db, 'sort');
    await seed(h.app, ctx, [
      { resourceType: 'Patient', id: 's-a', name: [{ family: 'Zed' }], birthDate: '1990-02-02' },
      { resourceType: 'Patient', id: 's-b', name: [{ family: 'Young' }], birthDate: '1980-01-01' },
      { resourceType: 'Patient', id: 's-c', name: [{ family: 'Adams' }], birthDate: '1990-02-02' },
      { resourceType: 'Patient', id: 's-d', name: [{ family: 'Adams' }] },
      { resourceType: 'Patient', id: 's-e', name: [{ family: 'Adams' }], birthDate: '1980-01-01' },
    ]);
    const ordered = async (q: string) => idsOf(await searchBundle(h.app, ctx, `Patient?${q}`));
    // birthdate, then family; each tie on the first key is ordered by the second.
    expect(await ordered('birthdate:missing=false&_sort=birthdate,family')).toEqual([
      's-e',
      's-b',
      's-c',
      's-a',
    ]);
    expect(await ordered('birthdate:missing=false&_sort=-birthdate,family')).toEqual([
      's-c',
      's-a',
      's-e',
      's-b',
    ]);
    expect(await ordered('birthdate:missing=false&_sort=family,-birthdate')).toEqual([
      's-c',
      's-e',
      's-b',
      's-a',
    ]);
    expect(await ordered('birthdate:missing=false&_sort=-family,birthdate')).toEqual([
      's-a',
      's-b',
      's-e',
      's-c',
    ]);
    // A full tie (same birthdate, no second key) is still a stable order across pages of one.
    const walked = (
      await walk(h.app, ctx, 'Patient?birthdate:missing=false&_sort=birthdate&_count=1')
    ).flat();
    expect(walked).toHaveLength(4);
    expect(walked.slice(0, 2).sort()).toEqual(['s-b', 's-e']);
    expect(walked.slice(2).sort()).toEqual(['s-a', 's-c']);
    // A resource without the sort value is still returned, once, when paging through a date sort.
    const withMissing = (await walk(h.app, ctx, 'Patient?_sort=-birthdate&_count=2')).flat();
    expect([...withMissing].sort()).toEqual(['s-a', 's-b', 's-c', 's-d', 's-e']);
    // (page size 1, so the cursor itself carries the missing value)
    const ascMissing = (await walk(h.app, ctx, 'Patient?_sort=birthdate&_count=1')).flat();
    expect([...ascMissing].sort()).toEqual(['s-a', 's-b', 's-c', 's-d', 's-e']);
    expect(await matchIds(h.app, ctx, 'Patient?_sort=_lastUpdated')).toHaveLength(5);
  });

  // search.html#sort: with several values the lowest is used ascending and the highest descending; a
  // Period's lowest point is its start and its highest its end.
  it('sorts on a Period by its start ascending and by its end descending', async () => {
    const ctx = await newPractice(h.db, 'sort');
    await seed(h.app, ctx, [
      {
        resourceType: 'Encounter',
        id: 'e-long',
        status: 'finished',
        class: { code: 'AMB' },
        period: { start: '2026-01-01', end: '2026-12-31' },
      },
      {
        resourceType: 'Encounter',
        id: 'e-mid',
        status: 'finished',
        class: { code: 'AMB' },
        period: { start: '2026-03-01', end: '2026-03-02' },
      },
      {
        resourceType: 'Encounter',
        id: 'e-open',
        status: 'in-progress',
        class: { code: 'AMB' },
        period: { start: '2026-06-01' },
      },
    ]);
    const ordered = async (q: string) => idsOf(await searchBundle(h.app, ctx, `Encounter?${q}`));
    expect(await ordered('_sort=date')).toEqual(['e-long', 'e-mid', 'e-open']);
    // Descending by end: the ongoing one never ends, then the one ending in December, then March.
    expect(await ordered('_sort=-date')).toEqual(['e-open', 'e-long', 'e-mid']);
    const walked = (await walk(h.app, ctx, 'Encounter?_sort=-date&_count=1')).flat();
    expect(walked).toEqual(['e-open', 'e-long', 'e-mid']);
  });
});
