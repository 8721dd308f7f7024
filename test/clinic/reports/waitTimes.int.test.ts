import { describe, expect, it } from 'vitest';
import { FLOW_HISTORY_URL, FLOW_STATUS_URL } from '../../../src/clinic/flow/status.js';
import { asUser, signedInUser } from '../../authHarness.js';
import {
  injectJson,
  newPractice,
  testEngines,
  transaction,
  useEngine,
  type TestContext,
} from '../../harness.js';

/** The app's clock: Thursday 2026-11-05, noon UTC; every visit below is before it. */
const NOW = new Date('2026-11-05T12:00:00.000Z');
const TZ = 'http://hl7.org/fhir/StructureDefinition/timezone';

/**
 * A wall-clock time in America/Chicago on 2-4 November 2026. Daylight saving time ended on Sunday
 * 1 November, so the clinic is on CST (UTC-6): 09:00 local is 15:00Z.
 */
function local(day: number, hhmm: string, plusMinutes = 0): string {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(2026, 10, day, h + 6, m + plusMinutes)).toISOString();
}

const put = (resource: { resourceType: string; id: string; [field: string]: unknown }) => ({
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});

function flow(steps: [string, string][]) {
  return [
    { url: FLOW_STATUS_URL, valueCode: steps[steps.length - 1][0] },
    ...steps.map(([status, start]) => ({
      url: FLOW_HISTORY_URL,
      extension: [
        { url: 'status', valueCode: status },
        { url: 'start', valueDateTime: start },
      ],
    })),
  ];
}

interface Seen {
  id: string;
  patient: string;
  provider: string;
  site: string;
  day: number;
  appointment: string;
  /** Minutes after the appointment start: arrival, roomed, with provider, checked out. */
  arrived: number;
  roomed: number;
  withProvider: number;
  checkedOut: number;
}

