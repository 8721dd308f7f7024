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
  provider,
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
      oxygenSaturation: { value: 93, onOxygen: true, oxygenFlow: 2 },
      temperature: { value: 36.8, unit: 'Cel' },
    });
    expect(res.status, res.text).toBe(201);
    const saved = await observations(ctx, 'enc-adult');
    expect(saved.filter((o) => codeOf(o) === '85354-9')).toHaveLength(2);
    const spo2 = saved.find((o) => codeOf(o) === '2708-6') as Obs;
    expect(spo2.component?.[0].code.coding[0].code).toBe('3151-8');
    expect(spo2.component?.[0].valueQuantity).toMatchObject({ value: 2, code: 'L/min' });
    // On oxygen: never the room-air note.
    expect(spo2.note).toBeUndefined();
    expect(res.body.readings.find((r: { sign: string }) => r.sign === 'oxygenSaturation')).toMatchObject({
      oxygenFlow: 2,
      roomAir: false,
    });
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
    [{ oxygenSaturation: { value: 101, onOxygen: false } }, 422, 'oxygenSaturation.value'],
    [{ height: { cm: 400 } }, 422, 'height'],
    [{ weight: { kg: 900 } }, 422, 'weight'],
    [{ pain: 12 }, 422, 'pain'],
    [{ headCircumference: { cm: 50 } }, 422, 'headCircumference'],
    [{ heartRate: 'fast' }, 400, 'heartRate'],
    // On oxygen without the flow: refused, not charted as room air.
    [{ oxygenSaturation: { value: 91, onOxygen: true } }, 400, 'oxygenSaturation.oxygenFlow'],
    [{ oxygenSaturation: { value: 91 } }, 400, 'oxygenSaturation.onOxygen'],
    // Finer than 4 decimals (1e-320 once asked the unit conversion for 320 decimals: a 500).
    [{ height: { in: 1e-320 } }, 400, 'height.in'],
    [{ headCircumference: { cm: 1e-320 } }, 400, 'headCircumference.cm'],
    [{ weight: { kg: 1e-320 } }, 400, 'weight.kg'],
    [{ temperature: { value: 1e-320, unit: 'Cel' } }, 400, 'temperature.value'],
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
      {
        sign: 'bloodPressure',
        flag: 'HH',
        observationId: expect.any(String),
        notice: { id: res.body.notices[0], status: 'sent' },
      },
    ]);
    expect(res.body.notices).toHaveLength(1);
    // The repeat, still critical, and a critical SpO2 (88 < 90): the BP is not noticed again; SpO2 is.
    const repeat = await post(h.app, ma, URL('enc-adult'), {
      bloodPressure: [{ systolic: 182, diastolic: 118 }],
      oxygenSaturation: { value: 88, onOxygen: false },
    });
    expect(repeat.status, repeat.text).toBe(201);
    expect(repeat.body.repeatAdvised).toBe(true);
    expect(repeat.body.notices).toHaveLength(1);
    // Each critical value says what happened to its notice: the BP's first one is still open.
    expect(repeat.body.critical).toEqual([
      {
        sign: 'bloodPressure',
        flag: 'HH',
        observationId: expect.any(String),
        notice: { id: res.body.notices[0], status: 'already-open' },
      },
      {
        sign: 'oxygenSaturation',
        flag: 'LL',
        observationId: expect.any(String),
        notice: { id: repeat.body.notices[0], status: 'sent' },
      },
    ]);

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
      post(h.app, ma, URL('enc-adult'), { oxygenSaturation: { value: 85, onOxygen: false } }),
      post(h.app, ma, URL('enc-adult'), { oxygenSaturation: { value: 86, onOxygen: false } }),
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

  it("BMI uses last week's height for an adult (within 12 months)", async () => {
    const { ma } = await setUp();
    const height = await post(h.app, ma, URL('enc-last-week'), { height: { cm: 180 } });
    expect(height.status, height.text).toBe(201);
    const res = await post(h.app, ma, URL('enc-adult'), { weight: { kg: 90 } });
    expect(res.status, res.text).toBe(201);
    // 90 / 1.8^2 = 90 / 3.24 = 27.78 -> 27.8
    expect(res.body.bmi).toEqual({
      value: 27.8,
      unit: 'kg/m2',
      heightFrom: 'earlier visit',
      heightTaken: height.body.readings[0].effective,
    });
  });

  /** A height Observation taken `days` ago at no visit of this practice's fixtures (an older chart entry). */
  async function oldHeight(
    ctx: Awaited<ReturnType<typeof setUp>>['ctx'],
    patient: string,
    cm: number,
    days: number
  ) {
    const res = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Observation',
      body: {
        resourceType: 'Observation',
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
            ],
          },
        ],
        code: { coding: [{ system: LOINC, code: '8302-2' }] },
        subject: { reference: `Patient/${patient}` },
        effectiveDateTime: new Date(Date.now() - days * 86_400_000).toISOString(),
        valueQuantity: { value: cm, unit: 'cm', system: UCUM, code: 'cm' },
      },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  }

  it('an adult: no BMI from a height older than 12 months (a childhood height); one from 11 months ago is used', async () => {
    const { ctx, ma } = await setUp();
    // Maria's only heights: 120 cm as a child (31 years ago) and 170 cm 400 days ago.
    await oldHeight(ctx, ADULT, 120, 31 * 365);
    await oldHeight(ctx, ADULT, 170, 400);
    const none = await post(h.app, ma, URL('enc-adult'), { weight: { kg: 90 } });
    expect(none.status, none.text).toBe(201);
    // Before: 90 / 1.7^2 = 31.1 from a 13-month-old height (or 90 / 1.2^2 = 62.5 from the child's).
    expect(none.body.bmi).toBeUndefined();
    expect(none.body.bmiNotComputed).toMatch(/no height from this visit or the last 12 months/);
    expect(none.body.readings.map((r: { sign: string }) => r.sign)).toEqual(['weight']);

    // A height of 330 days ago (within 12 months): 90 / 1.8^2 = 27.78 -> 27.8.
    const recent = await oldHeight(ctx, ADULT, 180, 330);
    const res = await post(h.app, ma, URL('enc-adult'), { weight: { kg: 90 }, confirm: ['weight-change'] });
    expect(res.status, res.text).toBe(201);
    expect(res.body.bmi).toMatchObject({ value: 27.8, heightFrom: 'earlier visit' });
    expect(res.body.bmiNotComputed).toBeUndefined();
    const bmi = res.body.readings.find((r: { sign: string }) => r.sign === 'bmi');
    expect(bmi.derivedFrom).toContain(recent);
  });

  it("a child: BMI only from this visit's height (an earlier save at the visit counts), never yesterday's", async () => {
    const { ctx, ma } = await setUp();
    // Tomas (5 y): 110 cm yesterday, at no visit of today.
    await oldHeight(ctx, CHILD, 110, 1);
    const none = await post(h.app, ma, URL('enc-child'), { weight: { kg: 18.4 } });
    expect(none.status, none.text).toBe(201);
    expect(none.body.bmi).toBeUndefined();
    expect(none.body.bmiNotComputed).toMatch(/child's BMI needs a height from this visit/);
    // Height measured at this visit (its own save), then the weight again: 18.4 / 1.1^2 = 18.4 / 1.21 = 15.2.
    expect((await post(h.app, ma, URL('enc-child'), { height: { cm: 110 } })).status).toBe(201);
    const res = await post(h.app, ma, URL('enc-child'), { weight: { kg: 18.4 } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.bmi).toEqual({ value: 15.2, unit: 'kg/m2', heightFrom: 'this visit' });
  });

  it('under 2 years: a weight without BMI says why', async () => {
    const { ma } = await setUp();
    const res = await post(h.app, ma, URL('enc-infant'), { weight: { kg: 8.8 }, height: { cm: 72 } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.bmi).toBeUndefined();
    expect(res.body.bmiNotComputed).toMatch(/under 2 years/);
  });

  it('SpO2 on room air is said so; on oxygen it carries the flow and no room-air note', async () => {
    const { ctx, ma } = await setUp();
    const air = await post(h.app, ma, URL('enc-adult'), { oxygenSaturation: { value: 97, onOxygen: false } });
    expect(air.status, air.text).toBe(201);
    const o2 = await post(h.app, ma, URL('enc-adult'), {
      oxygenSaturation: { value: 94, onOxygen: true, oxygenFlow: 2 },
    });
    expect(o2.status, o2.text).toBe(201);
    const saved = (await observations(ctx, 'enc-adult')).filter((o) => codeOf(o) === '2708-6');
    const at = (v: number) => saved.find((o) => o.valueQuantity?.value === v) as Obs;
    expect(at(97).note).toEqual([{ text: 'On room air' }]);
    expect(at(97).component).toBeUndefined();
    expect(at(94).note).toBeUndefined();
    expect(at(94).component?.[0].valueQuantity).toMatchObject({ value: 2, code: 'L/min' });
    // The tick without a flow (the form's old slip) writes nothing.
    const before = await countOf(h.app, ctx, 'Observation');
    const slip = await post(h.app, ma, URL('enc-adult'), { oxygenSaturation: { value: 91, onOxygen: true } });
    expect(slip.status, slip.text).toBe(400);
    expect(slip.body.issue[0].expression).toEqual(['oxygenSaturation.oxygenFlow']);
    expect(await countOf(h.app, ctx, 'Observation')).toBe(before);
  });

  it('a later critical value reaches the provider: BP 185/110 (HH) acknowledged, then 78/40 (LL) sends a new notice', async () => {
    const { ctx, ma } = await setUp();
    const doctor = await provider(h.db, ctx);
    // 185 >= 180: systolic HH; 110 (80-119): H; the panel HH.
    const high = await post(h.app, ma, URL('enc-adult'), {
      bloodPressure: [{ systolic: 185, diastolic: 110 }],
    });
    expect(high.status, high.text).toBe(201);
    expect(high.body.critical).toEqual([
      {
        sign: 'bloodPressure',
        flag: 'HH',
        observationId: expect.any(String),
        notice: { id: high.body.notices[0], status: 'sent' },
      },
    ]);
    const ack = await post(h.app, doctor, `/api/rooming/notices/${high.body.notices[0]}/acknowledge`, {});
    expect(ack.status, ack.text).toBe(200);
    // 78 < 80: systolic LL; 40 (40-59): L; the panel LL. The HH notice is closed anyway: a new one.
    const low = await post(h.app, ma, URL('enc-adult'), { bloodPressure: [{ systolic: 78, diastolic: 40 }] });
    expect(low.status, low.text).toBe(201);
    expect(low.body.notices).toHaveLength(1);
    expect(low.body.notices[0]).not.toBe(high.body.notices[0]);
    expect(low.body.critical).toEqual([
      {
        sign: 'bloodPressure',
        flag: 'LL',
        observationId: expect.any(String),
        notice: { id: low.body.notices[0], status: 'sent' },
      },
    ]);
    const sent = await fhir(h.app, ctx, { method: 'GET', url: `Communication/${low.body.notices[0]}` });
    expect(sent.body).toMatchObject({
      status: 'in-progress',
      priority: 'urgent',
      recipient: [{ reference: `Practitioner/${PROVIDER}` }],
      about: [{ reference: `Observation/${low.body.critical[0].observationId}` }],
    });
    // Acknowledged too, a later HH again sends one (only an open notice of the same sign and flag holds it).
    expect(
      (await post(h.app, doctor, `/api/rooming/notices/${low.body.notices[0]}/acknowledge`, {})).status
    ).toBe(200);
    const again = await post(h.app, ma, URL('enc-adult'), {
      bloodPressure: [{ systolic: 190, diastolic: 100 }],
    });
    expect(again.body.notices).toHaveLength(1);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(3);
  });

  it('an open notice of another flag does not hold a new one: BP HH open, then LL sends', async () => {
    const { ctx, ma } = await setUp();
    const high = await post(h.app, ma, URL('enc-adult'), {
      bloodPressure: [{ systolic: 185, diastolic: 110 }],
    });
    const low = await post(h.app, ma, URL('enc-adult'), { bloodPressure: [{ systolic: 78, diastolic: 40 }] });
    expect(high.body.notices).toHaveLength(1);
    expect(low.body.notices).toHaveLength(1);
    expect(low.body.critical[0].notice).toEqual({ id: low.body.notices[0], status: 'sent' });
    expect(await countOf(h.app, ctx, 'Communication')).toBe(2);
  });

  it('SpO2 89 then 82 while the first notice is open: no second notice (same flag LL), the answer says so', async () => {
    const { ctx, ma } = await setUp();
    const doctor = await provider(h.db, ctx);
    const first = await post(h.app, ma, URL('enc-adult'), {
      oxygenSaturation: { value: 89, onOxygen: false },
    });
    expect(first.status, first.text).toBe(201);
    expect(first.body.critical[0]).toMatchObject({ flag: 'LL', notice: { status: 'sent' } });
    const worse = await post(h.app, ma, URL('enc-adult'), {
      oxygenSaturation: { value: 82, onOxygen: false },
    });
    expect(worse.status, worse.text).toBe(201);
    expect(worse.body.repeatAdvised).toBe(true);
    expect(worse.body.notices).toEqual([]);
    expect(worse.body.critical).toEqual([
      {
        sign: 'oxygenSaturation',
        flag: 'LL',
        observationId: expect.any(String),
        notice: { id: first.body.notices[0], status: 'already-open' },
      },
    ]);
    expect(await countOf(h.app, ctx, 'Communication')).toBe(1);
    // Once acknowledged, the next critical SpO2 is a new notice.
    const ack = await post(h.app, doctor, `/api/rooming/notices/${first.body.notices[0]}/acknowledge`, {});
    expect(ack.status, ack.text).toBe(200);
    const third = await post(h.app, ma, URL('enc-adult'), {
      oxygenSaturation: { value: 84, onOxygen: false },
    });
    expect(third.body.critical[0].notice.status).toBe('sent');
    expect(await countOf(h.app, ctx, 'Communication')).toBe(2);
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
