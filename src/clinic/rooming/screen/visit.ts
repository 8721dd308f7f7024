import type { Location, Practitioner } from '@medplum/fhirtypes';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { displayName } from '../../flow/board.js';
import { currentRoomOf } from '../../flow/moveVisit.js';
import { findById, localDate, participantOf } from '../../flow/visit.js';
import type { RoomingVisit } from '../visit.js';

/** The visit as the rooming screen shows it (web/src/rooming/types.ts RoomingVisitView). */
export interface RoomingVisitView {
  encounterId: string;
  appointmentId?: string;
  patient: {
    id: string;
    name: string;
    birthDate?: string;
    gender?: string;
    age?: string;
    ageMonths?: number;
  };
  visitType: { code: string; display: string };
  flowStatus: string;
  provider?: { id: string; name: string };
  room?: { id: string; name: string };
  siteId?: string;
}

/**
 * Age in words from a birth date on a local date (YYYY-MM-DD): days under a month ("12 d"), months under
 * two years ("18 mo"), then years ("54 y"). Months and years are calendar ones (a month is complete on the
 * same day of the month, the last day when the month is shorter).
 */
export function ageText(birthDate: string | undefined, today: string): string | undefined {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    return birthDate && /^\d{4}/.test(birthDate) ? yearsOnly(birthDate, today) : undefined;
  }
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const born = Date.UTC(by, bm - 1, bd);
  const now = Date.UTC(ty, tm - 1, td);
  if (now < born) return undefined;
  let months = (ty - by) * 12 + (tm - bm);
  const lastDayOfThisMonth = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  if (td < Math.min(bd, lastDayOfThisMonth)) months -= 1;
  if (months < 1) return `${Math.round((now - born) / 86_400_000)} d`;
  if (months < 24) return `${months} mo`;
  return `${Math.floor(months / 12)} y`;
}

function yearsOnly(birthDate: string, today: string): string {
  return `${Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4))} y`;
}

/** The rooming screen's view of a visit: names, age, room, provider (read through the caller's access). */
export async function visitView(
  conn: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  timeZone: string,
  now: Date
): Promise<RoomingVisitView> {
  const { encounter, patient, appointment } = visit;
  let provider: { id: string; name: string } | undefined;
  if (visit.providerId) {
    const display = appointment ? participantOf(appointment, 'Practitioner')?.display : undefined;
    const practitioner = display
      ? undefined
      : await findById<Practitioner>(conn, ctx, 'Practitioner', visit.providerId);
    provider = {
      id: visit.providerId,
      name: display ?? (displayName(practitioner?.name) || visit.providerId),
    };
  }
  let room: { id: string; name: string } | undefined;
  const roomId = currentRoomOf(encounter, visit.siteId);
  if (roomId) {
    const location = await findById<Location>(conn, ctx, 'Location', roomId);
    const entry = (encounter.location ?? []).find((l) => l.location?.reference === `Location/${roomId}`);
    room = { id: roomId, name: location?.alias?.[0] ?? location?.name ?? entry?.location?.display ?? roomId };
  }
  const age = ageText(patient.birthDate, localDate(now, timeZone));
  return {
    encounterId: encounter.id as string,
    ...(appointment?.id ? { appointmentId: appointment.id } : {}),
    patient: {
      id: patient.id as string,
      name: displayName(patient.name),
      ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
      ...(patient.gender ? { gender: patient.gender } : {}),
      ...(age ? { age } : {}),
      ...(visit.ageMonths !== undefined ? { ageMonths: Math.round(visit.ageMonths * 10) / 10 } : {}),
    },
    visitType: visit.visitType,
    flowStatus: visit.flowStatus,
    ...(provider ? { provider } : {}),
    ...(room ? { room } : {}),
    ...(visit.siteId ? { siteId: visit.siteId } : {}),
  };
}
