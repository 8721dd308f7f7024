import type { Extension, Schedule } from '@medplum/fhirtypes';
import rrulePkg from 'rrule';
import { badRequest } from '../../fhir/outcome.js';
import { clockOf, DAY_MS, parseClock, parseDate, dateOf } from './time.js';
import { visitTypeByCode } from './visitTypes.js';

// rrule ships CommonJS for Node: its named exports come through the default export.
const { RRule } = rrulePkg;
type RRuleInstance = InstanceType<typeof RRule>;

/**
 * A schedule's recurring availability: one extension per rule on the FHIR Schedule
 * (docs/decisions/0012-scheduling.md). Sub-extensions: `rrule` (valueString, RFC 5545 RRULE without DTSTART),
 * `start` and `end` (valueTime, clinic-local wall-clock time), `visitType` (valueCode, repeated: only these
 * types in this window; none = any type the schedule performs), `from`/`until` (valueDate, optional).
 */
export const AVAILABILITY_URL = 'https://medassist.dev/fhir/StructureDefinition/schedule-availability';

export interface AvailabilityRule {
  rrule: string;
  /** Minutes after local midnight. */
  start: number;
  end: number;
  visitTypes?: string[];
  /** First local day the rule applies (DTSTART); default 2020-01-06, a Monday. */
  from?: number;
  until?: number;
}

/** The DTSTART of a rule without `from`: a Monday, so INTERVAL=2 weeks counts from a fixed week. */
const DEFAULT_FROM = Date.UTC(2020, 0, 6) / DAY_MS;
const ALLOWED_FREQ = new Set([RRule.DAILY, RRule.WEEKLY, RRule.MONTHLY, RRule.YEARLY]);

/** Parses the rules of PUT .../availability; every problem is a 400 naming rules[i].field. */
export function parseRules(body: unknown): AvailabilityRule[] {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(b.rules) || b.rules.length > 50) {
    throw badRequest('rules must be a list of 0-50 availability rules', 'rules');
  }
  return b.rules.map((raw: unknown, i) => {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const field = (name: string): string => `rules[${i}].${name}`;
    if (typeof r.rrule !== 'string' || r.rrule.length === 0 || r.rrule.length > 500) {
      throw badRequest('rrule must be an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO,TU,WE', field('rrule'));
    }
    const rrule = r.rrule.trim().replace(/^RRULE:/i, '');
    compile(rrule, DEFAULT_FROM, undefined, field('rrule'));
    const start = parseClock(r.start, field('start'));
    const end = parseClock(r.end, field('end'));
    if (end <= start) {
      throw badRequest('end must be after start (a window within one day)', field('end'));
    }
    let visitTypes: string[] | undefined;
    if (r.visitTypes !== undefined) {
      if (
        !Array.isArray(r.visitTypes) ||
        r.visitTypes.some((c) => typeof c !== 'string' || !visitTypeByCode(c))
      ) {
        throw badRequest('visitTypes must be a list of visit type codes', field('visitTypes'));
      }
      visitTypes = r.visitTypes as string[];
    }
    const from = r.from === undefined ? undefined : parseDate(r.from, field('from'));
    const until = r.until === undefined ? undefined : parseDate(r.until, field('until'));
    if (from !== undefined && until !== undefined && until < from) {
      throw badRequest('until must not be before from', field('until'));
    }
    return { rrule, start, end, visitTypes, from, until };
  });
}

const compiled = new Map<string, RRuleInstance>();

function compile(rrule: string, from: number, until: number | undefined, field: string): RRuleInstance {
  const key = `${rrule}|${from}|${until ?? ''}`;
  const cached = compiled.get(key);
  if (cached) {
    return cached;
  }
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(rrule);
  } catch {
    throw badRequest(`not an RFC 5545 RRULE: ${rrule}`, field);
  }
  if (options.freq === undefined || !ALLOWED_FREQ.has(options.freq)) {
    throw badRequest('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY', field);
  }
  if (
    options.byhour != null ||
    options.byminute != null ||
    options.bysecond != null ||
    options.dtstart != null ||
    options.tzid != null
  ) {
    throw badRequest(
      'the rule gives the days only: times come from start and end, the zone from the site',
      field
    );
  }
  // rrule works on "floating" dates: UTC midnights that stand for the clinic's local dates.
  const rule = new RRule({
    ...options,
    dtstart: new Date(from * DAY_MS),
    ...(until !== undefined ? { until: new Date(until * DAY_MS) } : {}),
  });
  if (compiled.size > 10_000) {
    compiled.clear();
  }
  compiled.set(key, rule);
  return rule;
}

