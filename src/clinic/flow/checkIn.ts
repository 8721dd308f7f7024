import type {
  Appointment,
  Consent,
  Coverage,
  Encounter,
  Extension,
  Location,
  Patient,
  PaymentNotice,
} from '@medplum/fhirtypes';
import { badRequest, conflict, notFound } from '../../fhir/outcome.js';
import { normalizeString } from '../../fhir/strings.js';
import type { RequestContext } from '../../store/context.js';
import type { Database, SqlConnection } from '../../store/db.js';
import { assertId, lockCurrent, planCreate, Repository, updateIn } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { siteOrPracticeTimeZone } from './clinicZone.js';
import { parsePayment, receiptNumberOf, recordPayment, type Payment } from './payments.js';
import { FLOW_FLAG_URL, FLOW_FLAGS, VERIFIED_URL, type FlowFlag } from './status.js';
import {
  addMonths,
  byOf,
  findReferencing,
  localDate,
  notifyFlow,
  participantOf,
  timeZoneOf,
  visitTypeOf,
  withFlowStatus,
} from './visit.js';

/**
 * Check-in (docs/front-desk-api.md): the patient states two identifiers (name and birth date, The Joint
 * Commission NPSG.01.01.01), the desk confirms demographics and insurance, takes the co-pay, and the visit
 * starts: the Encounter opens as `arrived` and the Appointment becomes `arrived`, in one transaction.
 */
export interface CheckInRequest {
  appointmentId: string;
  identity: { name: string; birthDate: string };
  coverageVerified: string[];
  copay?: Payment;
  flags: FlowFlag[];
}

export const CONSENT_TYPE_SYSTEM = 'urn:medassist:consent-type';
export const CONSENT_TYPES = ['consent-to-treat', 'privacy-practices', 'financial-policy'] as const;
/** Consents that lapse a year after signing when they carry no end date of their own. */
const YEARLY_CONSENTS = new Set(['consent-to-treat', 'financial-policy']);

const obj = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

export function parseCheckIn(body: unknown): CheckInRequest {
  const b = obj(body);
  if (typeof b.appointmentId !== 'string' || b.appointmentId.length === 0) {
    throw badRequest('appointmentId is required', 'appointmentId');
  }
  assertId(b.appointmentId, 'appointmentId');
  const identity = obj(b.identity);
  if (typeof identity.name !== 'string' || identity.name.trim().length === 0 || identity.name.length > 200) {
    throw badRequest(
      "the patient's name as they state it is required (two identifiers: name and birth date)",
      'identity.name'
    );
  }
  if (typeof identity.birthDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(identity.birthDate)) {
    throw badRequest(
      "the patient's birth date as they state it is required, YYYY-MM-DD (two identifiers: name and birth date)",
      'identity.birthDate'
    );
  }
  if (b.demographicsVerified !== true) {
    throw badRequest(
      'confirm the address, phone and emergency contact with the patient (demographicsVerified: true)',
      'demographicsVerified'
    );
  }
  const coverageVerified = b.coverageVerified ?? [];
  if (!Array.isArray(coverageVerified) || coverageVerified.length > 10) {
    throw badRequest('coverageVerified must be a list of Coverage ids', 'coverageVerified');
  }
  coverageVerified.forEach((id, i) => {
    if (typeof id !== 'string') {
      throw badRequest('coverageVerified must be a list of Coverage ids', `coverageVerified[${i}]`);
    }
    assertId(id, `coverageVerified[${i}]`);
  });
  const flags = b.flags ?? [];
  if (!Array.isArray(flags)) {
    throw badRequest(`flags must be a list of ${FLOW_FLAGS.join(', ')}`, 'flags');
  }
  flags.forEach((flag, i) => {
    if (!(FLOW_FLAGS as readonly unknown[]).includes(flag)) {
      throw badRequest(`flags: each is one of ${FLOW_FLAGS.join(', ')}`, `flags[${i}]`);
    }
  });
  return {
    appointmentId: b.appointmentId,
    identity: { name: identity.name.trim(), birthDate: identity.birthDate },
    coverageVerified: [...new Set(coverageVerified as string[])],
    copay: parsePayment(b.copay, 'copay'),
    flags: [...new Set(flags as FlowFlag[])],
  };
}

