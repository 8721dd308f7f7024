import type { Location } from '@medplum/fhirtypes';
import { assertAllowed } from '../../auth/policy.js';
import { badRequest } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { ROOM_STATUS, ROOM_STATUS_SYSTEM } from '../flow/status.js';
import { ruleView } from './availability.js';
import {
  loadBusy,
  loadDirectory,
  openOn,
  scheduleOfAppointment,
  type Directory,
  type ScheduleInfo,
} from './model.js';
import { visiblePatients, type VisitPatient } from './patients.js';
import { dateOf, DAY_MS, subtract } from './time.js';
import { SCHEDULING_VISIT_TYPES, visitTypeByCode, visitTypeCodeOf } from './visitTypes.js';

export interface BookedVisit {
  id: string;
  scheduleId: string;
  start: string;
  end: string;
  status: string;
  visitType: { code: string; display: string };
  patient: VisitPatient | null;
  restricted: boolean;
}

export interface CalendarView {
  date?: string;
  start?: string;
  end?: string;
  timeZone: string;
  columns: { scheduleId: string; label: string; practitioner?: { id: string; name: string } }[];
  open: { scheduleId: string; start: string; end: string }[];
  blocks: { id: string; scheduleId: string; start: string; end: string; reason: string }[];
  appointments: BookedVisit[];
  /** The patients shown, for the caller's audit record of this read. */
  patientIds: string[];
}

function assertMayRead(ctx: RequestContext): void {
  if (ctx.principal) {
    assertAllowed(ctx.principal, 'search', 'Schedule');
    assertAllowed(ctx.principal, 'search', 'Appointment');
  }
}

function siteOrThrow(dir: Directory, location: string): void {
  if (!dir.sites.has(location) && !dir.locations.has(location)) {
    throw badRequest(`Location/${location} was not found`, 'location');
  }
}

const ROOM_STATE: Record<string, string> = {
  [ROOM_STATUS.free.code]: 'free',
  [ROOM_STATUS.occupied.code]: 'occupied',
  [ROOM_STATUS.needsCleaning.code]: 'needs-cleaning',
};

/** What the scheduling screens need once: zone, visit types, the site's schedules, rooms and holidays. */
export async function scheduleSetup(conn: SqlConnection, ctx: RequestContext, location: string) {
  assertMayRead(ctx);
  const dir = await loadDirectory(conn, ctx);
  siteOrThrow(dir, location);
  const site = dir.sites.get(location);
  const rooms = [...dir.locations.values()].filter(
    (l: Location) => l.partOf?.reference === `Location/${location}` && l.status !== 'inactive'
  );
  return {
    timeZone: site?.zone.name ?? 'UTC',
    visitTypes: SCHEDULING_VISIT_TYPES.map(({ code, display, minutes, performers, room }) => ({
      code,
      display,
      minutes,
      performers,
      room,
    })),
    schedules: dir.schedules
      .filter((s) => s.location.id === location)
      .map((s) => ({
        id: s.id,
        label: s.label,
        ...(s.practitioner ? { practitioner: s.practitioner } : {}),
        location: s.location,
        nurseLine: s.nurseLine,
        active: s.active,
        rules: s.rules.map(ruleView),
      })),
    rooms: rooms
      .map((room) => {
        const code =
          room.operationalStatus?.system === ROOM_STATUS_SYSTEM ? room.operationalStatus.code : undefined;
        return {
          id: room.id ?? '',
          name: room.alias?.[0] ?? room.name ?? room.id ?? '',
          status: ROOM_STATE[code ?? ''] ?? 'free',
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })),
    holidays: [...(site?.holidays ?? new Map<string, string>())]
      .map(([date, name]) => ({ date, name }))
      .sort((a, b) => a.date.localeCompare(b.date)),
  };
}

/**
 * The calendar of some schedules over local days [fromDay, toDay]: open windows (availability minus blocks
 * and holidays), blocks, and the visits that hold time (a restricted chart's visit with its patient hidden).
 */
