import { describe, expect, it } from 'vitest';
import { patientRecords } from '../../../src/clinic/rooming/gaps/facts.js';
import { roomingVisitOf } from '../../../src/clinic/rooming/visit.js';
import { newPractice, testEngines, transaction, useEngine, type TestContext } from '../../harness.js';

/**
 * The rooming visit's age and the care gaps' record dates on the clinic's calendar
 * (docs/decisions/0017-clinic-local-dates.md). Chicago is UTC-6 (CST) in February and early March 2025/2026.
 */
describe.each(testEngines())('clinic-local dates in rooming [%s]', (engine) => {
  const h = useEngine(engine);

  const put = (resource: { resourceType: string; id: string } & Record<string, unknown>) => ({
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
  });
  const zone = (valueCode: string) => [
    { url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode },
  ];

  /** A newborn (born 2026-01-31) and an Encounter; `site` names the Encounter's site Location. */
  async function newborn(ctx: TestContext, site?: string): Promise<void> {
    const answer = await transaction(h.app, ctx, [
      put({
        resourceType: 'Patient',
        id: 'pat-baby',
        name: [{ family: 'Reyes', given: ['Lucia'] }],
        birthDate: '2026-01-31',
      }),
      put({
        resourceType: 'Encounter',
        id: 'enc-baby',
        status: 'in-progress',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: 'Patient/pat-baby' },
        ...(site ? { location: [{ location: { reference: `Location/${site}` }, status: 'active' }] } : {}),
      }),
    ]);
    expect(answer.status, answer.text).toBe(200);
  }

  // 2026-02-28T03:00Z is February 27, 21:00 CST: Jan 31 -> Feb 27 is 27 days (UTC's date said 28).
  const EVENING = new Date('2026-02-28T03:00:00Z');

  it("a visit's age in days is counted to its site's local date", async () => {
    const ctx = await newPractice(h.db, 'age-site');
    const sites = await transaction(h.app, ctx, [
      put({
        resourceType: 'Location',
        id: 'site-chi',
        name: 'Lakeside Pediatrics',
        extension: zone('America/Chicago'),
      }),
    ]);
    expect(sites.status, sites.text).toBe(200);
    await newborn(ctx, 'site-chi');
    const visit = await roomingVisitOf(h.db, ctx, 'enc-baby', EVENING);
    expect(visit.timeZone).toBe('America/Chicago');
    expect(visit.ageDays).toBe(27);
    // At local midnight (06:00Z) she is 28 days old.
    expect((await roomingVisitOf(h.db, ctx, 'enc-baby', new Date('2026-02-28T06:00:00Z'))).ageDays).toBe(28);
  });

  it("without a site on the visit, the practice's zone; without any zone, UTC", async () => {
    const ctx = await newPractice(h.db, 'age-practice');
    const sites = await transaction(h.app, ctx, [
      put({
        resourceType: 'Location',
        id: 'site-chi',
        name: 'Lakeside Pediatrics',
        extension: zone('America/Chicago'),
      }),
    ]);
    expect(sites.status, sites.text).toBe(200);
    await newborn(ctx);
    const visit = await roomingVisitOf(h.db, ctx, 'enc-baby', EVENING);
    expect(visit.timeZone).toBe('America/Chicago');
    expect(visit.ageDays).toBe(27);

    const bare = await newPractice(h.db, 'age-utc');
    await newborn(bare);
    const utc = await roomingVisitOf(h.db, bare, 'enc-baby', EVENING);
    expect(utc.timeZone).toBe('UTC');
    expect(utc.ageDays).toBe(28);
  });

  it("care-gap facts date a stored instant on the practice's calendar (a 19:30 CST reading is that day)", async () => {
    const ctx = await newPractice(h.db, 'gap-dates');
    const loaded = await transaction(h.app, ctx, [
      put({
        resourceType: 'Location',
        id: 'site-chi',
        name: 'Lakeside Clinic',
        extension: zone('America/Chicago'),
      }),
      put({
        resourceType: 'Patient',
        id: 'pat-ana',
        name: [{ family: 'Ortiz', given: ['Ana'] }],
        birthDate: '1970-05-05',
      }),
      put({
        resourceType: 'Observation',
        id: 'bp-evening',
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
            ],
          },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] },
        subject: { reference: 'Patient/pat-ana' },
        // 2025-03-03 19:30 CST, stored in UTC.
        effectiveDateTime: '2025-03-04T01:30:00Z',
        component: [
          {
            code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
            valueQuantity: {
              value: 128,
              unit: 'mm[Hg]',
              system: 'http://unitsofmeasure.org',
              code: 'mm[Hg]',
            },
          },
          {
            code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
            valueQuantity: { value: 82, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
          },
        ],
      }),
    ]);
    expect(loaded.status, loaded.text).toBe(200);
    const records = await patientRecords(h.db, ctx, [{ id: 'pat-ana', birthDate: '1970-05-05' }]);
    expect(records.get('pat-ana')?.facts.observations).toEqual([{ code: '85354-9', date: '2025-03-03' }]);
    // A zone passed in (the huddle sheet's site) wins.
    const inTokyo = await patientRecords(h.db, ctx, [{ id: 'pat-ana' }], 'Asia/Tokyo');
    expect(inTokyo.get('pat-ana')?.facts.observations).toEqual([{ code: '85354-9', date: '2025-03-04' }]);
  });
});
