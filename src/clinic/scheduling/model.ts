import type { Appointment, Location, Reference, Schedule, Slot } from '@medplum/fhirtypes';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { rulesOf, ruleDays, type AvailabilityRule } from './availability.js';
import { DAY_MS, merge, subtract, Zone, type Interval } from './time.js';

export const TIMEZONE_URL = 'http://hl7.org/fhir/StructureDefinition/timezone';
/** A clinic holiday on a site Location: sub-extensions `date` (valueDate) and `name` (valueString). */
export const HOLIDAY_URL = 'https://medassist.dev/fhir/StructureDefinition/clinic-holiday';

/** Appointment statuses that do not hold their time (the rule); every other status is busy. */
export const FREE_STATUSES = ['cancelled', 'noshow', 'entered-in-error', 'waitlist'] as const;

/** A site (a Location with schedules): its zone and holidays. */
export interface SiteInfo {
  id: string;
  name: string;
  zone: Zone;
  /** Local date (YYYY-MM-DD) -> holiday name. */
  holidays: Map<string, string>;
  resource: Location;
}

/** A bookable Schedule: a provider's (Practitioner + site) or a site's nurse line (site only). */
export interface ScheduleInfo {
  id: string;
  label: string;
  practitioner?: { id: string; name: string };
  location: { id: string; name: string };
  nurseLine: boolean;
  active: boolean;
  rules: AvailabilityRule[];
  site: SiteInfo;
  resource: Schedule;
}

/** The practice's schedules and sites, read in one query. */
export interface Directory {
  schedules: ScheduleInfo[];
  byId: Map<string, ScheduleInfo>;
  sites: Map<string, SiteInfo>;
  /** Every Location (rooms among them), by id. */
  locations: Map<string, Location>;
  /** Practitioners who have a schedule: an appointment naming one is on that schedule, not a nurse line. */
  scheduledPractitioners: Set<string>;
}

const idOf = (ref: Reference | undefined, type: string): string | undefined => {
  const m = ref?.reference
    ? new RegExp(`^(?:.*/)?${type}/([A-Za-z0-9\\-.]{1,64})$`).exec(ref.reference)
    : null;
  return m?.[1];
};

export function siteOf(location: Location): SiteInfo {
  const holidays = new Map<string, string>();
  for (const ext of location.extension ?? []) {
    if (ext.url !== HOLIDAY_URL) continue;
    const date = ext.extension?.find((e) => e.url === 'date')?.valueDate;
    const name = ext.extension?.find((e) => e.url === 'name')?.valueString;
    if (date) holidays.set(date, name ?? 'Holiday');
  }
  const zone = location.extension?.find((e) => e.url === TIMEZONE_URL)?.valueCode;
  return {
    id: location.id ?? '',
    name: location.name ?? location.id ?? '',
    zone: Zone.of(zone),
    holidays,
    resource: location,
  };
}

/**
 * Reads the practice's Schedules and Locations (one query, the store's own read: availability is the
 * clinic's, not a patient's). A Schedule without a Location actor is not bookable and is left out.
 */
export async function loadDirectory(conn: SqlConnection, ctx: RequestContext): Promise<Directory> {
  const result = await conn.query<{ resource_type: string; content: Schedule | Location }>(
    "SELECT resource_type, content FROM resource WHERE practice_id = $1 AND resource_type IN ('Schedule', 'Location') AND NOT deleted",
    [ctx.practiceId]
  );
  const locations = new Map<string, Location>();
  const raw: Schedule[] = [];
  for (const row of result.rows) {
    if (row.resource_type === 'Location') {
      locations.set(row.content.id ?? '', row.content as Location);
    } else {
      raw.push(row.content as Schedule);
    }
  }
  const sites = new Map<string, SiteInfo>();
  const schedules: ScheduleInfo[] = [];
  for (const schedule of raw) {
    const locationRef = schedule.actor?.find((a) => idOf(a, 'Location'));
    const locationId = idOf(locationRef, 'Location');
    const location = locationId ? locations.get(locationId) : undefined;
    if (!locationId || !location) continue;
    let site = sites.get(locationId);
    if (!site) {
      site = siteOf(location);
      sites.set(locationId, site);
    }
    const practitionerRef = schedule.actor?.find((a) => idOf(a, 'Practitioner'));
    const practitionerId = idOf(practitionerRef, 'Practitioner');
    const practitioner = practitionerId
      ? { id: practitionerId, name: practitionerRef?.display ?? practitionerId }
      : undefined;
    schedules.push({
      id: schedule.id ?? '',
      label: practitioner?.name ?? schedule.comment ?? `Nurse line, ${site.name}`,
      practitioner,
      location: { id: site.id, name: site.name },
      nurseLine: !practitioner,
      active: schedule.active !== false,
      rules: rulesOf(schedule),
      site,
      resource: schedule,
    });
  }
  schedules.sort(
    (a, b) =>
      Number(a.nurseLine) - Number(b.nurseLine) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id)
  );
  return {
    schedules,
    byId: new Map(schedules.map((s) => [s.id, s])),
    sites,
    locations,
    scheduledPractitioners: new Set(schedules.flatMap((s) => (s.practitioner ? [s.practitioner.id] : []))),
  };
}