/** The words of a name, normalized (case, accents, punctuation), in any order. */
function nameWords(text: string): string[] {
  return normalizeString(text)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .sort();
}

/** Whether the stated name is one of the chart's names: given and family names, in either order. */
export function nameMatches(stated: string, patient: Patient): boolean {
  const said = nameWords(stated).join(' ');
  return (patient.name ?? []).some((name) => {
    const given = name.given ?? [];
    const candidates = [
      [...given, name.family ?? ''],
      [given[0] ?? '', name.family ?? ''],
      ...(name.text ? [[name.text]] : []),
    ];
    return candidates.some((words) => nameWords(words.join(' ')).join(' ') === said);
  });
}

/** A "verified today by whom" stamp, replacing an earlier one. */
function stampVerified<T extends Patient | Coverage>(resource: T, at: string, by: string): T {
  const stamp: Extension = {
    url: VERIFIED_URL,
    extension: [
      { url: 'at', valueDateTime: at },
      { url: 'by', valueString: by },
    ],
  };
  return {
    ...resource,
    extension: [...(resource.extension ?? []).filter((e) => e.url !== VERIFIED_URL), stamp],
  };
}

export function verifiedOf(resource: Patient | Coverage): { at: string; by?: string } | undefined {
  const ext = resource.extension?.find((e) => e.url === VERIFIED_URL);
  const at = ext?.extension?.find((e) => e.url === 'at')?.valueDateTime;
  return at ? { at, by: ext?.extension?.find((e) => e.url === 'by')?.valueString } : undefined;
}

/** The appointment's site (its Location participant) with the site's time zone. */
export async function siteOf(
  conn: SqlConnection,
  ctx: RequestContext,
  appointment: Appointment
): Promise<{ site: Location; timeZone: string }> {
  const ref = participantOf(appointment, 'Location');
  if (!ref) {
    throw badRequest('the appointment names no site (a Location participant)', 'appointmentId');
  }
  const site = (await new Repository(conn).read(ctx, 'Location', ref.id)) as Location;
  return { site, timeZone: timeZoneOf(site) };
}

/** The Encounter opened for an appointment, if any. */
export async function encounterOf(
  conn: SqlConnection,
  ctx: RequestContext,
  appointmentId: string
): Promise<Encounter | undefined> {
  const found = await findReferencing<Encounter>(
    conn,
    ctx,
    'Encounter',
    'appointment',
    `Appointment/${appointmentId}`
  );
  return found[0];
}

export interface CheckInResult {
  encounter: Encounter;
  receipt?: { number: string; pdf: string };
  payment?: PaymentNotice;
}

