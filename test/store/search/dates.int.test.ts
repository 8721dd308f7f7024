import { describe, expect, it } from 'vitest';
import { fhir, newPractice, testEngines, useEngine } from '../../harness.js';
import { matchIds, observation, seed, type Seed } from './helpers.js';

/*
 * Date, dateTime, instant and Period search (FHIR R4 search.html#date and #prefix). Every value is a range
 * at its precision: "2026-11-26" is [2026-11-26T00:00Z, 2026-11-27T00:00Z). Values without a zone are UTC.
 * Prefixes, for a search range S = [pl, pu) and a target range T = [tl, tu):
 *   eq: S contains T          ne: S does not contain T
 *   gt: T overlaps (pu, ∞)     lt: T overlaps (-∞, pl)
 *   ge: gt or eq              le: lt or eq
 *   sa: T starts at or after pu (and does not overlap S)    eb: T ends at or before pl
 */

/** Observations whose effective[x] sits around 2026-11-26 at several precisions. */
const observations: Seed[] = [
  // [10:00:00, 10:00:01) on the 26th
  observation('o-sec', { effectiveDateTime: '2026-11-26T10:00:00Z' }),
  // the whole 26th
  observation('o-day', { effectiveDateTime: '2026-11-26' }),
  // the whole of November
  observation('o-month', { effectiveDateTime: '2026-11' }),
  // the last second of the 25th
  observation('o-prev', { effectiveDateTime: '2026-11-25T23:59:59Z' }),
  // the first second of the 27th
  observation('o-next', { effectiveDateTime: '2026-11-27T00:00:00Z' }),
  // 23:30 on the 26th in New York = 04:30 on the 27th UTC
  observation('o-tz', { effectiveDateTime: '2026-11-26T23:30:00-05:00' }),
  // from the 20th to 12:00:00 on the 26th (the end second included)
  observation('o-period', { effectivePeriod: { start: '2026-11-20', end: '2026-11-26T12:00:00Z' } }),
  // from 08:00 on the 26th, ongoing (no end: extends to +infinity)
  observation('o-open', { effectivePeriod: { start: '2026-11-26T08:00:00Z' } }),
  observation('o-2025', { effectiveDateTime: '2025-06-15T09:00:00Z' }),
];

