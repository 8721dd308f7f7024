import type { Appointment, Encounter, Location, Patient, PaymentNotice } from '@medplum/fhirtypes';
import type { Letterhead } from '../../interop/pdf/document.js';
import { receiptPdf } from '../../interop/pdf/receipt.js';
import { visitSummaryPdf } from '../../interop/pdf/visitSummary.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { assertId, Repository } from '../../store/repository.js';
import { displayName } from './board.js';
import { followUpOf } from './followUp.js';
import { findReceipt, PAYMENT_METHOD_URL, PAYMENT_PURPOSE_URL, PAYMENT_REFERENCE_URL } from './payments.js';
import { findReferencing, localDate, participantOf, refId, timeZoneOf, visitTypeOf } from './visit.js';

/** The receipt and the visit summary, built from the store as the caller may read it (PDF bytes). */

function letterheadOf(site: Location): Letterhead {
  const a = site.address;
  const cityLine = [a?.city, [a?.state, a?.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return {
    name: site.name ?? 'Clinic',
    address: [...(a?.line ?? []), ...(cityLine ? [cityLine] : [])],
    phone: site.telecom?.find((t) => t.system === 'phone')?.value,
  };
}

interface Visit {
  encounter: Encounter;
  appointment: Appointment;
  patient: Patient;
  site: Location;
  timeZone: string;
}

async function visitOf(conn: SqlConnection, ctx: RequestContext, encounterId: string): Promise<Visit> {
  const repo = new Repository(conn);
  const encounter = (await repo.read(ctx, 'Encounter', encounterId)) as Encounter;
  const appointmentId = refId(encounter.appointment?.[0]?.reference, 'Appointment') ?? '';
  const appointment = (await repo.read(ctx, 'Appointment', appointmentId)) as Appointment;
  const patient = (await repo.read(
    ctx,
    'Patient',
    refId(encounter.subject?.reference, 'Patient') ?? ''
  )) as Patient;
  const site = (await repo.read(
    ctx,
    'Location',
    participantOf(appointment, 'Location')?.id ?? ''
  )) as Location;
  return { encounter, appointment, patient, site, timeZone: timeZoneOf(site) };
}

function localDateTime(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(instant));
}

/** The receipt of a payment; also returns the patient, for the print audit record. */
export async function receiptFor(
  conn: SqlConnection,
  ctx: RequestContext,
  number: string
): Promise<{ pdf: Uint8Array; patientId: string }> {
  const notice: PaymentNotice = await findReceipt(conn, ctx, number);
  const visit = await visitOf(conn, ctx, refId(notice.request?.reference, 'Encounter') ?? '');
  const ext = (url: string): string | undefined =>
    notice.extension?.find((e) => e.url === url)?.valueCode ??
    notice.extension?.find((e) => e.url === url)?.valueString;
  const pdf = await receiptPdf({
    clinic: letterheadOf(visit.site),
    number,
    paidAt: localDateTime(notice.created ?? '', visit.timeZone),
    patient: { name: displayName(visit.patient.name), birthDate: visit.patient.birthDate },
    amount: notice.amount?.value ?? 0,
    method: ext(PAYMENT_METHOD_URL) ?? '',
    reference: ext(PAYMENT_REFERENCE_URL),
    purpose: ext(PAYMENT_PURPOSE_URL) === 'copay' ? 'Co-pay' : 'Balance',
    receivedBy: notice.provider?.display ?? '',
  });
  return { pdf, patientId: visit.patient.id as string };
}

/** The visit summary the patient takes home. */
export async function visitSummaryFor(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<{ pdf: Uint8Array; patientId: string }> {
  assertId(encounterId, 'id');
  const visit = await visitOf(conn, ctx, encounterId);
  const provider = participantOf(visit.appointment, 'Practitioner');
  const asked = followUpOf(visit.encounter);
  // A follow-up booked at check-out: the patient's next booked appointment after this visit.
  const upcoming = (
    await findReferencing<Appointment>(conn, ctx, 'Appointment', 'patient', `Patient/${visit.patient.id}`)
  )
    .filter(
      (a) =>
        a.status === 'booked' && (a.start ?? '') > (visit.appointment.end ?? visit.appointment.start ?? '')
    )
    .sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''))[0];
  const followUp = upcoming
    ? `${visitTypeOf(upcoming).display}, ${localDateTime(upcoming.start ?? '', visit.timeZone)}`
    : asked?.text;
  const pdf = await visitSummaryPdf({
    clinic: letterheadOf(visit.site),
    patient: { name: displayName(visit.patient.name), birthDate: visit.patient.birthDate },
    date: localDate(visit.encounter.period?.start ?? visit.appointment.start ?? '', visit.timeZone),
    provider: provider?.display,
    visitType: visitTypeOf(visit.appointment).display,
    followUp,
  });
  return { pdf, patientId: visit.patient.id as string };
}
