import { describe, expect, it } from 'vitest';
import { asUser, signedInUser, type TestUser } from '../../../authHarness.js';
import { newPractice, testEngines, transaction, useEngine, type TestContext } from '../../../harness.js';

/**
 * GET /api/rooming/patients/:id/vitals-history and /growth (docs/rooming/growth.md) on both engines. The clock
 * is 2026-06-15 12:00 UTC; Ana (girl, born 2021-06-15) has three measurement sets: at 3 years, 4 years (her
 * weight entered in pounds) and today (a full set of vital signs).
 */
const NOW = new Date('2026-06-15T12:00:00Z');
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const CATEGORY = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
        display: 'Vital Signs',
      },
    ],
  },
];

const put = (resource: { resourceType: string; id: string } & Record<string, unknown>) => ({
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});

let seq = 0;
function vital(
  patient: string,
  at: string,
  code: string,
  value: number,
  unit: string,
  extra: Record<string, unknown> = {}
) {
  seq += 1;
  return put({
    resourceType: 'Observation',
    id: `obs-${seq}`,
    status: 'final',
    category: CATEGORY,
    code: { coding: [{ system: LOINC, code }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: at,
    valueQuantity: { value, unit, system: UCUM, code: unit },
    ...extra,
  });
}

function bloodPressure(patient: string, at: string, systolic: number, diastolic: number) {
  seq += 1;
  const part = (code: string, value: number) => ({
    code: { coding: [{ system: LOINC, code }] },
    valueQuantity: { value, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' },
  });
  return put({
    resourceType: 'Observation',
    id: `obs-${seq}`,
    status: 'final',
    category: CATEGORY,
    code: { coding: [{ system: LOINC, code: '85354-9' }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: at,
    component: [part('8480-6', systolic), part('8462-4', diastolic)],
  });
}

const AT_3Y = '2024-06-15T10:00:00Z';
const AT_4Y = '2025-06-15T10:00:00Z';
const TODAY = '2026-06-15T10:00:00Z';

describe.each(testEngines())('trends and growth routes [%s]', (engine) => {
  const h = useEngine(engine, { now: () => NOW });

  async function setUp(): Promise<{ ctx: TestContext; ma: TestUser; desk: TestUser }> {
    const ctx = await newPractice(h.db, 'growth');
    const answer = await transaction(h.app, ctx, [
      put({
        resourceType: 'Patient',
        id: 'ana',
        gender: 'female',
        birthDate: '2021-06-15',
        name: [{ family: 'Ruiz', given: ['Ana'] }],
      }),
      put({
        resourceType: 'Patient',
        id: 'noone',
        birthDate: '2020-01-01',
        name: [{ family: 'Doe', given: ['Sam'] }],
      }),
      put({
        resourceType: 'Patient',
        id: 'hidden',
        gender: 'male',
        birthDate: '2019-01-01',
        name: [{ family: 'Vance', given: ['Iris'] }],
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        },
      }),
      put({
        resourceType: 'Patient',
        id: 'other',
        gender: 'male',
        birthDate: '2018-01-01',
        name: [{ family: 'Lee', given: ['Max'] }],
      }),
      vital('ana', AT_3Y, '29463-7', 14.3, 'kg'),
      vital('ana', AT_3Y, '8302-2', 95, 'cm'),
      vital('ana', AT_3Y, '39156-5', 15.8, 'kg/m2'),
      vital('ana', AT_4Y, '29463-7', 35.274, '[lb_av]', {
        valueQuantity: {
          value: 35.274,
          unit: 'lb',
          system: UCUM,
          code: '[lb_av]',
          extension: [
            { url: 'https://medassist.dev/fhir/StructureDefinition/as-entered', valueString: '35 lb 4.4 oz' },
          ],
        },
      }),
      vital('ana', AT_4Y, '8302-2', 102, 'cm'),
      vital('ana', TODAY, '29463-7', 18, 'kg'),
      vital('ana', TODAY, '8302-2', 108, 'cm'),
      vital('ana', TODAY, '39156-5', 15.4, 'kg/m2'),
      vital('ana', TODAY, '8867-4', 95, '/min'),
      vital('ana', TODAY, '8310-5', 37, 'Cel'),
      vital('ana', TODAY, '2708-6', 98, '%'),
      vital('ana', TODAY, '72514-3', 0, '{score}'),
      bloodPressure('ana', TODAY, 100, 60),
      vital('other', TODAY, '29463-7', 30, 'kg'),
      vital('hidden', TODAY, '29463-7', 25, 'kg'),
    ]);
    expect(answer.status, answer.text).toBe(200);
    return {
      ctx,
      ma: await signedInUser(h.db, ctx, ['medical-assistant'], [], NOW),
      desk: await signedInUser(h.db, ctx, ['front-desk'], [], NOW),
    };
  }

  const get = (who: TestUser, url: string) => asUser(h.app, who, { method: 'GET', url });

  it('vitals history: one row per measurement set, newest first, canonical and display units', async () => {
    const { ctx, ma } = await setUp();
    const res = await get(ma, '/api/rooming/patients/ana/vitals-history');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ patientId: 'ana', birthDate: '2021-06-15', gender: 'female' });
    const rows = res.body.rows as {
      date: string;
      ageMonths: number;
      values: Record<string, Record<string, unknown>>;
    }[];
    expect(rows.map((r) => r.date)).toEqual([TODAY, AT_4Y, AT_3Y]);
    const today = rows[0].values;
    // 18 kg / 0.45359237 = 39.683 lb; 108 cm / 2.54 = 42.52 in = 3 ft 6.5 in; 37 Cel * 9/5 + 32 = 98.6 F
    expect(today.weight).toMatchObject({ value: 18, unit: 'kg', display: '18 kg (39.7 lb)' });
    expect(today.height).toMatchObject({ value: 108, unit: 'cm', display: '108 cm (3 ft 6.5 in)' });
    expect(today.temperature).toMatchObject({ value: 37, unit: 'Cel', display: '37.0 °C (98.6 °F)' });
    expect(today.bloodPressure).toMatchObject({
      value: 100,
      diastolic: 60,
      unit: 'mm[Hg]',
      display: '100/60 mmHg',
    });
    expect(today.heartRate).toMatchObject({ value: 95, display: '95 /min' });
    expect(today.oxygenSaturation).toMatchObject({ value: 98, display: '98 %' });
    expect(today.pain).toMatchObject({ value: 0, display: '0 / 10' });
    expect(today.bmi).toMatchObject({ value: 15.4, unit: 'kg/m2' });
    // entered in pounds: 35.274 lb * 0.45359237 = 16.0000 kg; the entry is kept
    expect(rows[1].values.weight).toMatchObject({ value: 16, unit: 'kg', asEntered: '35 lb 4.4 oz' });
    // age at the set: 1826 days (2021-06-15 to 2026-06-15, one leap day) / 30.4375 = 59.99 months
    expect(rows[0].ageMonths).toBe(59.99);
    // another patient's readings are not hers
    expect(rows.map((r) => r.values.weight?.value)).toEqual([18, 16, 14.3]);
    expect(rows.flatMap((r) => Object.values(r.values)).length).toBe(3 + 2 + 8);

    const audit = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND event::text LIKE $2',
      [ctx.practiceId, '%rooming: vitals history%']
    );
    expect(audit.rows[0].n).toBe(1);
  });

  it('the BMI-for-age chart (the default from 2 years): curves for girls and her points with percentiles', async () => {
    const { ma } = await setUp();
    const res = await get(ma, '/api/rooming/patients/ana/growth');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      patientId: 'ana',
      sex: 'female',
      kind: 'bmi-for-age',
      ageMonths: 59.99,
    });
    expect(res.body.chart.curves.map((c: { label: string }) => c.label)).toEqual([
      '5th',
      '10th',
      '25th',
      '50th',
      '75th',
      '90th',
      '95th',
    ]);
    // girls' median at 24 months (bmiagerev.csv "2,24,...,M = 16.42339664")
    expect(res.body.chart.curves[3].points[0]).toEqual({ x: 24, y: 16.423 });
    const points = res.body.points as { x: number; y: number; percentile?: number }[];
    // 4 years: no BMI stored, computed: 16.0000 kg / 1.02^2 m2 = 15.38 -> 15.4
    expect(points.map((p) => p.y)).toEqual([15.8, 15.4, 15.4]);
    // Today, 59.99 months: between bmiagerev rows 59.5 and 60.5 (t = 0.4918): L = -3.3470, M = 15.15369,
    // S = 0.083975; (15.4 / 15.15369)^-3.3470 = 0.947464; z = (0.947464 - 1) / (-3.3470 * 0.083975) = 0.1869;
    // Phi(0.1869) = 0.5741 -> 57.4 (between the table's P50 15.16 and P75 16.13 as it must be)
    expect(points[2].percentile).toBeCloseTo(57.4, 1);
    expect(res.body.latest).toMatchObject({ date: TODAY, words: '57th percentile (healthy weight)' });
  });

  it('weight-for-length: x is the length; a length past 103.5 cm has no percentile', async () => {
    const { ma } = await setUp();
    const res = await get(ma, '/api/rooming/patients/ana/growth?chart=weight-for-length');
    expect(res.status, res.text).toBe(200);
    expect(res.body.chart).toMatchObject({
      table: 'wtleninf',
      x: { label: 'Length', unit: 'cm', min: 45, max: 103.5 },
    });
    const points = res.body.points as { x: number; y: number; percentile?: number }[];
    expect(points.map((p) => [p.x, p.y])).toEqual([
      [95, 14.3],
      [102, 16],
      [108, 18],
    ]);
    // wtleninf.csv girls at 94.5 cm: P50 13.84, P75 14.65 and at 95.5 cm: P50 14.08, P75 14.92 -> 14.3 kg
    // at 95 cm lies between the 50th and the 75th
    expect(points[0].percentile).toBeGreaterThan(50);
    expect(points[0].percentile).toBeLessThan(75);
    expect(points[2].percentile).toBeUndefined();
  });

  it('weight-for-age from 2 years uses the 2-20 year table (wtage.csv)', async () => {
    const { ma } = await setUp();
    const res = await get(ma, '/api/rooming/patients/ana/growth?chart=weight-for-age');
    expect(res.status, res.text).toBe(200);
    expect(res.body.chart).toMatchObject({ table: 'wtage', title: 'Weight-for-age, 2 to 20 years' });
    // Today, 59.99 months, 18 kg: wtage.csv girls 59.5 (L -1.28054514, M 17.83781722, S 0.140489635) and
    // 60.5 (L -1.287691525, M 18.02313904, S 0.141190842), t = 0.4918: L = -1.28406, M = 17.928958,
    // S = 0.1408345; (18 / 17.928958)^L = exp(-1.28406 * 0.0039546) = 0.994935;
    // z = (0.994935 - 1) / (-1.28406 * 0.1408345) = 0.0280; Phi(0.0280) = 0.5112 -> 51.1
    expect(res.body.points.at(-1)).toMatchObject({ y: 18 });
    expect(res.body.points.at(-1).percentile).toBeCloseTo(51.1, 1);
    expect(res.body.latest.words).toBe('51st percentile');
  });

  it('refusals: front desk 403; unknown or restricted patient 404; bad chart 400; no sex 422', async () => {
    const { desk, ma } = await setUp();
    for (const url of ['/api/rooming/patients/ana/vitals-history', '/api/rooming/patients/ana/growth']) {
      expect((await get(desk, url)).status).toBe(403);
    }
    for (const id of ['nobody', 'hidden']) {
      expect((await get(ma, `/api/rooming/patients/${id}/vitals-history`)).status).toBe(404);
      expect((await get(ma, `/api/rooming/patients/${id}/growth`)).status).toBe(404);
    }
    const bad = await get(ma, '/api/rooming/patients/ana/growth?chart=height-for-weight');
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['chart']);
    const noSex = await get(ma, '/api/rooming/patients/noone/growth');
    expect(noSex.status).toBe(422);
    expect(noSex.body.issue[0].expression).toEqual(['gender']);
  });
});