const daySets = new Map<string, Set<number>>();

/** The local days in [fromDay, toDay] on which a rule applies (cached per rule and range). */
export function ruleDays(rule: AvailabilityRule, fromDay: number, toDay: number): Set<number> {
  const key = `${rule.rrule}|${rule.from ?? ''}|${rule.until ?? ''}|${fromDay}|${toDay}`;
  const cached = daySets.get(key);
  if (cached) {
    return cached;
  }
  const compiledRule = compile(rule.rrule, rule.from ?? DEFAULT_FROM, rule.until, 'rrule');
  const days = new Set<number>();
  for (const date of compiledRule.between(new Date(fromDay * DAY_MS), new Date(toDay * DAY_MS), true)) {
    days.add(Math.floor(date.getTime() / DAY_MS));
  }
  if (daySets.size > 5_000) {
    daySets.clear();
  }
  daySets.set(key, days);
  return days;
}

/** The rules stored on a Schedule (malformed entries are skipped: they offer nothing, fail closed). */
export function rulesOf(schedule: Schedule): AvailabilityRule[] {
  const rules: AvailabilityRule[] = [];
  for (const ext of schedule.extension ?? []) {
    if (ext.url !== AVAILABILITY_URL) continue;
    const sub = (url: string): Extension[] => (ext.extension ?? []).filter((e) => e.url === url);
    try {
      const rrule = sub('rrule')[0]?.valueString;
      const start = parseClock(sub('start')[0]?.valueTime?.slice(0, 5), 'start');
      const end = parseClock(sub('end')[0]?.valueTime?.slice(0, 5), 'end');
      const from = sub('from')[0]?.valueDate;
      const until = sub('until')[0]?.valueDate;
      const visitTypes = sub('visitType').map((e) => e.valueCode ?? '');
      if (!rrule || end <= start) continue;
      const rule: AvailabilityRule = {
        rrule,
        start,
        end,
        visitTypes: visitTypes.length > 0 ? visitTypes : undefined,
        from: from ? parseDate(from, 'from') : undefined,
        until: until ? parseDate(until, 'until') : undefined,
      };
      compile(rule.rrule, rule.from ?? DEFAULT_FROM, rule.until, 'rrule');
      rules.push(rule);
    } catch {
      continue;
    }
  }
  return rules;
}

/** The Schedule with its availability extensions replaced by `rules`. */
export function withRules(schedule: Schedule, rules: AvailabilityRule[]): Schedule {
  const others = (schedule.extension ?? []).filter((e) => e.url !== AVAILABILITY_URL);
  const mine: Extension[] = rules.map((rule) => ({
    url: AVAILABILITY_URL,
    extension: [
      { url: 'rrule', valueString: rule.rrule },
      { url: 'start', valueTime: `${clockOf(rule.start)}:00` },
      { url: 'end', valueTime: `${clockOf(rule.end)}:00` },
      ...(rule.visitTypes ?? []).map((code) => ({ url: 'visitType', valueCode: code })),
      ...(rule.from !== undefined ? [{ url: 'from', valueDate: dateOf(rule.from) }] : []),
      ...(rule.until !== undefined ? [{ url: 'until', valueDate: dateOf(rule.until) }] : []),
    ],
  }));
  const extension = [...others, ...mine];
  const { extension: _drop, ...rest } = schedule;
  return extension.length > 0 ? { ...rest, extension } : rest;
}

/** A rule as the API shows it. */
export function ruleView(rule: AvailabilityRule): Record<string, unknown> {
  return {
    rrule: rule.rrule,
    start: clockOf(rule.start),
    end: clockOf(rule.end),
    ...(rule.visitTypes ? { visitTypes: rule.visitTypes } : {}),
    ...(rule.from !== undefined ? { from: dateOf(rule.from) } : {}),
    ...(rule.until !== undefined ? { until: dateOf(rule.until) } : {}),
  };
}