/** Checks a patient in, all or nothing (see CheckInRequest). */
export async function checkIn(
  db: Database,
  ctx: RequestContext,
  req: CheckInRequest,
  now = new Date()
): Promise<CheckInResult> {
  return db.transaction(async (tx) => {
    const repo = new Repository(tx);
    const current = await lockCurrent(tx, ctx, 'Appointment', req.appointmentId);
    if (!current || current.deleted || !current.content) {
      throw notFound(`Appointment/${req.appointmentId} was not found`);
    }
    const appointment = current.content as Appointment;
    if (appointment.status === 'arrived' || (await encounterOf(tx, ctx, req.appointmentId))) {
      throw conflict('this patient is already checked in for this appointment', 'appointmentId');
    }
    if (appointment.status !== 'booked') {
      throw conflict(
        `only a booked appointment can be checked in (this one is ${appointment.status})`,
        'appointmentId'
      );
    }
    const { site, timeZone } = await siteOf(tx, ctx, appointment);
    const today = localDate(now, timeZone);
    const day = appointment.start ? localDate(appointment.start, timeZone) : '';
    if (day !== today) {
      throw badRequest(
        `this appointment is on ${day || 'no date'}, not today (${today}): only today's visits check in`,
        'appointmentId'
      );
    }
    const patientRef = participantOf(appointment, 'Patient');
    if (!patientRef) {
      throw badRequest('the appointment names no patient', 'appointmentId');
    }
    const patient = (await repo.read(ctx, 'Patient', patientRef.id)) as Patient;
    if (!nameMatches(req.identity.name, patient)) {
      throw badRequest(
        'the name the patient stated does not match the chart: confirm you have the right patient',
        'identity.name'
      );
    }
    if (patient.birthDate !== req.identity.birthDate) {
      throw badRequest(
        'the birth date the patient stated does not match the chart: confirm you have the right patient',
        'identity.birthDate'
      );
    }
    const at = now.toISOString();
    const by = byOf(ctx);
    await updateIn(tx, ctx, 'Patient', patient.id as string, stampVerified(patient, at, by));
    for (const [i, coverageId] of req.coverageVerified.entries()) {
      const row = await lockCurrent(tx, ctx, 'Coverage', coverageId);
      const coverage = row?.content as Coverage | undefined;
      if (!coverage || row?.deleted) {
        throw badRequest(`Coverage/${coverageId} was not found`, `coverageVerified[${i}]`);
      }
      if (coverage.beneficiary?.reference !== `Patient/${patient.id}`) {
        throw badRequest(`Coverage/${coverageId} is not this patient's`, `coverageVerified[${i}]`);
      }
      await updateIn(tx, ctx, 'Coverage', coverageId, stampVerified(coverage, at, by));
    }

    const provider = participantOf(appointment, 'Practitioner');
    const telehealth = visitTypeOf(appointment).code === 'telehealth';
    const opened: Encounter = withFlowStatus(
      {
        resourceType: 'Encounter',
        status: 'arrived',
        class: {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: telehealth ? 'VR' : 'AMB',
          display: telehealth ? 'virtual' : 'ambulatory',
        },
        ...(appointment.appointmentType ? { type: [appointment.appointmentType] } : {}),
        ...(appointment.serviceType?.[0] ? { serviceType: appointment.serviceType[0] } : {}),
        subject: { reference: `Patient/${patient.id}` },
        appointment: [{ reference: `Appointment/${req.appointmentId}` }],
        ...(provider
          ? {
              participant: [
                {
                  type: [
                    {
                      coding: [
                        {
                          system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                          code: 'PPRF',
                          display: 'primary performer',
                        },
                      ],
                    },
                  ],
                  individual: { reference: `Practitioner/${provider.id}`, display: provider.display },
                },
              ],
            }
          : {}),
        period: { start: at },
        location: [{ location: { reference: `Location/${site.id}`, display: site.name }, status: 'active' }],
        extension: req.flags.map((flag) => ({ url: FLOW_FLAG_URL, valueCode: flag })),
      },
      'arrived',
      at,
      by
    );
    const write = planCreate(opened);
    await applyWrites(tx, ctx, [write]);
    const encounter = write.content as Encounter;
    await updateIn(tx, ctx, 'Appointment', req.appointmentId, { ...appointment, status: 'arrived' });

    let payment: PaymentNotice | undefined;
    if (req.copay) {
      payment = await recordPayment(tx, ctx, req.copay, {
        encounterId: encounter.id as string,
        purpose: 'copay',
        recipient: site.name ?? 'the practice',
        at,
        by,
      });
    }
    await notifyFlow(tx, {
      practice: ctx.practiceId,
      location: site.id as string,
      appointmentId: req.appointmentId,
      encounterId: encounter.id,
      status: 'arrived',
      at,
    });
    const number = payment ? receiptNumberOf(payment) : undefined;
    return {
      encounter,
      payment,
      ...(number ? { receipt: { number, pdf: `/api/flow/receipts/${number}.pdf` } } : {}),
    };
  });
}

export interface CheckInNeeds {
  appointment: Appointment;
  patient: Patient;
  coverages: { id: string; payer: string; memberId?: string; verified?: { at: string; by?: string } }[];
  consents: { type: string; status: 'ok' | 'missing' | 'expired'; date?: string }[];
  copayDue?: number;
  demographicsVerified?: { at: string; by?: string };
}

/** The same month and day `years` calendar years later, the month's last day when it has fewer days. */
export function addYears(date: string, years: number): string {
  // Feb 29 + 1 year is Feb 28, not Mar 1.
  return addMonths(date, 12 * years);
}