async function calendar(
  conn: SqlConnection,
  ctx: RequestContext,
  dir: Directory,
  schedules: ScheduleInfo[],
  fromDay: number,
  toDay: number,
  keepEmpty: boolean
): Promise<Omit<CalendarView, 'date' | 'start' | 'end'>> {
  const range = { start: (fromDay - 1) * DAY_MS, end: (toDay + 2) * DAY_MS };
  const busy = await loadBusy(conn, ctx, schedules, range);
  const span = { fromDay, toDay };
  const open: CalendarView['open'] = [];
  const blocks: CalendarView['blocks'] = [];
  const appointments: BookedVisit[] = [];
  const used = new Set<string>();
  const ids = new Set(schedules.map((s) => s.id));
  for (const schedule of schedules) {
    const zone = schedule.site.zone;
    const first = zone.instant(fromDay, 0);
    const last = zone.instant(toDay + 1, 0);
    for (let day = fromDay; day <= toDay; day++) {
      const windows = subtract(
        openOn(schedule, day, span),
        busy.blocks.filter((b) => b.scheduleId === schedule.id)
      );
      for (const w of windows) {
        open.push({
          scheduleId: schedule.id,
          start: new Date(w.start).toISOString(),
          end: new Date(w.end).toISOString(),
        });
        used.add(schedule.id);
      }
    }
    for (const b of busy.blocks) {
      if (b.scheduleId === schedule.id && b.start < last && b.end > first) {
        blocks.push({
          id: b.id,
          scheduleId: b.scheduleId,
          start: new Date(b.start).toISOString(),
          end: new Date(b.end).toISOString(),
          reason: b.reason,
        });
        used.add(schedule.id);
      }
    }
  }
  const seen = new Set<string>();
  for (const a of busy.appointments) {
    const schedule = scheduleOfAppointment(dir, a);
    if (!schedule || !ids.has(schedule.id) || seen.has(a.id)) continue;
    const zone = schedule.site.zone;
    if (a.start >= zone.instant(toDay + 1, 0) || a.end <= zone.instant(fromDay, 0)) continue;
    seen.add(a.id);
    used.add(schedule.id);
    const code = visitTypeCodeOf(a.resource) ?? '';
    appointments.push({
      id: a.id,
      scheduleId: schedule.id,
      start: new Date(a.start).toISOString(),
      end: new Date(a.end).toISOString(),
      status: a.status,
      visitType: {
        code,
        display: visitTypeByCode(code)?.display ?? a.resource.appointmentType?.text ?? code,
      },
      patient: null,
      restricted: true,
    });
  }
  const patientOf = new Map(busy.appointments.map((a) => [a.id, a.patient]));
  const patients = await visiblePatients(
    conn,
    ctx,
    appointments.flatMap((v) => patientOf.get(v.id) ?? [])
  );
  const shown: string[] = [];
  for (const visit of appointments) {
    const patientId = patientOf.get(visit.id);
    const patient = patientId ? (patients.get(patientId) ?? null) : null;
    visit.patient = patient;
    visit.restricted = !!patientId && patient === null;
    if (patient) shown.push(patient.id);
  }
  appointments.sort((a, b) => a.start.localeCompare(b.start) || a.scheduleId.localeCompare(b.scheduleId));
  open.sort((a, b) => a.start.localeCompare(b.start));
  blocks.sort((a, b) => a.start.localeCompare(b.start));
  return {
    timeZone: schedules[0]?.site.zone.name ?? 'UTC',
    columns: schedules
      .filter((s) => keepEmpty || used.has(s.id))
      .map((s) => ({
        scheduleId: s.id,
        label: s.label,
        ...(s.practitioner ? { practitioner: s.practitioner } : {}),
      })),
    open,
    blocks,
    appointments,
    patientIds: [...new Set(shown)],
  };
}

/** A site's day: a column per schedule with open time, blocks or visits that day. */
export async function scheduleDay(
  conn: SqlConnection,
  ctx: RequestContext,
  day: number,
  location: string
): Promise<CalendarView> {
  assertMayRead(ctx);
  const dir = await loadDirectory(conn, ctx);
  siteOrThrow(dir, location);
  const schedules = dir.schedules.filter((s) => s.location.id === location);
  const view = await calendar(conn, ctx, dir, schedules, day, day, false);
  return { date: dateOf(day), ...view, timeZone: dir.sites.get(location)?.zone.name ?? view.timeZone };
}

/** Seven days from `start` of the named schedules (every column kept). */
export async function scheduleWeek(
  conn: SqlConnection,
  ctx: RequestContext,
  startDay: number,
  scheduleIds: string[]
): Promise<CalendarView> {
  assertMayRead(ctx);
  const dir = await loadDirectory(conn, ctx);
  const schedules = scheduleIds.map((id) => {
    const s = dir.byId.get(id);
    if (!s) throw badRequest(`Schedule/${id} was not found`, 'schedule');
    return s;
  });
  const view = await calendar(conn, ctx, dir, schedules, startDay, startDay + 6, true);
  return { start: dateOf(startDay), end: dateOf(startDay + 6), ...view };
}