describe.each(testEngines())('date search on %s', (engine) => {
  const h = useEngine(engine);

  async function practiceWithObservations() {
    const ctx = await newPractice(h.db, 'dates');
    await seed(h.app, ctx, observations);
    return (url: string) => matchIds(h.app, ctx, `Observation?${url}`);
  }

  it('eq at day, month and year precision contains the whole target', async () => {
    const ids = await practiceWithObservations();
    // The 26th contains 10:00:00 and the day itself, but not November (wider), the ongoing period (it never
    // ends), the 20th-26th period (starts before) or 04:30 UTC on the 27th (o-tz).
    expect(await ids('date=2026-11-26')).toEqual(['o-day', 'o-sec']);
    expect(await ids('date=eq2026-11-26')).toEqual(['o-day', 'o-sec']);
    // November contains everything from 2026 except the ongoing period.
    expect(await ids('date=2026-11')).toEqual([
      'o-day',
      'o-month',
      'o-next',
      'o-period',
      'o-prev',
      'o-sec',
      'o-tz',
    ]);
    expect(await ids('date=2026')).toEqual([
      'o-day',
      'o-month',
      'o-next',
      'o-period',
      'o-prev',
      'o-sec',
      'o-tz',
    ]);
    expect(await ids('date=2025')).toEqual(['o-2025']);
    expect(await ids('date=2024')).toEqual([]);
  });

  it('eq at minute and second precision, and with time zones', async () => {
    const ids = await practiceWithObservations();
    // [10:00:00, 10:00:01) contains o-sec only; the whole day o-day is wider than the second.
    expect(await ids('date=2026-11-26T10:00:00Z')).toEqual(['o-sec']);
    expect(await ids('date=2026-11-26T10:00Z')).toEqual(['o-sec']);
    expect(await ids('date=2026-11-26T10:00:01Z')).toEqual([]);
    // The same instant written in another zone: 11:00+01:00 is 10:00Z.
    expect(await ids(`date=${encodeURIComponent('2026-11-26T11:00:00+01:00')}`)).toEqual(['o-sec']);
    // An unencoded "+" arrives as a space; the offset is still read as +01:00.
    expect(await ids('date=2026-11-26T11:00:00+01:00')).toEqual(['o-sec']);
    expect(await ids('date=2026-11-27T04:30:00Z')).toEqual(['o-tz']);
    expect(await ids(`date=${encodeURIComponent('2026-11-26T23:30:00-05:00')}`)).toEqual(['o-tz']);
    // Fractional seconds: .000 is the millisecond [10:00:00.000, 10:00:00.001), which does not contain the
    // whole second o-sec.
    expect(await ids('date=2026-11-26T10:00:00.000Z')).toEqual([]);
  });

  it('gt and lt compare against the whole day', async () => {
    const ids = await practiceWithObservations();
    // gt2026-11-26: the target must reach past the end of the day (27th 00:00). 10:00 on the 26th does not;
    // November, 00:00 on the 27th, 04:30Z on the 27th and the ongoing period do.
    expect(await ids('date=gt2026-11-26')).toEqual(['o-month', 'o-next', 'o-open', 'o-tz']);
    // lt2026-11-26: the target must start before the 26th.
    expect(await ids('date=lt2026-11-26')).toEqual(['o-2025', 'o-month', 'o-period', 'o-prev']);
  });

  it('ge and le are gt/lt or eq, not "overlaps"', async () => {
    const ids = await practiceWithObservations();
    // ge = gt ∪ eq. o-period (20th to 12:00 on the 26th) overlaps the 26th but neither reaches past it nor
    // is contained in it, so it is not ge2026-11-26.
    expect(await ids('date=ge2026-11-26')).toEqual(['o-day', 'o-month', 'o-next', 'o-open', 'o-sec', 'o-tz']);
    // le = lt ∪ eq. o-open (from 08:00 on the 26th, ongoing) neither starts before the 26th nor is contained
    // in it, so it is not le2026-11-26.
    expect(await ids('date=le2026-11-26')).toEqual([
      'o-2025',
      'o-day',
      'o-month',
      'o-period',
      'o-prev',
      'o-sec',
    ]);
  });

  it('sa, eb and ne', async () => {
    const ids = await practiceWithObservations();
    // sa: starts at or after the 27th. November starts before, so it is not "after".
    expect(await ids('date=sa2026-11-26')).toEqual(['o-next', 'o-tz']);
    // eb: ends at or before the 26th begins. o-prev's last second ends exactly at 00:00 on the 26th.
    expect(await ids('date=eb2026-11-26')).toEqual(['o-2025', 'o-prev']);
    // ne: everything eq does not match.
    expect(await ids('date=ne2026-11-26')).toEqual([
      'o-2025',
      'o-month',
      'o-next',
      'o-open',
      'o-period',
      'o-prev',
      'o-tz',
    ]);
  });

  it('ap is approximately: the same day matches, a distant one does not', async () => {
    const ids = await practiceWithObservations();
    const result = await ids('date=ap2026-11-26');
    // search.html#prefix leaves the width to the server (10% of the gap to now is suggested), so only what
    // holds for any reasonable width is asserted: values on the day match, June 2025 (164 days off) does not.
    expect(result).toEqual(expect.arrayContaining(['o-day', 'o-sec']));
    expect(result).not.toContain('o-2025');
  });

  it('repeated date parameters make a range (AND)', async () => {
    const ids = await practiceWithObservations();
    // ge2026-11-26 ∩ lt2026-11-27: gt-26 and also starts before the 27th (o-month, o-open), or within the 26th.
    expect(await ids('date=ge2026-11-26&date=lt2026-11-27')).toEqual(['o-day', 'o-month', 'o-open', 'o-sec']);
    // A comma is OR: the 25th or the 27th at day precision.
    expect(await ids('date=2026-11-25,2026-11-27')).toEqual(['o-next', 'o-prev', 'o-tz']);
  });

  it('birthdate at partial precision (a date, not a dateTime)', async () => {
    const ctx = await newPractice(h.db, 'dates');
    await seed(h.app, ctx, [
      { resourceType: 'Patient', id: 'p-jose', birthDate: '1961-03-04' },
      { resourceType: 'Patient', id: 'p-jane', birthDate: '1980-05-17' },
      // Only the month is known: the range is all of May 1980.
      { resourceType: 'Patient', id: 'p-janet', birthDate: '1980-05' },
      { resourceType: 'Patient', id: 'p-ann' },
    ]);
    const ids = (q: string) => matchIds(h.app, ctx, `Patient?${q}`);
    expect(await ids('birthdate=1961')).toEqual(['p-jose']);
    expect(await ids('birthdate=1961-03')).toEqual(['p-jose']);
    expect(await ids('birthdate=1961-03-04')).toEqual(['p-jose']);
    expect(await ids('birthdate=1961-03-05')).toEqual([]);
    // May 1980 contains the 17th and the month itself ...
    expect(await ids('birthdate=1980-05')).toEqual(['p-jane', 'p-janet']);
    // ... but the 17th does not contain all of May.
    expect(await ids('birthdate=1980-05-17')).toEqual(['p-jane']);
    // A day inside a birthDate is not equal to it: the search second does not contain the whole day.
    expect(await ids('birthdate=1961-03-04T10:00:00Z')).toEqual([]);
    // gt the 17th: only "May 1980" reaches past the 17th.
    expect(await ids('birthdate=gt1980-05-17')).toEqual(['p-janet']);
    // lt the 17th: 1961 and "May 1980" (which starts on the 1st) start before it.
    expect(await ids('birthdate=lt1980-05-17')).toEqual(['p-janet', 'p-jose']);
    expect(await ids('birthdate=ge1970&birthdate=lt1990')).toEqual(['p-jane', 'p-janet']);
  });

  it('_lastUpdated compares the instant a version was written', async () => {
    const ctx = await newPractice(h.db, 'dates');
    await seed(h.app, ctx, [{ resourceType: 'Patient', id: 'p-before' }]);
    await new Promise((r) => setTimeout(r, 15));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 15));
    await seed(h.app, ctx, [{ resourceType: 'Patient', id: 'p-after' }]);
    const ids = (q: string) => matchIds(h.app, ctx, `Patient?${q}`);
    expect(await ids(`_lastUpdated=gt${between}`)).toEqual(['p-after']);
    expect(await ids(`_lastUpdated=lt${between}`)).toEqual(['p-before']);
    expect(await ids('_lastUpdated=gt2000-01-01')).toEqual(['p-after', 'p-before']);
    expect(await ids('_lastUpdated=lt2000')).toEqual([]);
    const read = await fhir(h.app, ctx, { method: 'GET', url: 'Patient/p-after' });
    // eq at millisecond precision: the instant itself.
    expect(await ids(`_lastUpdated=${read.body.meta.lastUpdated}`)).toEqual(['p-after']);
  });
});