/** An appointment that holds its time, as the busy query reads it. */
export interface BusyAppointment {
  id: string;
  start: number;
  end: number;
  status: string;
  practitioners: string[];
  locations: string[];
  patient?: string;
  resource: Appointment;
}

/** A block (Slot busy-unavailable) on a schedule: lunch, a meeting, time off. */
export interface Block {
  id: string;
  scheduleId: string;
  start: number;
  end: number;
  reason: string;
}

/** Appointments may last up to 12 hours, blocks up to 31 days: the busy query looks back that far. */
const APPOINTMENT_LOOKBACK_MS = DAY_MS / 2;
export const MAX_BLOCK_DAYS = 31;

export function toBusy(a: Appointment): BusyAppointment | undefined {
  const start = Date.parse(a.start ?? '');
  const end = a.end ? Date.parse(a.end) : start + (a.minutesDuration ?? 0) * 60_000;
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return undefined;
  const actors = (a.participant ?? []).map((p) => p.actor);
  return {
    id: a.id ?? '',
    start,
    end,
    status: a.status,
    practitioners: actors.map((r) => idOf(r, 'Practitioner')).filter((x): x is string => !!x),
    locations: actors.map((r) => idOf(r, 'Location')).filter((x): x is string => !!x),
    patient: actors.map((r) => idOf(r, 'Patient')).find((x) => !!x),
    resource: a,
  };
}

/**
 * The busy times of `schedules` in `range`: appointments that hold their time and that name one of their
 * practitioners or sites, and the schedules' blocks. ONE statement, read without the caller's access
 * filter: a restricted chart's appointment is hidden from users but still holds its time (callers never
 * return its patient unless the user may see it).
 */
export async function loadBusy(
  conn: SqlConnection,
  ctx: RequestContext,
  schedules: readonly ScheduleInfo[],
  range: Interval
): Promise<{ appointments: BusyAppointment[]; blocks: Block[] }> {
  const actors = new Set<string>();
  for (const s of schedules) {
    actors.add(s.practitioner?.id ?? s.location.id);
  }
  // Driven by the date index (one row per Appointment start / Slot start in the range), each row joined to
  // its resource by primary key and kept when it names one of the actors / schedules (a semi-join per row).
  const result = await conn.query<{ kind: string; content: Appointment | Slot }>(
    `SELECT 'a' AS kind, r.content FROM search_index d
       JOIN resource r ON r.practice_id = d.practice_id AND r.resource_type = 'Appointment' AND r.id = d.resource_id
      WHERE d.practice_id = $1 AND d.resource_type = 'Appointment' AND d.param = 'date' AND d.lo >= $2 AND d.lo < $4
        AND NOT r.deleted AND NOT (COALESCE(r.content->>'status', '') = ANY($7::text[]))
        AND EXISTS (SELECT 1 FROM search_index x WHERE x.practice_id = $1 AND x.resource_type = 'Appointment'
                    AND x.resource_id = d.resource_id AND x.param = 'actor' AND x.display = ANY($5::text[]))
     UNION ALL
     SELECT 's', r.content FROM search_index d
       JOIN resource r ON r.practice_id = d.practice_id AND r.resource_type = 'Slot' AND r.id = d.resource_id
      WHERE d.practice_id = $1 AND d.resource_type = 'Slot' AND d.param = 'start' AND d.lo >= $3 AND d.lo < $4
        AND NOT r.deleted AND r.content->>'status' <> 'free'
        AND EXISTS (SELECT 1 FROM search_index x WHERE x.practice_id = $1 AND x.resource_type = 'Slot'
                    AND x.resource_id = d.resource_id AND x.param = 'schedule' AND x.display = ANY($6::text[]))`,
    [
      ctx.practiceId,
      new Date(range.start - APPOINTMENT_LOOKBACK_MS).toISOString(),
      new Date(range.start - MAX_BLOCK_DAYS * DAY_MS).toISOString(),
      new Date(range.end).toISOString(),
      [...actors],
      schedules.map((s) => s.id),
      [...FREE_STATUSES],
    ]
  );
  const appointments: BusyAppointment[] = [];
  const blocks: Block[] = [];
  for (const row of result.rows) {
    if (row.kind === 'a') {
      const busy = toBusy(row.content as Appointment);
      if (busy && busy.end > range.start) appointments.push(busy);
    } else {
      const slot = row.content as Slot;
      const start = Date.parse(slot.start);
      const end = Date.parse(slot.end);
      const scheduleId = idOf(slot.schedule, 'Schedule');
      if (scheduleId && end > range.start && end > start) {
        blocks.push({ id: slot.id ?? '', scheduleId, start, end, reason: slot.comment ?? 'Unavailable' });
      }
    }
  }
  return { appointments, blocks };
}

