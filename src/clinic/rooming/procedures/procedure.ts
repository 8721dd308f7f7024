import type { CodeableConcept, Consent, Practitioner, Procedure } from '@medplum/fhirtypes';
import { badRequest, unprocessable } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database } from '../../../store/db.js';
import { planCreate } from '../../../store/repository.js';
import { applyWrites } from '../../../store/writes.js';
import { findById, refId } from '../../flow/visit.js';
import { asBody, id as idOf, oneOf, optionalText, text } from '../../registration/input.js';
import { authorOf } from '../author.js';
import { UCUM } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import {
  ASSISTANT,
  BODY_SITES,
  bodySiteOf,
  conceptOf,
  LATERALITIES,
  PARTICIPATION_TYPE_SYSTEM,
  PRIMARY_PERFORMER,
  PROCEDURE_CATALOG,
  PROCEDURE_CONSENT_URL,
  QUANTITY_USED_URL,
  type CodedInput,
  type Laterality,
} from './catalog.js';
import { consentEncounterId, isProcedureConsent, parseProcedure, personName } from './consent.js';

/** Procedure assistance (issue 6 item 9): the provider performs, the MA assists; docs/rooming/procedures.md. */

export interface SupplyUsed {
  text: string;
  quantity: number;
  /** UCUM unit code when it is one ("mL"), else a count: omitted means "each". */
  unit?: string;
}

export interface BodySiteInput extends CodedInput {
  laterality?: Laterality;
}

export interface ProcedureInput {
  procedure: CodedInput;
  /** The provider who did the procedure; default the visit's provider. */
  performerId?: string;
  bodySite?: BodySiteInput;
  note?: string;
  supplies: SupplyUsed[];
  consentId?: string;
  /** When it was done (ISO instant); default now. */
  performedAt?: string;
}

/** A body site from the catalog (`code`) or text, with an optional laterality; 400s name `field.*`. */
export function parseBodySite(value: unknown, field: string): BodySiteInput {
  const b = asBody(value, field);
  const code = optionalText(b.code, `${field}.code`, 20);
  const label = optionalText(b.text, `${field}.text`, 200);
  if (code && !BODY_SITES.some((s) => s.code === code)) {
    throw badRequest(
      `${field}.code ${code} is not in the body site list; give text instead`,
      `${field}.code`
    );
  }
  if (!code && !label) {
    throw badRequest(`${field} needs a body site code or a text`, field);
  }
  const laterality =
    b.laterality === undefined || b.laterality === null || b.laterality === ''
      ? undefined
      : oneOf(b.laterality, `${field}.laterality`, LATERALITIES);
  return { code, text: label, laterality };
}

const UNIT_RE = /^[A-Za-z0-9.[\]{}/%]{1,20}$/;

export function parseProcedureInput(body: unknown, now: Date): ProcedureInput {
  const b = asBody(body);
  const procedure = parseProcedure(b.procedure, 'procedure');
  const performerId =
    b.performerId === undefined || b.performerId === null || b.performerId === ''
      ? undefined
      : idOf(b.performerId, 'performerId');
  const bodySite =
    b.bodySite === undefined || b.bodySite === null ? undefined : parseBodySite(b.bodySite, 'bodySite');
  const note = optionalText(b.note, 'note', 4000);
  if (b.supplies !== undefined && !Array.isArray(b.supplies)) {
    throw badRequest('supplies must be a list', 'supplies');
  }
  const rawSupplies = (b.supplies ?? []) as unknown[];
  if (rawSupplies.length > 50) {
    throw badRequest('supplies: at most 50 entries', 'supplies');
  }
  const supplies = rawSupplies.map((raw, i): SupplyUsed => {
    const s = asBody(raw, `supplies[${i}]`);
    const quantity = s.quantity === undefined || s.quantity === null || s.quantity === '' ? 1 : s.quantity;
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0 || quantity > 10_000) {
      throw badRequest(`supplies[${i}].quantity must be a number above 0`, `supplies[${i}].quantity`);
    }
    const unit = optionalText(s.unit, `supplies[${i}].unit`, 20);
    if (unit && !UNIT_RE.test(unit)) {
      throw badRequest(
        `supplies[${i}].unit must be a UCUM unit code (e.g. mL, cm) or left out`,
        `supplies[${i}].unit`
      );
    }
    return { text: text(s.text, `supplies[${i}].text`, 200), quantity, unit };
  });
  const consentId =
    b.consentId === undefined || b.consentId === null || b.consentId === ''
      ? undefined
      : idOf(b.consentId, 'consentId');
  let performedAt: string | undefined;
  if (b.performedAt !== undefined && b.performedAt !== null && b.performedAt !== '') {
    const t = typeof b.performedAt === 'string' ? Date.parse(b.performedAt) : NaN;
    if (!/^\d{4}-\d{2}-\d{2}T/.test(String(b.performedAt)) || Number.isNaN(t)) {
      throw badRequest('performedAt must be a date and time (ISO 8601)', 'performedAt');
    }
    if (t > now.getTime() + 5 * 60_000) {
      throw badRequest('performedAt is in the future', 'performedAt');
    }
    performedAt = new Date(t).toISOString();
  }
  return { procedure, performerId, bodySite, note, supplies, consentId, performedAt };
}