describe.each(testEngines())('number and quantity search on %s', (engine) => {
  const h = useEngine(engine);

  function chargeItem(id: string, factorOverride: number): Seed {
    return {
      resourceType: 'ChargeItem',
      id,
      status: 'billable',
      code: { text: 'visit' },
      subject: { reference: 'Patient/p-1' },
      factorOverride,
    };
  }

  it('a number carries the precision it is written with (search.html#number)', async () => {
    const ctx = await newPractice(h.db, 'numbers');
    await seed(h.app, ctx, [
      chargeItem('c-99.49', 99.49),
      chargeItem('c-99.5', 99.5),
      chargeItem('c-100', 100),
      chargeItem('c-100.5', 100.5),
      chargeItem('c-1.45', 1.45),
    ]);
    const ids = (q: string) => matchIds(h.app, ctx, `ChargeItem?${q}`);
    // "100" is [99.5, 100.5): 99.5 is in, 100.5 and 99.49 are out.
    expect(await ids('factor-override=100')).toEqual(['c-100', 'c-99.5']);
    // "100.0" is [99.95, 100.05).
    expect(await ids('factor-override=100.0')).toEqual(['c-100']);
    // "1.5" is [1.45, 1.55): 1.45 is the inclusive lower bound (exact decimal, no float rounding).
    expect(await ids('factor-override=1.5')).toEqual(['c-1.45']);
    // "1.4" is [1.35, 1.45): the exclusive upper bound.
    expect(await ids('factor-override=1.4')).toEqual([]);
    expect(await ids('factor-override=1.45')).toEqual(['c-1.45']);
    // Prefixes compare with the exact value: lt100 is "less than exactly 100".
    expect(await ids('factor-override=lt100')).toEqual(['c-1.45', 'c-99.49', 'c-99.5']);
    expect(await ids('factor-override=le100')).toEqual(['c-1.45', 'c-100', 'c-99.49', 'c-99.5']);
    expect(await ids('factor-override=gt100')).toEqual(['c-100.5']);
    expect(await ids('factor-override=ge100')).toEqual(['c-100', 'c-100.5']);
    // ne100: outside [99.5, 100.5).
    expect(await ids('factor-override=ne100')).toEqual(['c-1.45', 'c-100.5', 'c-99.49']);
    // ap: within 10% of 100 = [90, 110].
    expect(await ids('factor-override=ap100')).toEqual(['c-100', 'c-100.5', 'c-99.49', 'c-99.5']);
    // 1e2 is 100 at one significant figure: whatever the width, 99.49..100.5 are in and 1.45 is out.
    expect(await ids('factor-override=1e2')).toEqual(['c-100', 'c-100.5', 'c-99.49', 'c-99.5']);
    expect(await ids('factor-override=ge99.5&factor-override=lt100.5')).toEqual(['c-100', 'c-99.5']);
  });

  it('quantity: number, system and code/unit (search.html#quantity)', async () => {
    const ctx = await newPractice(h.db, 'numbers');
    const ucum = 'http://unitsofmeasure.org';
    await seed(h.app, ctx, [
      observation('q-mg5', { valueQuantity: { value: 5.4, unit: 'mg', system: ucum, code: 'mg' } }),
      observation('q-g5', { valueQuantity: { value: 5.4, unit: 'g', system: ucum, code: 'g' } }),
      observation('q-mg10', { valueQuantity: { value: 10, unit: 'milligram', system: ucum, code: 'mg' } }),
      // A unit written as text only, no system or code.
      observation('q-text', { valueQuantity: { value: 5.4, unit: 'mg' } }),
    ]);
    const ids = (q: string) => matchIds(h.app, ctx, `Observation?${q}`);
    // No unit: any unit.
    expect(await ids('value-quantity=5.4')).toEqual(['q-g5', 'q-mg5', 'q-text']);
    // system|code: the system must match, and the code.
    expect(await ids(`value-quantity=5.4|${ucum}|mg`)).toEqual(['q-mg5']);
    // ||unit: no system, so the unit matches either the code or the unit text.
    expect(await ids('value-quantity=5.4||mg')).toEqual(['q-mg5', 'q-text']);
    expect(await ids('value-quantity=10||milligram')).toEqual(['q-mg10']);
    // With a system, "milligram" is not the UCUM code (mg).
    expect(await ids(`value-quantity=10|${ucum}|milligram`)).toEqual([]);
    // 5.4 g is not 5.4 mg, and not "greater than 5.4 mg" unless units are converted (which the spec leaves
    // optional): only the 10 mg value is.
    expect(await ids('value-quantity=gt5.4||mg')).toEqual(['q-mg10']);
    expect(await ids(`value-quantity=le10|${ucum}|mg`)).toEqual(['q-mg10', 'q-mg5']);
  });

  it('a malformed date or number is a 400 naming the parameter', async () => {
    const ctx = await newPractice(h.db, 'numbers');
    for (const [url, expression] of [
      ['Patient?birthdate=1961-13', 'birthdate'],
      ['Patient?birthdate=1961-02-30', 'birthdate'],
      ['Patient?birthdate=yesterday', 'birthdate'],
      ['Patient?birthdate=gt', 'birthdate'],
      ['Patient?_lastUpdated=2026-11-26T25:00:00Z', '_lastUpdated'],
      ['ChargeItem?factor-override=abc', 'factor-override'],
      ['Observation?value-quantity=lots||mg', 'value-quantity'],
    ] as const) {
      const res = await fhir(h.app, ctx, { method: 'GET', url });
      expect(res.status, url).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression, url).toEqual([expression]);
    }
  });
});
