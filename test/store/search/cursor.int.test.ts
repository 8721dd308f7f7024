import { describe, expect, it } from 'vitest';
import { fhir, newPractice, testEngines, useEngine } from '../../harness.js';

/** A cursor carrying a value of the wrong kind for its sort key (fast-check found a number for a date key). */
const forged = (values: unknown[]): string =>
  Buffer.from(JSON.stringify({ v: values, dir: 'next' })).toString('base64url');

describe.each(testEngines())('forged cursors [%s]', (engine) => {
  const h = useEngine(engine);

  it('a cursor value that does not fit its sort key is a 400 naming _cursor, not a database error', async () => {
    const ctx = await newPractice(h.db, 'cursor');
    for (const cursor of [
      forged([-8640000000000001, '']),
      forged(['not a date', 'x']),
      forged(['2026-13-01 00:00:00+00', 'x']),
    ]) {
      const res = await fhir(h.app, ctx, { method: 'GET', url: `Patient?_sort=birthdate&_cursor=${cursor}` });
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['_cursor']);
    }
    const numeric = await fhir(h.app, ctx, {
      method: 'GET',
      url: `RiskAssessment?_sort=probability&_cursor=${forged(['1e999', 'x'])}`,
    });
    expect(numeric.status).toBe(400);
    // What the server itself issues still pages.
    const ok = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Patient?_sort=birthdate&_cursor=${forged(['1970-01-01 00:00:00+00', 'a'])}`,
    });
    expect(ok.status).toBe(200);
  });
});