function seenVisit(v: Seen) {
  const at = (minutes: number) => local(v.day, v.appointment, minutes);
  return [
    put({
      resourceType: 'Appointment',
      id: `appt-${v.id}`,
      status: 'fulfilled',
      start: at(0),
      end: at(20),
      participant: [
        { actor: { reference: `Patient/${v.patient}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${v.provider}` }, status: 'accepted' },
        { actor: { reference: `Location/${v.site}` }, status: 'accepted' },
      ],
    }),
    put({
      resourceType: 'Encounter',
      id: `enc-${v.id}`,
      extension: flow([
        ['arrived', at(v.arrived)],
        ['waiting', at(v.arrived + 1)],
        ['roomed', at(v.roomed)],
        ['ready-for-provider', at(v.roomed + 1)],
        ['with-provider', at(v.withProvider)],
        ['ready-for-checkout', at(v.checkedOut - 1)],
        ['checked-out', at(v.checkedOut)],
      ]),
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${v.patient}` },
      appointment: [{ reference: `Appointment/appt-${v.id}` }],
      participant: [
        {
          type: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF' },
              ],
            },
          ],
          individual: { reference: `Practitioner/${v.provider}` },
        },
      ],
      period: { start: at(v.arrived), end: at(v.checkedOut) },
      location: [{ location: { reference: `Location/${v.site === 'main' ? 'main-exam-1' : v.site}` } }],
    }),
  ];
}

/**
 * The hand-worked clinic. Dr Ada Lovelace at Main on Monday 2 November, appointments every 20 minutes from
 * 09:00, each patient 5 minutes early:
 *   waits (arrival to roomed)      4, 7, 10, 12, 30  -> median 10, p90 (rank 5 of 5) 30
 *   roomed to provider             3, 5, 8, 2, 6     -> sorted 2, 3, 5, 6, 8: median 5, p90 8
 *   total (arrival to checked out) 30, 40, 35, 50, 60 -> median 40, p90 60
 *   with the provider after the appointment start: 2, 7, 13, 9, 31 min -> 1 of 5 on time (0.2)
 *   plus a no-show at 10:40 and a cancelled 11:00 (never due): 1 no-show of 6 due (0.167).
 * And at Oak Hollow that afternoon, one more of hers: arrived 13:00 on time, roomed 13:20, provider 13:25,
 * out 13:45 (wait 20, 5, total 45; 25 minutes late). All six of her visits: waits 4, 7, 10, 12, 20, 30 ->
 * median (10 + 12) / 2 = 11, p90 (rank ceil(5.4) = 6) 30.
 * Dr Ben Okafor on Tuesday 3 November: one patient checked in at 18:30 local (00:30Z on the 4th, still the
 * 3rd in the clinic) for an 18:35 appointment and left without being seen at 19:10.
 * The restricted chart's visit (a 100-minute wait) and a visit on the 4th are outside what the front desk
 * sees for 2-3 November.
 */
async function clinic(h: { app: Parameters<typeof transaction>[0] }, ctx: TestContext): Promise<void> {
  const waits = [4, 7, 10, 12, 30];
  const withDoctor = [3, 5, 8, 2, 6];
  const totals = [30, 40, 35, 50, 60];
  const starts = ['09:00', '09:20', '09:40', '10:00', '10:20'];
  const entries: unknown[] = [
    put({
      resourceType: 'Location',
      id: 'main',
      name: 'Main',
      extension: [{ url: TZ, valueCode: 'America/Chicago' }],
    }),
    put({
      resourceType: 'Location',
      id: 'oak',
      name: 'Oak',
      extension: [{ url: TZ, valueCode: 'America/Chicago' }],
    }),
    put({
      resourceType: 'Location',
      id: 'main-exam-1',
      name: 'Exam 1',
      partOf: { reference: 'Location/main' },
    }),
    put({
      resourceType: 'Practitioner',
      id: 'ada',
      name: [{ given: ['Ada'], family: 'Lovelace', suffix: ['MD'] }],
    }),
    put({ resourceType: 'Practitioner', id: 'ben', name: [{ given: ['Ben'], family: 'Okafor' }] }),
    ...['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'].map((id) =>
      put({ resourceType: 'Patient', id, name: [{ family: `Test${id}` }] })
    ),
    put({
      resourceType: 'Patient',
      id: 'secret',
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
      name: [{ family: 'Hidden' }],
    }),
  ];
  starts.forEach((start, i) => {
    const arrived = -5;
    entries.push(
      ...seenVisit({
        id: `ada-${i}`,
        patient: `p${i + 1}`,
        provider: 'ada',
        site: 'main',
        day: 2,
        appointment: start,
        arrived,
        roomed: arrived + waits[i],
        withProvider: arrived + waits[i] + withDoctor[i],
        checkedOut: arrived + totals[i],
      })
    );
  });
  entries.push(
    ...seenVisit({
      id: 'ada-oak',
      patient: 'p6',
      provider: 'ada',
      site: 'oak',
      day: 2,
      appointment: '13:00',
      arrived: 0,
      roomed: 20,
      withProvider: 25,
      checkedOut: 45,
    }),
    ...seenVisit({
      id: 'ada-secret',
      patient: 'secret',
      provider: 'ada',
      site: 'main',
      day: 2,
      appointment: '11:20',
      arrived: 0,
      roomed: 100,
      withProvider: 101,
      checkedOut: 120,
    }),
    ...seenVisit({
      id: 'ada-wed',
      patient: 'p7',
      provider: 'ada',
      site: 'main',
      day: 4,
      appointment: '09:00',
      arrived: 0,
      roomed: 1,
      withProvider: 2,
      checkedOut: 3,
    }),
    put({
      resourceType: 'Appointment',
      id: 'appt-noshow',
      status: 'noshow',
      start: local(2, '10:40'),
      end: local(2, '11:00'),
      participant: [
        { actor: { reference: 'Patient/p8' }, status: 'accepted' },
        { actor: { reference: 'Practitioner/ada' }, status: 'accepted' },
        { actor: { reference: 'Location/main' }, status: 'accepted' },
      ],
    }),
    put({
      resourceType: 'Appointment',
      id: 'appt-cancelled',
      status: 'cancelled',
      start: local(2, '11:00'),
      end: local(2, '11:20'),
      participant: [
        { actor: { reference: 'Patient/p9' }, status: 'accepted' },
        { actor: { reference: 'Practitioner/ada' }, status: 'accepted' },
        { actor: { reference: 'Location/main' }, status: 'accepted' },
      ],
    }),
    put({
      resourceType: 'Appointment',
      id: 'appt-left',
      status: 'arrived',
      start: local(3, '18:35'),
      end: local(3, '18:55'),
      participant: [
        { actor: { reference: 'Patient/p9' }, status: 'accepted' },
        { actor: { reference: 'Practitioner/ben' }, status: 'accepted' },
        { actor: { reference: 'Location/main' }, status: 'accepted' },
      ],
    }),
    put({
      resourceType: 'Encounter',
      id: 'enc-left',
      extension: flow([
        ['arrived', local(3, '18:30')],
        ['waiting', local(3, '18:32')],
        ['left-without-being-seen', local(3, '19:10')],
      ]),
      status: 'cancelled',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: 'Patient/p9' },
      appointment: [{ reference: 'Appointment/appt-left' }],
      period: { start: local(3, '18:30'), end: local(3, '19:10') },
      location: [{ location: { reference: 'Location/main' } }],
    })
  );
  const res = await transaction(h.app, ctx, entries);
  expect(res.status, res.text).toBe(200);
}

describe.each(testEngines())('wait-time report [%s]', (engine) => {
  const h = useEngine(engine, { now: () => NOW });

  async function setUp(roles: Parameters<typeof signedInUser>[2] = ['front-desk']) {
    const ctx = await newPractice(h.db, 'waits');
    await clinic(h, ctx);
    const user = await signedInUser(h.db, ctx, roles);
    const get = (query: string) =>
      asUser(h.app, user, { method: 'GET', url: `/api/reports/wait-times?${query}` });
    return { ctx, user, get };
  }

  it('gives the hand-worked figures per day and provider for the front desk at one site', async () => {
    const { ctx, user, get } = await setUp(['front-desk']);
    const res = await get('from=2026-11-02&to=2026-11-03&location=main');
    expect(res.status, res.text).toBe(200);
    expect(res.body.rows).toEqual([
      {
        date: '2026-11-02',
        provider: { id: 'ada', name: 'Ada Lovelace, MD' },
        visits: 5,
        leftWithoutBeingSeen: 0,
        arrivalToRoomed: { n: 5, median: 10, p90: 30 },
        roomedToProvider: { n: 5, median: 5, p90: 8 },
        totalVisit: { n: 5, median: 40, p90: 60 },
        appointmentsDue: 6,
        noShows: 1,
        noShowRate: 0.167,
        onTimeEligible: 5,
        onTimeStarts: 1,
        onTimeRate: 0.2,
      },
      {
        date: '2026-11-03',
        provider: { id: 'ben', name: 'Ben Okafor' },
        visits: 1,
        leftWithoutBeingSeen: 1,
        arrivalToRoomed: { n: 0, median: null, p90: null },
        roomedToProvider: { n: 0, median: null, p90: null },
        totalVisit: { n: 0, median: null, p90: null },
        appointmentsDue: 1,
        noShows: 0,
        noShowRate: 0,
        onTimeEligible: 0,
        onTimeStarts: 0,
        onTimeRate: null,
      },
    ]);
    expect(res.body.days.map((d: { date: string; visits: number }) => [d.date, d.visits])).toEqual([
      ['2026-11-02', 5],
      ['2026-11-03', 1],
    ]);
    expect(res.body.total).toMatchObject({ visits: 6, appointmentsDue: 7, noShows: 1 });
    expect(res.body.definitions.p90).toMatch(/nearest rank/);
    expect(res.text).not.toMatch(/Testp|Hidden/);
    // Audited: who ran which report; no patient is listed, as none is in the answer.
    const audit = await h.db.query<{ patient_ids: string[]; user_id: string }>(
      `SELECT patient_ids, user_id FROM audit_event WHERE practice_id = $1 AND subtype = 'wait-time-report'`,
      [ctx.practiceId]
    );
    expect(audit.rows).toEqual([{ patient_ids: [], user_id: user.user.id }]);
  });

  it('both sites: six visits, median of an even count is the mean of the middle two', async () => {
    const { get } = await setUp(['provider']);
    const res = await get('from=2026-11-02&to=2026-11-02');
    expect(res.status, res.text).toBe(200);
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0]).toMatchObject({
      visits: 6,
      // 4, 7, 10, 12, 20, 30
      arrivalToRoomed: { n: 6, median: 11, p90: 30 },
      // 2, 3, 5, 5, 6, 8
      roomedToProvider: { n: 6, median: 5, p90: 8 },
      // 30, 35, 40, 45, 50, 60
      totalVisit: { n: 6, median: 42.5, p90: 60 },
      appointmentsDue: 7,
      noShowRate: 0.143,
      onTimeStarts: 1,
      onTimeEligible: 6,
      onTimeRate: 0.167,
    });
    const oak = await get('from=2026-11-02&to=2026-11-04&location=oak');
    expect(oak.body.rows.map((r: { visits: number }) => r.visits)).toEqual([1]);
    const ben = await get('from=2026-11-01&to=2026-11-30&provider=ben');
    expect(ben.body.rows.map((r: { date: string }) => r.date)).toEqual(['2026-11-03']);
  });

  it('counts the restricted chart only for whom it is open (a full-access client)', async () => {
    const { ctx, get } = await setUp(['lead-ma']);
    const asDesk = await get('from=2026-11-02&to=2026-11-02&location=main');
    expect(asDesk.body.rows[0].visits).toBe(5);
    const asClient = await injectJson(h.app, {
      method: 'GET',
      url: '/api/reports/wait-times?from=2026-11-02&to=2026-11-02&location=main',
      contentType: 'application/json',
      headers: { authorization: `Bearer ${ctx.token}` },
    });
    expect(asClient.status, asClient.text).toBe(200);
    // The restricted visit adds a 100-minute wait: 4, 7, 10, 12, 30, 100.
    expect(asClient.body.rows[0].arrivalToRoomed).toEqual({ n: 6, median: 11, p90: 100 });
  });

  it('answers CSV: a header, one line per day and provider, RFC 4180 quoting', async () => {
    const { get } = await setUp(['practice-admin']);
    const res = await get('from=2026-11-02&to=2026-11-03&location=main&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="wait-times-2026-11-02-to-2026-11-03.csv"'
    );
    const lines = res.text.split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['date', 'provider_id', 'provider', 'visits']);
    expect(lines.slice(1)).toEqual([
      '2026-11-02,ada,"Ada Lovelace, MD",5,0,5,10,30,5,5,8,5,40,60,6,1,0.167,5,1,0.2',
      '2026-11-03,ben,Ben Okafor,1,1,0,,,0,,,0,,,1,0,0,0,0,',
      '',
    ]);
  });

  it('refuses other roles and bad queries with the field named', async () => {
    const { ctx, get } = await setUp(['front-desk']);
    const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
    const asMa = await asUser(h.app, ma, {
      method: 'GET',
      url: '/api/reports/wait-times?from=2026-11-02&to=2026-11-03',
    });
    expect(asMa.status).toBe(403);
    const biller = await signedInUser(h.db, ctx, ['biller']);
    const asBiller = await asUser(h.app, biller, {
      method: 'GET',
      url: '/api/reports/wait-times?from=2026-11-02&to=2026-11-03',
    });
    expect(asBiller.status).toBe(403);
    const anonymous = await injectJson(h.app, {
      method: 'GET',
      url: '/api/reports/wait-times?from=2026-11-02&to=2026-11-03',
      contentType: 'application/json',
    });
    expect(anonymous.status).toBe(401);
    const bad: [string, string][] = [
      ['to=2026-11-03', 'from'],
      ['from=2026-11-02', 'to'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['from=02/11/2026&to=2026-11-03', 'from'],
      ['from=2026-11-03&to=2026-11-02', 'to'],
      ['from=2025-01-01&to=2026-11-02', 'to'],
      ['from=2026-11-02&to=2026-11-03&location=nowhere', 'location'],
      ['from=2026-11-02&to=2026-11-03&location=bad%20id!', 'location'],
      ['from=2026-11-02&to=2026-11-03&provider=x%27%3B--', 'provider'],
      ['from=2026-11-02&from=2026-11-01&to=2026-11-03', 'from'],
      ['from=2026-11-02&to=2026-11-03&format=xlsx', 'format'],
    ];
    for (const [query, field] of bad) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression, query).toEqual([field]);
      expect(res.text).not.toMatch(/at .*\.ts/);
    }
  });
});
