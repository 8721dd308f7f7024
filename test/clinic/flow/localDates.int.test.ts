import { describe, expect, it } from 'vitest';
import { checkInNeeds } from '../../../src/clinic/flow/checkIn.js';
import { checkOutInfo } from '../../../src/clinic/flow/checkOut.js';
import { followUpExtension } from '../../../src/clinic/flow/followUp.js';
import {
  injectJson,
  newPractice,
  testEngines,
  transaction,
  useEngine,
  type TestContext,
} from '../../harness.js';
import { clinic, PATIENT, PROVIDER, SITE } from './fixtures.js';

/**
 * Check-in and check-out on the clinic's calendar (docs/decisions/0017-clinic-local-dates.md), at evening
 * instants when UTC's date is already tomorrow. The fixture site is in New York: EST (UTC-5) in winter, EDT
 * (UTC-4) from 2027-03-14.
 */
describe.each(testEngines())('clinic-local dates at check-in and check-out [%s]', (engine) => {
  const h = useEngine(engine);

  const put = (resource: { resourceType: string; id: string } & Record<string, unknown>) => ({
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
  });

  async function weekdaySchedule(ctx: TestContext): Promise<void> {
    const schedule = await transaction(h.app, ctx, [
      put({
        resourceType: 'Schedule',
        id: 'sched-nwosu',
        active: true,
        actor: [{ reference: `Practitioner/${PROVIDER}` }, { reference: `Location/${SITE}` }],
      }),
    ]);
    expect(schedule.status, schedule.text).toBe(200);
    const rules = await injectJson(h.app, {
      method: 'PUT',
      url: '/api/schedule/schedules/sched-nwosu/availability',
      body: { rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '08:00', end: '17:00' }] },
      contentType: 'application/json',
      headers: { authorization: `Bearer ${ctx.token}` },
    });
    expect(rules.status, rules.text).toBe(200);
  }

  it("check-out offers tomorrow's slots on the evening of a visit (the site's date, not UTC's)", async () => {
    const ctx = await newPractice(h.db, 'checkout-dates');
    await clinic(h.app, ctx);
    await weekdaySchedule(ctx);
    const visit = await transaction(h.app, ctx, [
      put({
        resourceType: 'Encounter',
        id: 'enc-1',
        status: 'in-progress',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${PATIENT}` },
        appointment: [{ reference: 'Appointment/appt-1' }],
        extension: [followUpExtension({ visitType: 'follow-up', withinDays: 1 })],
      }),
    ]);
    expect(visit.status, visit.text).toBe(200);
    // Tuesday 2027-03-09, 20:30 EST = 2027-03-10T01:30Z (UTC's date: the 10th). Back within 1 day: from
    // tomorrow, Wednesday 2027-03-10, whose first slot is 08:00 EST = 13:00Z. From UTC's date it began on
    // the 11th.
    const info = await checkOutInfo(h.db, ctx, 'enc-1', new Date('2027-03-10T01:30:00Z'));
    expect(info.followUp).toMatchObject({ visitType: 'follow-up', withinDays: 1 });
    expect(info.suggestions[0]?.start).toBe('2027-03-10T13:00:00.000Z');
    // A week either side of the day asked for, never before tomorrow: the last day is 2027-03-17.
    expect(info.suggestions.every((s) => s.start >= '2027-03-10' && s.start < '2027-03-18')).toBe(true);
  });

  it("consents lapse at the site's midnight: valid all evening of the day before, lapsed from 00:00", async () => {
    const ctx = await newPractice(h.db, 'consent-dates');
    await clinic(h.app, ctx);
    const consent = (id: string, code: string, dateTime: string, end?: string) =>
      put({
        resourceType: 'Consent',
        id,
        status: 'active',
        scope: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
        },
        policyRule: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }],
        },
        category: [{ coding: [{ system: 'urn:medassist:consent-type', code }] }],
        patient: { reference: `Patient/${PATIENT}` },
        dateTime,
        ...(end ? { provision: { period: { end } } } : {}),
      });
    const loaded = await transaction(h.app, ctx, [
      // Yearly: signed 2025-12-01, lapses on 2026-12-01. Financial policy: expires 2026-12-01.
      consent('c-treat', 'consent-to-treat', '2025-12-01'),
      consent('c-money', 'financial-policy', '2026-06-01', '2026-12-01'),
    ]);
    expect(loaded.status, loaded.text).toBe(200);
    // 2026-12-01T02:00Z is November 30, 21:00 EST: both still valid (UTC midnight had them lapse at 19:00).
    const evening = await checkInNeeds(h.db, ctx, 'appt-1', new Date('2026-12-01T02:00:00Z'));
    expect(evening.consents).toEqual([
      { type: 'consent-to-treat', status: 'ok', date: '2025-12-01' },
      { type: 'privacy-practices', status: 'missing' },
      { type: 'financial-policy', status: 'ok', date: '2026-06-01' },
    ]);
    // 05:00Z is midnight EST: December 1, both lapsed.
    const midnight = await checkInNeeds(h.db, ctx, 'appt-1', new Date('2026-12-01T05:00:00Z'));
    expect(midnight.consents).toEqual([
      { type: 'consent-to-treat', status: 'expired', date: '2025-12-01' },
      { type: 'privacy-practices', status: 'missing' },
      { type: 'financial-policy', status: 'expired', date: '2026-06-01' },
    ]);
  });
});
