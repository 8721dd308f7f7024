import { describe, expect, it } from 'vitest';
import { loadDemoClinic } from '../../../src/cli/demo.js';
import { findSlots } from '../../../src/clinic/scheduling/find.js';
import {
  loadBusy,
  loadDirectory,
  occupies,
  openOn,
  scheduleOfAppointment,
} from '../../../src/clinic/scheduling/model.js';
import { DAY_MS, overlaps, subtract } from '../../../src/clinic/scheduling/time.js';
import { ensurePractice } from '../../../src/store/practice.js';
import { testEngines, useEngine } from '../../harness.js';

/** A Tuesday, 10:30 in Chicago. */
const TODAY = new Date('2026-03-10T15:30:00.000Z');

describe.each(testEngines())(
  'scheduling: the demo clinic is consistent with its availability [%s]',
  (engine) => {
    const h = useEngine(engine);

    it('every upcoming demo visit is on a schedule, inside its availability, off lunch, and never offered as free', async () => {
      const practiceId = `sched-demo-${Math.random().toString(36).slice(2, 8)}`;
      await ensurePractice(h.db, practiceId, 'Scheduling demo test');
      await loadDemoClinic(h.db, practiceId, { patients: 40, today: TODAY, log: () => undefined });
      const ctx = { practiceId, baseUrl: 'http://test/fhir/R4' };
      const dir = await loadDirectory(h.db, ctx);
      // 4 providers: 6 provider schedules (two work at both sites) and 2 nurse lines.
      expect(dir.schedules).toHaveLength(8);
      expect(dir.schedules.filter((s) => s.nurseLine)).toHaveLength(2);
      expect(dir.schedules.every((s) => s.rules.length === 2 && s.site.zone.name === 'America/Chicago')).toBe(
        true
      );
      const range = { start: TODAY.getTime() - DAY_MS, end: TODAY.getTime() + 16 * DAY_MS };
      const busy = await loadBusy(h.db, ctx, dir.schedules, range);
      const upcoming = busy.appointments.filter(
        (a) => a.start >= TODAY.getTime() && a.resource.status === 'booked'
      );
      // 40 patients, at most two upcoming visits each.
      expect(upcoming.length).toBeGreaterThan(40);
      expect(busy.blocks.filter((b) => b.reason === 'lunch').length).toBeGreaterThan(40);
      for (const a of upcoming) {
        const schedule = scheduleOfAppointment(dir, a);
        expect(schedule, a.id).toBeDefined();
        if (!schedule) continue;
        const day = schedule.site.zone.local(a.start).day;
        const open = subtract(
          openOn(schedule, day, { fromDay: day, toDay: day }),
          busy.blocks.filter((b) => b.scheduleId === schedule.id)
        );
        expect(
          open.some((w) => w.start <= a.start && a.end <= w.end),
          a.id
        ).toBe(true);
      }
      // Free slots never overlap a demo visit of the schedule.
      const slots = await findSlots(
        h.db,
        ctx,
        { visitType: 'follow-up', from: '2026-03-10', to: '2026-03-24', limit: 200 },
        TODAY
      );
      expect(slots.length).toBe(200);
      for (const slot of slots) {
        const schedule = dir.byId.get(slot.scheduleId);
        const interval = { start: Date.parse(slot.start), end: Date.parse(slot.end) };
        expect(interval.start).toBeGreaterThanOrEqual(TODAY.getTime());
        const clash = busy.appointments.find(
          (a) => schedule && occupies(dir, schedule, a) && overlaps(a, interval)
        );
        expect(clash?.id, slot.start).toBeUndefined();
      }
    }, 300_000);
  }
);
