import type { Encounter, Extension, Organization, Patient } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { lockCurrent, planCreate, updateIn } from '../../../store/repository.js';
import { applyWrites } from '../../../store/writes.js';
import { findById, findReferencing, refId } from '../../flow/visit.js';
import { PREFERRED_PHARMACY_URL } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { objectAt, optionalId, optionalText, patientOf } from './input.js';
import { reviewsOf, stampReviewedIn, type ReviewStamp } from './reviewed.js';

/**
 * The patient's preferred pharmacy: the Patient extension PREFERRED_PHARMACY_URL, valueReference to an
 * Organization of type pharmacy (HL7 v3 RoleCode PHARM) from the practice directory, or a display only
 * (a pharmacy typed by name). Confirming it during a visit stamps "pharmacy" reviewed on the Encounter.
 * A new pharmacy may be added to the directory in the same request (`create`) by those who keep the directory
 * (lead MA, practice admin); an MA's request to do so is refused by the store (403), as any directory write.
 */

export const PHARMACY_TYPE = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
  code: 'PHARM',
  display: 'Pharmacy',
} as const;

export interface PharmacyView {
  organizationId?: string;
  name: string;
  phone?: string;
  address?: string;
}

export interface PharmacyAnswer {
  patientId: string;
  pharmacy?: PharmacyView;
  /** The directory's pharmacies, to choose from. */
  choices: PharmacyView[];
  reviewed?: ReviewStamp;
}

function organizationView(o: Organization): PharmacyView {
  const a = o.address?.[0];
  return {
    organizationId: o.id,
    name: o.name ?? o.alias?.[0] ?? 'Pharmacy',
    phone: o.telecom?.find((t) => t.system === 'phone')?.value,
    address: a ? [...(a.line ?? []), a.city, a.state].filter(Boolean).join(', ') : undefined,
  };
}

async function pharmacyOf(
  conn: SqlConnection,
  ctx: RequestContext,
  patient: Patient
): Promise<PharmacyView | undefined> {
  const ext = patient.extension?.find((e) => e.url === PREFERRED_PHARMACY_URL);
  const ref = ext?.valueReference;
  if (!ref) return undefined;
  const id = refId(ref.reference, 'Organization');
  const org = id ? await findById<Organization>(conn, ctx, 'Organization', id) : undefined;
  return org ? organizationView(org) : { organizationId: id, name: ref.display ?? 'Pharmacy' };
}