/** Whether an appointment holds time on a schedule: the provider's (any site), or the site's nurse line. */
export function occupies(dir: Directory, schedule: ScheduleInfo, a: BusyAppointment): boolean {
  if (schedule.practitioner) {
    return a.practitioners.includes(schedule.practitioner.id);
  }
  return (
    a.locations.includes(schedule.location.id) &&
    !a.practitioners.some((p) => dir.scheduledPractitioners.has(p))
  );
}

/** The schedule a visit shows in: its provider's schedule at its site (or any of theirs), else the site's nurse line. */
export function scheduleOfAppointment(dir: Directory, a: BusyAppointment): ScheduleInfo | undefined {
  for (const practitioner of a.practitioners) {
    if (!dir.scheduledPractitioners.has(practitioner)) continue;
    const mine = dir.schedules.filter((s) => s.practitioner?.id === practitioner);
    return mine.find((s) => a.locations.includes(s.location.id)) ?? mine[0];
  }
  return dir.schedules.find((s) => s.nurseLine && a.locations.includes(s.location.id));
}

/**
 * The open windows of a schedule on a local day, from its rules (only rules allowing `visitType` when one is
 * given), none on a holiday of its site. `span` is the range of days being evaluated (rule days are cached
 * per range).
 */
export function openOn(
  schedule: ScheduleInfo,
  day: number,
  span: { fromDay: number; toDay: number },
  visitType?: string
): Interval[] {
  if (!schedule.active) return [];
  const zone = schedule.site.zone;
  if (
    schedule.site.holidays.size > 0 &&
    schedule.site.holidays.has(new Date(day * DAY_MS).toISOString().slice(0, 10))
  ) {
    return [];
  }
  const windows: Interval[] = [];
  for (const rule of schedule.rules) {
    if (visitType && rule.visitTypes && !rule.visitTypes.includes(visitType)) continue;
    if (!ruleDays(rule, span.fromDay, span.toDay).has(day)) continue;
    windows.push({ start: zone.instant(day, rule.start), end: zone.instant(day, rule.end) });
  }
  return merge(windows);
}

/** The times a schedule is taken (its blocks and the visits that hold time on it), merged and sorted. */
export function takenOn(
  dir: Directory,
  schedule: ScheduleInfo,
  busy: { appointments: BusyAppointment[]; blocks: Block[] },
  ignoreAppointment?: string
): Interval[] {
  const taken: Interval[] = busy.blocks.filter((b) => b.scheduleId === schedule.id);
  for (const a of busy.appointments) {
    if (a.id !== ignoreAppointment && occupies(dir, schedule, a)) taken.push(a);
  }
  return merge(taken);
}

/** Open windows of a day minus the schedule's taken times (from takenOn). */
export function freeOn(
  schedule: ScheduleInfo,
  day: number,
  span: { fromDay: number; toDay: number },
  taken: Interval[],
  visitType?: string
): Interval[] {
  const open = openOn(schedule, day, span, visitType);
  return open.length === 0 ? open : subtract(open, taken, true);
}