const DATE_ONLY = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/**
 * Whether a consent has lapsed at `now` for a clinic in `timeZone`. Dates are the clinic's calendar dates
 * (docs/decisions/0017-clinic-local-dates.md):
 * - its own provision.period.end, the day the desk entered as "expires" (registration/consents.ts): lapsed
 *   from that local day on (an end of 2026-05-01 holds through April 30 clinic time, not until 19:00 on
 *   April 30 as UTC midnight did); an end that is an instant lapses at that instant;
 * - else, for the yearly ones, the anniversary of the local signing day, by calendar (signed 2024-02-29:
 *   lapsed from 2025-02-28);
 * - an end or signing date that does not parse counts as lapsed (fail closed: the desk asks again).
 */
export function consentLapsed(type: string, consent: Consent, now: Date, timeZone: string): boolean {
  const today = localDate(now, timeZone);
  const end = consent.provision?.period?.end;
  if (end) {
    if (DATE_ONLY.test(end)) {
      // A partial end (2026-05) is its first day: compare at its precision.
      return today.slice(0, end.length) >= end;
    }
    const at = Date.parse(end);
    return Number.isNaN(at) || now.getTime() >= at;
  }
  if (YEARLY_CONSENTS.has(type) && consent.dateTime) {
    const signed = signedDay(consent.dateTime, timeZone);
    return signed === undefined || today >= addYears(signed, 1);
  }
  return false;
}

/** The local calendar day a consent was signed: a date as it is, an instant in the clinic's zone. */
function signedDay(dateTime: string, timeZone: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(dateTime)) return dateTime;
  if (/^\d{4}(-\d{2})?$/.test(dateTime))
    return dateTime.length === 4 ? `${dateTime}-01-01` : `${dateTime}-01`;
  const at = new Date(dateTime);
  return Number.isNaN(at.getTime()) ? undefined : localDate(at, timeZone);
}

/** What check-in needs to ask about: coverage to verify, consents missing or expired, the co-pay due. */
export async function checkInNeeds(
  conn: SqlConnection,
  ctx: RequestContext,
  appointmentId: string,
  now = new Date()
): Promise<CheckInNeeds> {
  assertId(appointmentId, 'appointmentId');
  const repo = new Repository(conn);
  const appointment = (await repo.read(ctx, 'Appointment', appointmentId)) as Appointment;
  const patientRef = participantOf(appointment, 'Patient');
  if (!patientRef) {
    throw badRequest('the appointment names no patient', 'appointmentId');
  }
  const patient = (await repo.read(ctx, 'Patient', patientRef.id)) as Patient;
  const reference = `Patient/${patient.id}`;
  const coverages = (await findReferencing<Coverage>(conn, ctx, 'Coverage', 'beneficiary', reference)).filter(
    (c) => c.status === 'active'
  );
  const consents = await findReferencing<Consent>(conn, ctx, 'Consent', 'patient', reference);
  // Consents lapse by the clinic's calendar: the visit's site zone, else the practice's.
  const timeZone = await siteOrPracticeTimeZone(conn, ctx, participantOf(appointment, 'Location')?.id);
  const consentRows = CONSENT_TYPES.map((type) => {
    const signed = consents
      .filter(
        (c) =>
          c.status === 'active' &&
          (c.category ?? []).some((cat) =>
            (cat.coding ?? []).some((code) => code.system === CONSENT_TYPE_SYSTEM && code.code === type)
          )
      )
      .sort((a, b) => (b.dateTime ?? '').localeCompare(a.dateTime ?? ''));
    const latest = signed[0];
    if (!latest) {
      return { type, status: 'missing' as const };
    }
    const expired = consentLapsed(type, latest, now, timeZone);
    return { type, status: expired ? ('expired' as const) : ('ok' as const), date: latest.dateTime };
  });
  const copays = coverages.flatMap((c) =>
    (c.costToBeneficiary ?? [])
      .filter((cost) => (cost.type?.coding ?? []).some((code) => code.code === 'copay') || !cost.type)
      .map((cost) => cost.valueMoney?.value)
      .filter((v): v is number => typeof v === 'number')
  );
  return {
    appointment,
    patient,
    coverages: coverages.map((c) => ({
      id: c.id as string,
      payer: c.payor?.[0]?.display ?? 'Unknown payer',
      memberId: c.subscriberId ?? c.identifier?.[0]?.value,
      verified: verifiedOf(c),
    })),
    consents: consentRows,
    ...(copays.length > 0 ? { copayDue: copays[0] } : {}),
    demographicsVerified: verifiedOf(patient),
  };
}