async function pharmacies(conn: SqlConnection, ctx: RequestContext): Promise<PharmacyView[]> {
  const found = await findReferencing<Organization>(conn, ctx, 'Organization', 'type', PHARMACY_TYPE.code);
  return found
    .filter((o) => o.active !== false)
    .map(organizationView)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** GET /api/rooming/patients/:id/pharmacy; with a visit, its "pharmacy" stamp. */
export async function preferredPharmacy(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  encounter?: Encounter
): Promise<PharmacyAnswer> {
  const patient = await patientOf(conn, ctx, patientId);
  return {
    patientId,
    pharmacy: await pharmacyOf(conn, ctx, patient),
    choices: await pharmacies(conn, ctx),
    reviewed: encounter ? reviewsOf(encounter).pharmacy : undefined,
  };
}

export interface PharmacyRequest {
  organizationId?: string;
  name?: string;
  /** Adds the pharmacy to the directory (an Organization of type pharmacy) and points to it. */
  create?: { name: string; phone?: string };
  /** The visit during which it was confirmed: stamps "pharmacy" reviewed. */
  encounterId?: string;
}

export function parsePharmacy(value: unknown): PharmacyRequest {
  const body = objectAt(value ?? {}, 'body');
  const organizationId = optionalId(body.organizationId, 'organizationId');
  const name = optionalText(body.name, 'name', 200);
  let create: PharmacyRequest['create'];
  if (body.create !== undefined) {
    const c = objectAt(body.create, 'create');
    const createName = optionalText(c.name, 'create.name', 200);
    if (!createName) throw badRequest('a new pharmacy needs its name', 'create.name');
    const phone = optionalText(c.phone, 'create.phone', 40);
    if (phone && !/^[0-9 ()+.\-x]{7,40}$/.test(phone)) {
      throw badRequest('phone: digits, spaces and ( ) + - . x only', 'create.phone');
    }
    create = { name: createName, phone };
  }
  const given = [organizationId, name, create].filter((v) => v !== undefined).length;
  if (given === 0) {
    throw badRequest('give the pharmacy: organizationId from the directory, or its name', 'organizationId');
  }
  if (given > 1) {
    throw badRequest('give one of organizationId, name or create', 'name');
  }
  return { organizationId, name, create, encounterId: optionalId(body.encounterId, 'encounterId') };
}

/** PUT /api/rooming/patients/:id/pharmacy: sets (or confirms unchanged) the preferred pharmacy, one transaction. */
export function setPreferredPharmacy(
  db: Database,
  ctx: RequestContext,
  patientId: string,
  req: PharmacyRequest,
  now = new Date()
): Promise<PharmacyAnswer> {
  return db.transaction(async (tx) => {
    await patientOf(tx, ctx, patientId);
    let encounter: Encounter | undefined;
    if (req.encounterId) {
      const visit = await roomingVisitOf(tx, ctx, req.encounterId, now, { write: true });
      if (visit.patient.id !== patientId) {
        throw badRequest(`Encounter/${req.encounterId} is another patient's visit`, 'encounterId');
      }
      encounter = visit.encounter;
    }
    let extension: Extension;
    if (req.create) {
      // A directory write: the store lets only those who keep the directory do it (MAs get 403).
      const write = planCreate({
        resourceType: 'Organization',
        active: true,
        type: [{ coding: [{ ...PHARMACY_TYPE }], text: PHARMACY_TYPE.display }],
        name: req.create.name,
        ...(req.create.phone ? { telecom: [{ system: 'phone', value: req.create.phone }] } : {}),
      } satisfies Organization);
      await applyWrites(tx, ctx, [write]);
      extension = {
        url: PREFERRED_PHARMACY_URL,
        valueReference: { reference: `Organization/${write.id}`, display: req.create.name },
      };
    } else if (req.organizationId) {
      const org = await findById<Organization>(tx, ctx, 'Organization', req.organizationId);
      if (!org) throw notFound(`Organization/${req.organizationId} was not found`);
      const isPharmacy = (org.type ?? []).some((t) =>
        (t.coding ?? []).some((c) => c.system === PHARMACY_TYPE.system && c.code === PHARMACY_TYPE.code)
      );
      if (!isPharmacy)
        throw badRequest(`Organization/${req.organizationId} is not a pharmacy`, 'organizationId');
      extension = {
        url: PREFERRED_PHARMACY_URL,
        valueReference: { reference: `Organization/${org.id}`, display: org.name },
      };
    } else {
      extension = { url: PREFERRED_PHARMACY_URL, valueReference: { display: req.name } };
    }
    const row = await lockCurrent(tx, ctx, 'Patient', patientId);
    const patient = row?.content as Patient;
    const others = (patient.extension ?? []).filter((e) => e.url !== PREFERRED_PHARMACY_URL);
    const saved = (
      await updateIn(tx, ctx, 'Patient', patientId, { ...patient, extension: [...others, extension] })
    ).resource as Patient;
    if (encounter) {
      encounter = (await stampReviewedIn(tx, ctx, encounter.id as string, 'pharmacy', now)).encounter;
    }
    return {
      patientId,
      pharmacy: await pharmacyOf(tx, ctx, saved),
      choices: await pharmacies(tx, ctx),
      reviewed: encounter ? reviewsOf(encounter).pharmacy : undefined,
    };
  });
}
