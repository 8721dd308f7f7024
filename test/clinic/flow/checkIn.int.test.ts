import { describe, expect, it } from 'vitest';
import { countOf, fhir, newPractice, testEngines, transaction, useEngine } from '../../harness.js';
import { signedInUser } from '../../authHarness.js';
import {
  BIRTH_DATE,
  clinic,
  COVERAGE,
  appointment,
  frontDesk,
  get,
  goodCheckIn,
  PATIENT,
  PATIENT_NAME,
  post,
  todayAt,
  tomorrowAt10,
} from './fixtures.js';

const VERIFIED = 'https://medassist.dev/fhir/StructureDefinition/verified';
const FLOW_STATUS = 'https://medassist.dev/fhir/StructureDefinition/flow-status';
const FLOW_HISTORY = 'https://medassist.dev/fhir/StructureDefinition/flow-history';

describe.each(testEngines())('check-in [%s]', (engine) => {
  const h = useEngine(engine);

  async function setUp() {
    const ctx = await newPractice(h.db, 'checkin');
    await clinic(h.app, ctx);
    const desk = await frontDesk(h.db, ctx);
    return { ctx, desk };
  }

  /** What a failed check-in must leave as it was: no Encounter, no payment, the Appointment still booked. */
  async function nothingWritten(ctx: Awaited<ReturnType<typeof setUp>>['ctx']) {
    expect(await countOf(h.app, ctx, 'Encounter')).toBe(0);
    expect(await countOf(h.app, ctx, 'PaymentNotice')).toBe(0);
    const appt = await fhir(h.app, ctx, { method: 'GET', url: 'Appointment/appt-1' });
    expect(appt.body.status).toBe('booked');
    const patient = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${PATIENT}` });
    expect(patient.body.meta.versionId).toBe('1');
  }

  it('opens the Encounter, sets the Appointment arrived, stamps verification, takes the co-pay: one transaction', async () => {
    const { ctx, desk } = await setUp();
    const res = await post(h.app, desk, '/api/flow/check-in', goodCheckIn({ flags: ['mobility-aid'] }));
    expect(res.status, res.text).toBe(201);
    const encounter = res.body.encounter;
    expect(encounter.status).toBe('arrived');
    expect(encounter.class.code).toBe('AMB');
    expect(encounter.subject.reference).toBe(`Patient/${PATIENT}`);
    expect(encounter.appointment[0].reference).toBe('Appointment/appt-1');
    expect(encounter.participant[0].individual.reference).toBe('Practitioner/prac-nwosu');
    expect(encounter.location[0].location.reference).toBe('Location/site-main');
    expect(encounter.serviceType.coding[0].code).toBe('124');
    expect(encounter.period.start).toBeDefined();
    expect(encounter.extension.find((e: { url: string }) => e.url === FLOW_STATUS).valueCode).toBe('arrived');
    const history = encounter.extension.filter((e: { url: string }) => e.url === FLOW_HISTORY);
    expect(history).toHaveLength(1);
    expect(history[0].extension.find((e: { url: string }) => e.url === 'by').valueString).toBe(
      desk.user.username
    );

    const appt = await fhir(h.app, ctx, { method: 'GET', url: 'Appointment/appt-1' });
    expect(appt.body.status).toBe('arrived');
    const patient = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${PATIENT}` });
    const stamp = patient.body.extension.find((e: { url: string }) => e.url === VERIFIED);
    expect(stamp.extension.find((e: { url: string }) => e.url === 'by').valueString).toBe(desk.user.username);
    const coverage = await fhir(h.app, ctx, { method: 'GET', url: `Coverage/${COVERAGE}` });
    expect(coverage.body.extension.some((e: { url: string }) => e.url === VERIFIED)).toBe(true);

    // The co-pay: a PaymentNotice numbered R-000001 (the practice's first), $25 for this Encounter.
    expect(res.body.receipt).toEqual({ number: 'R-000001', pdf: '/api/flow/receipts/R-000001.pdf' });
    const notices = await fhir(h.app, ctx, { method: 'GET', url: 'PaymentNotice' });
    expect(notices.body.entry).toHaveLength(1);
    const notice = notices.body.entry[0].resource;
    expect(notice.amount).toEqual({ value: 25, currency: 'USD' });
    expect(notice.request.reference).toBe(`Encounter/${encounter.id}`);
    expect(notice.identifier[0].value).toBe('R-000001');

    const pdf = await get(h.app, desk, '/api/flow/receipts/R-000001.pdf');
    expect(pdf.status, pdf.text).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
  });

  it('receipt numbers are unique and in order within a practice', async () => {
    const { ctx, desk } = await setUp();
    const start = todayAt();
    const more = await transaction(h.app, ctx, [appointment('appt-2', start), appointment('appt-3', start)]);
    expect(more.status).toBe(200);
    const numbers: string[] = [];
    for (const id of ['appt-1', 'appt-2', 'appt-3']) {
      const res = await post(h.app, desk, '/api/flow/check-in', goodCheckIn({ appointmentId: id }));
      expect(res.status, res.text).toBe(201);
      numbers.push(res.body.receipt.number);
    }
    expect(numbers).toEqual(['R-000001', 'R-000002', 'R-000003']);
  });

  it('what check-in needs: coverage to verify, consents missing or expired, the co-pay due', async () => {
    const { ctx, desk } = await setUp();
    const now = new Date();
    const twoYearsAgo = new Date(now.getTime() - 2 * 365 * 86_400_000).toISOString();
    const consent = (id: string, code: string, dateTime: string, end?: string) => ({
      resource: {
        resourceType: 'Consent',
        id,
        status: 'active',
        scope: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
        },
        policyRule: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
        },
        category: [
          { coding: [{ system: 'urn:medassist:consent-type', code }] },
          { coding: [{ system: 'urn:medassist:document-category', code: 'consent' }] },
        ],
        patient: { reference: `Patient/${PATIENT}` },
        dateTime,
        ...(end ? { provision: { period: { end } } } : {}),
      },
      request: { method: 'PUT', url: `Consent/${id}` },
    });
    // Treatment consent signed two years ago, no end: lapsed after a year. Privacy notice two years ago, no
    // end: it does not lapse. No financial policy at all.
    const loaded = await transaction(h.app, ctx, [
      consent('c-treat', 'consent-to-treat', twoYearsAgo),
      consent('c-privacy', 'privacy-practices', twoYearsAgo),
    ]);
    expect(loaded.status, loaded.text).toBe(200);
    const res = await get(h.app, desk, '/api/flow/check-in/appt-1');
    expect(res.status, res.text).toBe(200);
    expect(res.body.patient.id).toBe(PATIENT);
    expect(res.body.coverages).toEqual([
      { id: COVERAGE, payer: 'Prairie Health Plan', memberId: 'PH12345678' },
    ]);
    expect(res.body.consents).toEqual([
      { type: 'consent-to-treat', status: 'expired', date: twoYearsAgo },
      { type: 'privacy-practices', status: 'ok', date: twoYearsAgo },
      { type: 'financial-policy', status: 'missing' },
    ]);
    expect(res.body.copayDue).toBe(25);
    // After check-in the coverage shows as verified.
    expect((await post(h.app, desk, '/api/flow/check-in', goodCheckIn())).status).toBe(201);
    const after = await get(h.app, desk, '/api/flow/check-in/appt-1');
    expect(after.body.coverages[0].verified.by).toBe(desk.user.username);
  });

  it('the name can be stated family first, in any case and without accents', async () => {
    const { desk } = await setUp();
    const res = await post(
      h.app,
      desk,
      '/api/flow/check-in',
      goodCheckIn({ identity: { name: 'DELGADO, maría', birthDate: BIRTH_DATE } })
    );
    expect(res.status, res.text).toBe(201);
  });

  it.each([
    ['no identity', { identity: undefined }, 400, 'identity.name'],
    ['no birth date stated', { identity: { name: PATIENT_NAME } }, 400, 'identity.birthDate'],
    ['another name', { identity: { name: 'Marta Delgado', birthDate: BIRTH_DATE } }, 400, 'identity.name'],
    [
      'another birth date',
      { identity: { name: PATIENT_NAME, birthDate: '1980-04-21' } },
      400,
      'identity.birthDate',
    ],
    ['demographics not confirmed', { demographicsVerified: false }, 400, 'demographicsVerified'],
    ['a negative co-pay', { copay: { amount: -5, method: 'cash' } }, 400, 'copay.amount'],
    ['a co-pay that is not a number', { copay: { amount: '25', method: 'cash' } }, 400, 'copay.amount'],
    ['a co-pay in fractions of a cent', { copay: { amount: 25.001, method: 'cash' } }, 400, 'copay.amount'],
    ['an unknown payment method', { copay: { amount: 25, method: 'bitcoin' } }, 400, 'copay.method'],
    ['an unknown appointment', { appointmentId: 'no-such-appt' }, 404, undefined],
    ['an appointment id that is not an id', { appointmentId: 'x/../y' }, 400, 'appointmentId'],
    ["another patient's coverage", { coverageVerified: ['cov-other'] }, 400, 'coverageVerified[0]'],
    ['an unknown flag', { flags: ['vip'] }, 400, 'flags[0]'],
  ])('%s: refused, nothing written', async (_label, change, status, expression) => {
    const { ctx, desk } = await setUp();
    await transaction(h.app, ctx, [
      {
        resource: {
          resourceType: 'Coverage',
          id: 'cov-other',
          status: 'active',
          beneficiary: { reference: 'Patient/someone-else' },
          payor: [{ display: 'Other plan' }],
        },
        request: { method: 'PUT', url: 'Coverage/cov-other' },
      },
    ]);
    const res = await post(h.app, desk, '/api/flow/check-in', goodCheckIn(change));
    expect(res.status, res.text).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    if (expression) {
      expect(res.body.issue[0].expression).toEqual([expression]);
    }
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    await nothingWritten(ctx);
  });

  it('twice: the second check-in is a conflict and writes nothing more', async () => {
    const { ctx, desk } = await setUp();
    expect((await post(h.app, desk, '/api/flow/check-in', goodCheckIn())).status).toBe(201);
    const again = await post(h.app, desk, '/api/flow/check-in', goodCheckIn());
    expect(again.status).toBe(409);
    expect(again.body.issue[0].expression).toEqual(['appointmentId']);
    expect(await countOf(h.app, ctx, 'Encounter')).toBe(1);
    expect(await countOf(h.app, ctx, 'PaymentNotice')).toBe(1);
  });

  it("tomorrow's appointment does not check in today", async () => {
    const ctx = await newPractice(h.db, 'checkin');
    // 10:00 on the next New York day: 24 hours from now is the same day at the fall-back hour.
    await clinic(h.app, ctx, tomorrowAt10());
    const desk = await frontDesk(h.db, ctx);
    const res = await post(h.app, desk, '/api/flow/check-in', goodCheckIn());
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['appointmentId']);
    expect(res.body.issue[0].details.text).toMatch(/not today/);
    await nothingWritten(ctx);
  });

  it('a telehealth visit opens a virtual (VR) Encounter', async () => {
    const { ctx, desk } = await setUp();
    const appt = appointment('appt-tele', todayAt());
    appt.resource.appointmentType = {
      coding: [{ system: 'urn:medassist:visit-type', code: 'telehealth', display: 'Telehealth visit' }],
    };
    expect((await transaction(h.app, ctx, [appt])).status).toBe(200);
    const res = await post(
      h.app,
      desk,
      '/api/flow/check-in',
      goodCheckIn({ appointmentId: 'appt-tele', copay: undefined })
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body.encounter.class.code).toBe('VR');
    expect(res.body.receipt).toBeUndefined();
  });

  it('the front desk records co-pays but still reads no claims; a provider takes no payments', async () => {
    const { ctx, desk } = await setUp();
    expect((await post(h.app, desk, '/api/flow/check-in', goodCheckIn())).status).toBe(201);
    const claims = await get(h.app, desk, '/fhir/R4/Claim');
    expect(claims.status).toBe(403);
    const provider = await signedInUser(h.db, ctx, ['provider']);
    const more = await transaction(h.app, ctx, [appointment('appt-2', todayAt())]);
    expect(more.status).toBe(200);
    const res = await post(h.app, provider, '/api/flow/check-in', goodCheckIn({ appointmentId: 'appt-2' }));
    expect(res.status).toBe(403);
    expect(await countOf(h.app, ctx, 'Encounter')).toBe(1);
  });
});
