import { describe, expect, it } from 'vitest';
import { parseConsent, recordConsent } from '../../../src/clinic/registration/consents.js';
import { captureCoverage, parseCoverage } from '../../../src/clinic/registration/coverage.js';
import {
  countOf,
  newPractice,
  testEngines,
  transaction,
  useEngine,
  type TestContext,
} from '../../harness.js';
import { PNG } from './fixtures.js';

/**
 * "Today" at the desk is the clinic's date (docs/decisions/0017-clinic-local-dates.md): a consent or coverage
 * sent without a date, on the evening of 2026-11-26 in Chicago (20:00 CST = 2026-11-27T02:00Z, when UTC's
 * date is already the 27th), is dated the 26th.
 */
const EVENING = new Date('2026-11-27T02:00:00Z');

describe.each(testEngines())('clinic-local defaults at the desk [%s]', (engine) => {
  const h = useEngine(engine);

  async function chicagoPractice(): Promise<TestContext> {
    const ctx = await newPractice(h.db, 'desk-dates');
    const answer = await transaction(h.app, ctx, [
      {
        resource: {
          resourceType: 'Location',
          id: 'site-chi',
          name: 'Lakeside Clinic',
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/Chicago' },
          ],
        },
        request: { method: 'PUT', url: 'Location/site-chi' },
      },
      {
        resource: { resourceType: 'Patient', id: 'pat-ana', name: [{ family: 'Ortiz', given: ['Ana'] }] },
        request: { method: 'PUT', url: 'Patient/pat-ana' },
      },
    ]);
    expect(answer.status, answer.text).toBe(200);
    return ctx;
  }

  const consentBody = (extra: Record<string, unknown> = {}) => ({
    patientId: 'pat-ana',
    type: 'financial-policy',
    signature: PNG,
    ...extra,
  });

  it("a consent signed without a date is dated the clinic's today", async () => {
    const ctx = await chicagoPractice();
    const recorded = await recordConsent(h.db, ctx, parseConsent(consentBody(), EVENING), EVENING);
    expect(recorded.consent.dateTime).toBe('2026-11-26');
    expect(recorded.consent.provision?.period?.start).toBe('2026-11-26');
  });

  it("an expiry is checked against the clinic's today: the 27th is after it, the 26th is not", async () => {
    const ctx = await chicagoPractice();
    // UTC's date (the 27th) refused this one.
    const ok = await recordConsent(
      h.db,
      ctx,
      parseConsent(consentBody({ expires: '2026-11-27' }), EVENING),
      EVENING
    );
    expect(ok.consent.provision?.period).toEqual({ start: '2026-11-26', end: '2026-11-27' });
    const before = {
      consents: await countOf(h.app, ctx, 'Consent'),
      docs: await countOf(h.app, ctx, 'DocumentReference'),
    };
    await expect(
      recordConsent(h.db, ctx, parseConsent(consentBody({ expires: '2026-11-26' }), EVENING), EVENING)
    ).rejects.toMatchObject({ status: 400, outcome: { issue: [{ expression: ['expires'] }] } });
    expect(await countOf(h.app, ctx, 'Consent')).toBe(before.consents);
    expect(await countOf(h.app, ctx, 'DocumentReference')).toBe(before.docs);
  });

  it("coverage without a start is covered from the clinic's today", async () => {
    const ctx = await chicagoPractice();
    const input = parseCoverage(
      { patientId: 'pat-ana', payer: { name: 'Prairie Health Plan' }, memberId: 'PH-1' },
      EVENING
    );
    const captured = await captureCoverage(h.db, ctx, input, EVENING);
    expect(captured.coverage.period).toEqual({ start: '2026-11-26' });
  });
});
