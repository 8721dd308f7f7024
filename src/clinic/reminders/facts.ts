import type {
  Appointment,
  Location,
  Organization,
  Patient,
  Practitioner,
  Resource,
} from '@medplum/fhirtypes';
import type { SqlConnection } from '../../store/db.js';
import type { ReminderFacts } from './content.js';
import { reminderLanguage } from './patientContact.js';
import type { ReminderSettings } from './settings.js';
import { TIMEZONE_URL } from '../scheduling/model.js';
import { VISIT_TYPE_SYSTEM } from '../scheduling/visitTypes.js';

export { TIMEZONE_URL, VISIT_TYPE_SYSTEM };

/** The current version of a resource, read by medassist itself (the reminder worker), or undefined. */
export async function readCurrent<T extends Resource>(
  conn: SqlConnection,
  practiceId: string,
  type: T['resourceType'],
  id: string
): Promise<T | undefined> {
  const result = await conn.query<{ content: T | null }>(
    'SELECT content FROM resource WHERE practice_id = $1 AND resource_type = $2 AND id = $3 AND NOT deleted',
    [practiceId, type, id]
  );
  return result.rows[0]?.content ?? undefined;
}

/** The id of the participant of a type ("Patient", "Practitioner", "Location"), if there is one. */
export function participantId(appointment: Appointment, type: string): string | undefined {
  for (const p of appointment.participant ?? []) {
    const ref = p.actor?.reference ?? '';
    if (ref.startsWith(`${type}/`)) {
      return ref.slice(type.length + 1);
    }
  }
  return undefined;
}

export function visitTypeOf(appointment: Appointment): { code?: string; display?: string } {
  const coding = appointment.appointmentType?.coding?.find((c) => c.system === VISIT_TYPE_SYSTEM);
  return {
    code: coding?.code,
    display: coding?.display ?? appointment.appointmentType?.text,
  };
}

function practitionerName(p: Practitioner | undefined, fallback: string | undefined): string | undefined {
  const name = p?.name?.find((n) => n.use === 'official') ?? p?.name?.[0];
  if (!name) {
    return fallback;
  }
  const text = [...(name.given ?? []), name.family].filter(Boolean).join(' ');
  return name.suffix?.length ? `${text}, ${name.suffix.join(', ')}` : text || fallback;
}

function oneLine(location: Location | undefined): string | undefined {
  const a = location?.address;
  if (!a) {
    return undefined;
  }
  const cityLine = [a.state, a.postalCode].filter(Boolean).join(' ');
  return [...(a.line ?? []), a.city, cityLine].filter(Boolean).join(', ') || a.text;
}

/** The site of an appointment: its Location participant, or the building a room Location is part of. */
async function siteOf(
  conn: SqlConnection,
  practiceId: string,
  appointment: Appointment
): Promise<Location | undefined> {
  const id = participantId(appointment, 'Location');
  let location = id ? await readCurrent<Location>(conn, practiceId, 'Location', id) : undefined;
  const parent = location?.partOf?.reference?.split('/')[1];
  if (location && !location.extension?.some((e) => e.url === TIMEZONE_URL) && parent) {
    location = (await readCurrent<Location>(conn, practiceId, 'Location', parent)) ?? location;
  }
  return location;
}

/** Everything a reminder says about one appointment, in the patient's language. */
export async function reminderFacts(
  conn: SqlConnection,
  practiceId: string,
  appointment: Appointment,
  patient: Patient,
  settings: ReminderSettings
): Promise<ReminderFacts> {
  const site = await siteOf(conn, practiceId, appointment);
  const orgId = site?.managingOrganization?.reference?.split('/')[1];
  const org = orgId ? await readCurrent<Organization>(conn, practiceId, 'Organization', orgId) : undefined;
  const practitionerId = participantId(appointment, 'Practitioner');
  const practitioner = practitionerId
    ? await readCurrent<Practitioner>(conn, practiceId, 'Practitioner', practitionerId)
    : undefined;
  const practitionerDisplay = appointment.participant?.find((p) =>
    p.actor?.reference?.startsWith('Practitioner/')
  )?.actor?.display;
  const language = reminderLanguage(patient);
  const visitType = visitTypeOf(appointment);
  const prep = visitType.code ? settings.preparation[visitType.code] : undefined;
  const clinicName = org?.name ?? site?.name ?? 'Your clinic';
  return {
    language,
    clinicName,
    clinicPhone: (site?.telecom ?? org?.telecom ?? []).find((t) => t.system === 'phone')?.value,
    address: oneLine(site),
    siteName: site?.name && site.name !== clinicName ? site.name : undefined,
    start: new Date(appointment.start as string),
    // Clinic times are shown in the site's zone (docs/front-desk-api.md); UTC only when no site names one.
    timeZone: site?.extension?.find((e) => e.url === TIMEZONE_URL)?.valueCode ?? 'UTC',
    providerName: practitionerName(practitioner, practitionerDisplay),
    visitType,
    preparation: prep ? (prep[language] ?? prep.en) : undefined,
  };
}