/** A supply as Procedure.usedCode: the text, and the quantity in an extension (R4 has no quantity there). */
export function usedCodeOf(supply: SupplyUsed): CodeableConcept {
  return {
    extension: [
      {
        url: QUANTITY_USED_URL,
        valueQuantity: supply.unit
          ? { value: supply.quantity, unit: supply.unit, system: UCUM, code: supply.unit }
          : { value: supply.quantity, unit: 'each', system: UCUM, code: '1' },
      },
    ],
    text: supply.text,
  };
}

/**
 * Records a procedure done at the visit: status completed, the provider as primary performer (PPRF) and the
 * signed-in MA as assistant (SPRF), body site, note, supplies used, and the consent it was done under
 * (which must be this visit's procedure consent and not a refusal: 422 otherwise).
 */
export async function recordProcedure(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  input: ProcedureInput,
  now: Date
): Promise<Procedure> {
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now);
    const patientId = visit.patient.id as string;
    const providerId = input.performerId ?? visit.providerId;
    if (!providerId) {
      throw badRequest(
        'performerId (the provider who did the procedure) is required: the visit has none',
        'performerId'
      );
    }
    const provider = await findById<Practitioner>(tx, ctx, 'Practitioner', providerId);
    if (!provider) {
      throw badRequest(`performerId: Practitioner/${providerId} was not found`, 'performerId');
    }
    if (input.consentId) {
      const consent = await findById<Consent>(tx, ctx, 'Consent', input.consentId);
      if (
        !consent ||
        !isProcedureConsent(consent) ||
        refId(consent.patient?.reference, 'Patient') !== patientId ||
        consentEncounterId(consent) !== visit.encounter.id
      ) {
        throw badRequest(`consentId: no procedure consent ${input.consentId} for this visit`, 'consentId');
      }
      if (consent.provision?.type === 'deny') {
        throw unprocessable('the patient refused this procedure (the consent is a refusal)', 'consentId');
      }
    }
    const author = authorOf(ctx);
    const at = now.toISOString();
    const procedure: Procedure = {
      resourceType: 'Procedure',
      ...(input.consentId
        ? {
            extension: [
              { url: PROCEDURE_CONSENT_URL, valueReference: { reference: `Consent/${input.consentId}` } },
            ],
          }
        : {}),
      status: 'completed',
      code: conceptOf(input.procedure, PROCEDURE_CATALOG),
      subject: { reference: `Patient/${patientId}` },
      encounter: { reference: `Encounter/${visit.encounter.id}` },
      performedDateTime: input.performedAt ?? at,
      recorder: author,
      performer: [
        {
          function: {
            coding: [
              {
                system: PARTICIPATION_TYPE_SYSTEM,
                code: PRIMARY_PERFORMER.code,
                display: PRIMARY_PERFORMER.display,
              },
            ],
            text: 'Provider',
          },
          actor: {
            reference: `Practitioner/${providerId}`,
            display: personName(provider.name) || providerId,
          },
        },
        {
          function: {
            coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code: ASSISTANT.code, display: ASSISTANT.display }],
            text: 'Assistant',
          },
          actor: author,
        },
      ],
      ...(input.bodySite ? { bodySite: [bodySiteOf(input.bodySite)] } : {}),
      ...(input.note
        ? {
            note: [
              author.reference
                ? { text: input.note, time: at, authorReference: author }
                : { text: input.note, time: at, authorString: author.display },
            ],
          }
        : {}),
      ...(input.supplies.length > 0 ? { usedCode: input.supplies.map(usedCodeOf) } : {}),
    };
    const write = planCreate(procedure);
    await applyWrites(tx, ctx, [write]);
    return write.content as Procedure;
  });
}
