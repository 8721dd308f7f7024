import { describe, expect, it } from 'vitest';
import { countOf, fhir, newPractice, testEngines, useEngine } from '../../../harness.js';
import {
  ADULT,
  CHILD,
  clinic,
  frontDesk,
  fullSet,
  get,
  INFANT,
  MA,
  medicalAssistant,
  post,
  PROVIDER,
} from './fixtures.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const AS_ENTERED = 'https://medassist.dev/fhir/StructureDefinition/as-entered';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
const URL = (enc: string) => `/api/rooming/encounters/${enc}/vitals`;

type Obs = {
  id: string;
  code: { coding: { system: string; code: string }[] };
  valueQuantity?: {
    value: number;
    code: string;
    system: string;
    extension?: { url: string; valueString: string }[];
  };
  component?: {
    code: { coding: { code: string }[] };
    valueQuantity?: { value: number; code: string };
    valueCodeableConcept?: { coding: { code: string }[] };
    interpretation?: { coding: { code: string }[] }[];
  }[];
  [key: string]: unknown;
};
const codeOf = (o: Obs) => o.code.coding[0].code;

describe.each(testEngines())('vital signs [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'vitals');
    await clinic(h.app, ctx);
    const ma = await medicalAssistant(h.db, ctx);
    return { ctx, ma };
  }

  async function observations(
    ctx: Awaited<ReturnType<typeof setUp>>['ctx'],
    encounter: string
  ): Promise<Obs[]> {
    const res = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Observation?encounter=Encounter/${encounter}&_count=100`,
    });
    expect(res.status, res.text).toBe(200);
    return (res.body.entry ?? []).map((e: { resource: Obs }) => e.resource);
  }

  it('saves a full imperial set: one Observation per sign, BP as one panel, BMI derived, author and audit', async () => {
    const { ctx, ma } = await setUp();
    const res = await post(h.app, ma, URL('enc-adult'), fullSet());
    expect(res.status, res.text).toBe(201);
    // 128/82 in an adult: systolic 128 N (<= 129), diastolic 82 H (>= 80): no critical value.
    expect(res.body.repeatAdvised).toBe(false);
    expect(res.body.notices).toEqual([]);
    // BMI: 68.0389 kg / 1.7018 m^2 = 23.49 -> 23.5, from this visit's height.
    expect(res.body.bmi).toEqual({ value: 23.5, unit: 'kg/m2', heightFrom: 'this visit' });

    const saved = await observations(ctx, 'enc-adult');
    // BP, HR, RR, temperature, SpO2, height, weight, pain, BMI = 9 (an adult: no growth percentile).
    expect(saved).toHaveLength(9);
    expect(saved.map(codeOf).sort()).toEqual(
      ['85354-9', '8867-4', '9279-1', '8310-5', '2708-6', '8302-2', '29463-7', '72514-3', '39156-5'].sort()
    );
    for (const o of saved) {
      expect(o.status).toBe('final');
      expect(o.category).toEqual([
        expect.objectContaining({
          coding: [
            expect.objectContaining({
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'vital-signs',
            }),
          ],
        }),
      ]);
      expect(o.subject).toEqual({ reference: `Patient/${ADULT}` });
      expect(o.encounter).toEqual({ reference: 'Encounter/enc-adult' });
      expect(o.performer).toEqual([{ reference: `Practitioner/${MA}`, display: expect.any(String) }]);
      expect(typeof o.effectiveDateTime).toBe('string');
      expect(o.code.coding[0].system).toBe(LOINC);
    }
    const by = (code: string) => saved.find((o) => codeOf(o) === code) as Obs;

    const bp = by('85354-9');
    expect(bp.valueQuantity).toBeUndefined();
    const comp = (code: string) => bp.component?.find((c) => c.code.coding[0].code === code);
    expect(comp('8480-6')?.valueQuantity).toMatchObject({ value: 128, code: 'mm[Hg]' });
    expect(comp('8462-4')?.valueQuantity).toMatchObject({ value: 82, code: 'mm[Hg]' });
    expect(comp('8480-6')?.interpretation?.[0].coding[0].code).toBe('N');
    expect(comp('8462-4')?.interpretation?.[0].coding[0].code).toBe('H');
    expect(
      (bp.interpretation as { coding: { system: string; code: string }[] }[])[0].coding[0]
    ).toMatchObject({
      system: INTERPRETATION,
      code: 'H',
    });
    // Sitting (SNOMED 33586001) as LOINC 8361-8; left upper arm (368208006); adult cuff.
    expect(comp('8361-8')?.valueCodeableConcept?.coding[0].code).toBe('33586001');
    expect((bp.bodySite as { coding: { code: string }[] }).coding[0].code).toBe('368208006');
    expect(JSON.stringify(bp.extension)).toContain('"code":"adult"');

    // Height 5 ft 7 in = 170.18 cm; weight 150 lb = 68.0389 kg; 98.6 °F = 37 Cel: canonical + as entered.
    expect(by('8302-2').valueQuantity).toMatchObject({ value: 170.18, code: 'cm', system: UCUM });
    expect(by('8302-2').valueQuantity?.extension).toEqual([{ url: AS_ENTERED, valueString: '5 ft 7 in' }]);
    expect(by('29463-7').valueQuantity).toMatchObject({ value: 68.0389, code: 'kg' });
    expect(by('29463-7').valueQuantity?.extension?.[0].valueString).toBe('150 lb');
    expect(by('8310-5').valueQuantity).toMatchObject({ value: 37, code: 'Cel' });
    expect(by('8310-5').valueQuantity?.extension?.[0].valueString).toBe('98.6 °F');
    expect((by('8310-5').method as { coding: { code: string }[] }).coding[0].code).toBe('oral');
    expect(by('72514-3').valueQuantity).toMatchObject({ value: 3, code: '{score}' });
    expect(by('2708-6').code.coding.map((c) => c.code)).toEqual(['2708-6', '59408-5']);
    expect(by('2708-6').note).toEqual([{ text: 'On room air' }]);
    const bmi = by('39156-5');
    expect(bmi.valueQuantity).toMatchObject({ value: 23.5, code: 'kg/m2' });
    expect(bmi.derivedFrom).toEqual([
      { reference: `Observation/${by('29463-7').id}` },
      { reference: `Observation/${by('8302-2').id}` },
    ]);

    // The store audited the creates (one audit event per write statement, one entity per resource), naming
    // the MA and the patient.
    const audit = await h.db.query<{ event: { entity: { what?: { reference?: string } }[] } }>(
      `SELECT event FROM audit_event WHERE practice_id = $1 AND action = 'C' AND user_id = $2 AND $3 = ANY(patient_ids)`,
      [ctx.practiceId, ma.user.id, ADULT]
    );
    const audited = audit.rows.flatMap((r) => r.event.entity.map((e) => e.what?.reference));
    expect(saved.every((o) => audited.includes(`Observation/${o.id}/_history/1`))).toBe(true);

    // The visit's readings: value as entered + canonical + flags.
    const read = await get(h.app, ma, URL('enc-adult'));
    expect(read.status, read.text).toBe(200);
    expect(read.body.readings).toHaveLength(9);
    const weight = read.body.readings.find((r: { sign: string }) => r.sign === 'weight');
    expect(weight).toMatchObject({ value: 68.0389, unit: 'kg', asEntered: '150 lb' });
    const bpView = read.body.readings.find((r: { sign: string }) => r.sign === 'bloodPressure');
    expect(bpView).toMatchObject({ flag: 'H', position: 'sitting', arm: 'left arm', cuff: 'adult' });
    expect(bpView.components.map((c: { value: number; flag: string }) => [c.value, c.flag])).toEqual([
      [128, 'N'],
      [82, 'H'],
    ]);
  });

  it('repeat readings are more blood pressure Observations; SpO2 on oxygen carries its flow', async () => {
    const { ctx, ma } = await setUp();
    const res = await post(h.app, ma, URL('enc-adult'), {
      bloodPressure: [
        { systolic: 150, diastolic: 95, position: 'sitting', arm: 'right' },
        { systolic: 146, diastolic: 92, position: 'standing', arm: 'right' },
      ],
      oxygenSaturation: { value: 93, oxygenFlow: 2 },
      temperature: { value: 36.8, unit: 'Cel' },
    });
    expect(res.status, res.text).toBe(201);
    const saved = await observations(ctx, 'enc-adult');
    expect(saved.filter((o) => codeOf(o) === '85354-9')).toHaveLength(2);
    const spo2 = saved.find((o) => codeOf(o) === '2708-6') as Obs;
    expect(spo2.component?.[0].code.coding[0].code).toBe('3151-8');
    expect(spo2.component?.[0].valueQuantity).toMatchObject({ value: 2, code: 'L/min' });
    // Typed in the canonical unit: stored as typed, no as-entered note.
    const temperature = saved.find((o) => codeOf(o) === '8310-5') as Obs;
    expect(temperature.valueQuantity).toEqual({
      value: 36.8,
      unit: 'Cel',
      system: UCUM,
      code: 'Cel',
    });
    // 93% is below 95: L, not critical (critical below 90).
    expect(res.body.repeatAdvised).toBe(false);
  });

  it.each([
    [{ bloodPressure: [{ systolic: 80, diastolic: 120 }] }, 422, 'bloodPressure[0].systolic'],
    [{ temperature: { value: 200, unit: '[degF]' } }, 422, 'temperature.value'],
    [{ oxygenSaturation: { value: 101 } }, 422, 'oxygenSaturation.value'],
    [{ height: { cm: 400 } }, 422, 'height'],
    [{ weight: { kg: 900 } }, 422, 'weight'],
    [{ pain: 12 }, 422, 'pain'],
    [{ headCircumference: { cm: 50 } }, 422, 'headCircumference'],
    [{ heartRate: 'fast' }, 400, 'heartRate'],
    [{ height: { ft: 5, in: 13 } }, 400, 'height.in'],
    [{}, 400, 'body'],
  ])('refuses %j with %i naming %s, writing nothing', async (bad, status, field) => {
    const { ctx, ma } = await setUp();
    // A good set with one bad value: nothing of it is written.
    const res = await post(h.app, ma, URL('enc-adult'), Object.keys(bad).length ? fullSet(bad) : bad);
    expect(res.status, res.text).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual([field]);
    expect(await countOf(h.app, ctx, 'Observation')).toBe(0);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(0);
  });

  it("a weight 120% above last week's (lb typed as kg) asks for confirmation (409 naming weight), then saves", async () => {
    const { ctx, ma } = await setUp();
    // Last week: 70 kg.
    const first = await post(h.app, ma, URL('enc-last-week'), { weight: { kg: 70 } });
    expect(first.status, first.text).toBe(201);
    const before = await countOf(h.app, ctx, 'Observation');
    // Today "154 kg" (154 lb typed in kg): (154 - 70) / 70 = +120%.
    const asked = await post(h.app, ma, URL('enc-adult'), { weight: { kg: 154 }, heartRate: 70 });
    expect(asked.status, asked.text).toBe(409);
    expect(asked.body.issue[0]).toMatchObject({ code: 'business-rule', expression: ['weight'] });
    expect(asked.body.issue[0].details.text).toContain('+120%');
    expect(await countOf(h.app, ctx, 'Observation')).toBe(before);
    // 75 kg (+7%) needs no confirmation.
    const fine = await post(h.app, ma, URL('enc-adult'), { weight: { kg: 75 } });
    expect(fine.status, fine.text).toBe(201);
    // Confirmed: saved.
    const confirmed = await post(h.app, ma, URL('enc-adult'), {
      weight: { kg: 154 },
      confirm: ['weight-change'],
    });
    expect(confirmed.status, confirmed.text).toBe(201);
  });

  it("a critical BP advises a repeat and sends ONE urgent notice to the visit's provider", async () => {
    const { ctx, ma } = await setUp();
    const res = await post(h.app, ma, URL('enc-adult'), {
      bloodPressure: [{ systolic: 186, diastolic: 124 }],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.repeatAdvised).toBe(true);
    expect(res.body.critical).toEqual([
      { sign: 'bloodPressure', flag: 'HH', observationId: expect.any(String) },
    ]);
    expect(res.body.notices).toHaveLength(1);
    // The repeat, still critical, and a critical SpO2 (88 < 90): the BP is not noticed again; SpO2 is.
    const repeat = await post(h.app, ma, URL('enc-adult'), {
      bloodPressure: [{ systolic: 182, diastolic: 118 }],
      oxygenSaturation: { value: 88 },
    });
    expect(repeat.status, repeat.text).toBe(201);
    expect(repeat.body.repeatAdvised).toBe(true);
    expect(repeat.body.notices).toHaveLength(1);

    const found = await fhir(h.app, ctx, {
      method: 'GET',
      url: 'Communication?encounter=Encounter/enc-adult',
    });
    const notices = found.body.entry.map((e: { resource: Record<string, unknown> }) => e.resource);
    expect(notices).toHaveLength(2);
    const bpNotice = notices.find(
      (n: { about: { reference: string }[] }) =>
        n.about[0].reference === `Observation/${res.body.critical[0].observationId}`
    );
    expect(bpNotice).toMatchObject({
      status: 'in-progress',
      priority: 'urgent',
      category: [{ coding: [{ system: 'urn:medassist:notice', code: 'critical-vital' }] }],
      recipient: [{ reference: `Practitioner/${PROVIDER}` }],
      sender: { reference: `Practitioner/${MA}` },
    });
    // The text names no value.
    const text = JSON.stringify(notices.map((n: { payload: unknown }) => n.payload));
    expect(text).not.toMatch(/186|124|182|88/);
  });

  it('two critical saves at once for one visit send one notice (saves serialize on the Encounter)', async () => {
    const { ctx, ma } = await setUp();
    const both = await Promise.all([
      post(h.app, ma, URL('enc-adult'), { oxygenSaturation: { value: 85 } }),
      post(h.app, ma, URL('enc-adult'), { oxygenSaturation: { value: 86 } }),
    ]);
    expect(both.map((r) => r.status)).toEqual([201, 201]);
    expect(both.every((r) => r.body.repeatAdvised)).toBe(true);
    expect(both.map((r) => r.body.notices.length).sort()).toEqual([0, 1]);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(1);
  });

  it('children: age-specific flags, head circumference under 3, no BMI under 2', async () => {
    const { ctx, ma } = await setUp();
    // A 5-year-old boy: HR 150 is H (child 75-120), not critical (from 161).
    const child = await post(h.app, ma, URL('enc-child'), {
      heartRate: 150,
      height: { cm: 110 },
      weight: { kg: 18.4 },
    });
    expect(child.status, child.text).toBe(201);
    const hr = child.body.readings.find((r: { sign: string }) => r.sign === 'heartRate');
    expect(hr.flag).toBe('H');
    // BMI 18.4 / 1.1^2 = 15.2.
    expect(child.body.bmi.value).toBe(15.2);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(0);

    // A 10-month-old: head circumference accepted, HR 150 normal (infant 100-180), no BMI under 2 years.
    const infant = await post(h.app, ma, URL('enc-infant'), {
      heartRate: 150,
      headCircumference: { cm: 44.5 },
      height: { cm: 72 },
      weight: { lb: 19, oz: 8 },
    });
    expect(infant.status, infant.text).toBe(201);
    expect(infant.body.readings.find((r: { sign: string }) => r.sign === 'heartRate').flag).toBe('N');
    expect(infant.body.bmi).toBeUndefined();
    // 19 lb 8 oz = 312 oz x 0.028349523125 = 8.845051 kg -> 8.8451 (4 decimals).
    expect(infant.body.readings.find((r: { sign: string }) => r.sign === 'weight')).toMatchObject({
      value: 8.8451,
      asEntered: '19 lb 8 oz',
    });
    const saved = await observations(ctx, 'enc-infant');
    expect(saved.map(codeOf)).toContain('9843-4');
    expect(saved.map(codeOf)).not.toContain('39156-5');
    // Growth percentiles (part B's CDC LMS): weight-for-length and head circumference-for-age under 36
    // months, each an Observation in % derived from the measurements it came from.
    const by = (list: Obs[], code: string) => list.find((o) => codeOf(o) === code) as Obs;
    const wfl = by(saved, '77606-2');
    const hc = by(saved, '8289-1');
    for (const p of [wfl, hc]) {
      expect(p.valueQuantity).toMatchObject({ code: '%', system: UCUM });
      expect(p.valueQuantity?.value).toBeGreaterThan(0);
      expect(p.valueQuantity?.value).toBeLessThan(100);
    }
    expect(wfl.derivedFrom).toEqual([
      { reference: `Observation/${by(saved, '29463-7').id}` },
      { reference: `Observation/${by(saved, '8302-2').id}` },
    ]);
    expect(hc.derivedFrom).toEqual([{ reference: `Observation/${by(saved, '9843-4').id}` }]);
    // The 5-year-old: BMI-for-age (2-20 years) derived from this visit's BMI.
    const childSaved = await observations(ctx, 'enc-child');
    expect(by(childSaved, '59576-9').derivedFrom).toEqual([
      { reference: `Observation/${by(childSaved, '39156-5').id}` },
    ]);
    void INFANT;
    void CHILD;
  });

  it('BMI uses the latest height when this visit has none', async () => {
    const { ma } = await setUp();
    expect((await post(h.app, ma, URL('enc-last-week'), { height: { cm: 180 } })).status).toBe(201);
    const res = await post(h.app, ma, URL('enc-adult'), { weight: { kg: 90 } });
    expect(res.status, res.text).toBe(201);
    // 90 / 1.8^2 = 27.78 -> 27.8
    expect(res.body.bmi).toEqual({ value: 27.8, unit: 'kg/m2', heightFrom: 'latest' });
  });

  it('the front desk gets 403; a restricted or unknown visit 404; nothing written', async () => {
    const { ctx, ma } = await setUp();
    const desk = await frontDesk(h.db, ctx);
    expect((await post(h.app, desk, URL('enc-adult'), fullSet())).status).toBe(403);
    expect((await get(h.app, desk, URL('enc-adult'))).status).toBe(403);
    expect((await post(h.app, ma, URL('enc-restricted'), fullSet())).status).toBe(404);
    expect((await get(h.app, ma, URL('enc-restricted'))).status).toBe(404);
    expect((await post(h.app, ma, URL('enc-nope'), fullSet())).status).toBe(404);
    expect((await get(h.app, ma, URL('enc-nope'))).status).toBe(404);
    expect(await countOf(h.app, ctx, 'Observation')).toBe(0);
  });
});
