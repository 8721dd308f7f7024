import type { CodeableConcept, Consent, Practitioner, Procedure } from '@medplum/fhirtypes';
import { badRequest, unprocessable } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database } from '../../../store/db.js';
import { planCreate } from '../../../store/repository.js';
import { applyWrites } from '../../../store/writes.js';
import { findById } from '../../flow/visit.js';
import { asBody, id as idOf, isCalendarDate, oneOf, optionalText, text } from '../../registration/input.js';
import { authorOf } from '../author.js';
import { UCUM } from '../model.js';
import { roomingVisitOf, type RoomingVisit } from '../visit.js';
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
  SNOMED,
  type CodedInput,
  type Laterality,
} from './catalog.js';
import { parseProcedure, personName, procedureConsentsOf } from './consent.js';

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
  /** When it was done (ISO instant with its offset); default now; from a day before the visit's start. */
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
  const performedAt =
    b.performedAt === undefined || b.performedAt === null || b.performedAt === ''
      ? undefined
      : performedAtOf(b.performedAt, now);
  return { procedure, performerId, bodySite, note, supplies, consentId, performedAt };
}

/**
 * An instant as ISO 8601 / FHIR dateTime writes it, with the time and an offset: "2026-11-27T14:05:00Z",
 * "2026-11-27T09:05-05:00" (seconds and their fraction optional). Each part is checked here rather than by
 * Date.parse, which rolls 2026-02-31 over to March 3 and reads a time without an offset as local time.
 */
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch of a strict instant (see INSTANT_RE), or undefined when it is not one. */
export function parseInstant(value: string): number | undefined {
  const m = INSTANT_RE.exec(value);
  if (!m || !isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`)) return undefined;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
  const [offsetHours, offsetMinutes] = [Number(m[10] ?? '0'), Number(m[11] ?? '0')];
  // FHIR R4 offsets run from -14:00 to +14:00 (datatypes.html#dateTime); no leap second (60) in a JS Date.
  if (
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetMinutes > 59 ||
    offsetHours * 60 + offsetMinutes > 14 * 60
  ) {
    return undefined;
  }
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, minute, second, millis);
  const sign = m[9] === '-' ? -1 : 1;
  return wall - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** How far ahead of the server's clock a performedAt may be (a device clock a little fast). */
export const PERFORMED_AT_FUTURE_MS = 5 * 60_000;
/** How long before the visit's start a procedure of the visit may have been done (late check-in, day of). */
export const PERFORMED_AT_BEFORE_VISIT_MS = 24 * 60 * 60_000;

/** performedAt from the request: a strict instant with an offset, a real date, not in the future; 400 else. */
function performedAtOf(value: unknown, now: Date): string {
  const t = typeof value === 'string' ? parseInstant(value) : undefined;
  if (t === undefined) {
    throw badRequest(
      'performedAt must be a real date and time with its offset (ISO 8601, e.g. 2026-11-27T09:05:00-05:00)',
      'performedAt'
    );
  }
  if (t > now.getTime() + PERFORMED_AT_FUTURE_MS) {
    throw badRequest('performedAt is in the future', 'performedAt');
  }
  return new Date(t).toISOString();
}

/** When the visit started: the Encounter's period, else its Appointment's start, else undefined. */
function visitStartOf(visit: RoomingVisit): number | undefined {
  for (const value of [visit.encounter.period?.start, visit.appointment?.start]) {
    const t = value ? Date.parse(value) : NaN;
    if (!Number.isNaN(t)) return t;
  }
  return undefined;
}

/**
 * A performedAt given for the visit must fall in it: not earlier than a day before the visit started (a visit
 * with no start known counts from now). The future was refused when the request was read.
 */
function assertDuringVisit(performedAt: string, visit: RoomingVisit, now: Date): void {
  const start = visitStartOf(visit) ?? now.getTime();
  if (Date.parse(performedAt) < start - PERFORMED_AT_BEFORE_VISIT_MS) {
    throw badRequest(
      `performedAt ${performedAt} is more than a day before the visit started (${new Date(start).toISOString()})`,
      'performedAt'
    );
  }
}

const normalLabel = (text: string): string => text.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Whether two CodeableConcepts name the same procedure: the same SNOMED CT code when both are coded, else the
 * same words (text or display, case and spacing aside) when either is free text.
 */
export function sameProcedure(a: CodeableConcept | undefined, b: CodeableConcept | undefined): boolean {
  const codes = (c: CodeableConcept | undefined): string[] =>
    (c?.coding ?? []).flatMap((k) => (k.system === SNOMED && k.code ? [k.code] : []));
  const labels = (c: CodeableConcept | undefined): string[] =>
    [c?.text, ...(c?.coding ?? []).map((k) => k.display)].flatMap((t) => (t?.trim() ? [normalLabel(t)] : []));
  const [codesA, codesB] = [codes(a), codes(b)];
  if (codesA.length > 0 && codesB.length > 0) {
    return codesA.some((code) => codesB.includes(code));
  }
  const labelsB = labels(b);
  return labels(a).some((label) => labelsB.includes(label));
}

/** The procedure a consent (or refusal) is for. */
export const consentProcedureOf = (consent: Consent): CodeableConcept | undefined =>
  consent.provision?.code?.[0];

/** When a consent was signed, in milliseconds; one with no readable time counts as the oldest. */
const signedAt = (consent: Consent): number => {
  const t = Date.parse(consent.dateTime ?? '');
  return Number.isNaN(t) ? -Infinity : t;
};

/**
 * The patient's latest decision about a procedure at a visit: the newest of its procedure consents for that
 * procedure (entered-in-error ones aside). Two at the same instant: the refusal wins (fail closed).
 */
export function latestDecision(consents: Consent[], procedure: CodeableConcept): Consent | undefined {
  let latest: Consent | undefined;
  for (const consent of consents) {
    if (consent.status === 'entered-in-error' || !sameProcedure(consentProcedureOf(consent), procedure)) {
      continue;
    }
    // By instant, not by text: a Consent written through /fhir may carry any offset.
    const order = latest ? signedAt(consent) - signedAt(latest) : 1;
    if (order > 0 || (order === 0 && consent.provision?.type === 'deny')) {
      latest = consent;
    }
  }
  return latest;
}

const labelOf = (c: CodeableConcept | undefined): string =>
  c?.text ?? c?.coding?.[0]?.display ?? c?.coding?.[0]?.code ?? 'another procedure';

/**
 * The consent a procedure is done under, checked against the visit's procedure consents (issue 6 item 8):
 * the patient's latest decision about this procedure must not be a refusal, whether or not a consent is
 * named (422 `consentId`); a named consent must be a procedure consent of this visit (400 `consentId`),
 * active, not a refusal and for this very procedure (422 `consentId`).
 */
export function checkConsentFor(
  consents: Consent[],
  procedure: CodeableConcept,
  consentId: string | undefined
): void {
  const consent = consentId ? consents.find((c) => c.id === consentId) : undefined;
  if (consentId && !consent) {
    throw badRequest(`consentId: no procedure consent ${consentId} for this visit`, 'consentId');
  }
  const latest = latestDecision(consents, procedure);
  if (latest?.provision?.type === 'deny') {
    throw unprocessable(
      `the patient refused ${labelOf(procedure)} at this visit (Consent/${latest.id}): a procedure is not ` +
        'recorded against a refusal; record a new consent first if they changed their mind',
      'consentId'
    );
  }
  if (!consent) return;
  if (consent.status !== 'active') {
    throw unprocessable(`consentId: Consent/${consentId} is ${consent.status}, not active`, 'consentId');
  }
  if (consent.provision?.type === 'deny') {
    throw unprocessable('the patient refused this procedure (the consent is a refusal)', 'consentId');
  }
  if (!sameProcedure(consentProcedureOf(consent), procedure)) {
    throw unprocessable(
      `consentId: Consent/${consentId} is for ${labelOf(consentProcedureOf(consent))}, not ${labelOf(procedure)}`,
      'consentId'
    );
  }
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
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
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
    if (input.performedAt) {
      assertDuringVisit(input.performedAt, visit, now);
    }
    const code = conceptOf(input.procedure, PROCEDURE_CATALOG);
    // The visit's procedure consents (of this patient and this Encounter), as this user may read them.
    const consents = await procedureConsentsOf(tx, ctx, patientId, visit.encounter.id as string);
    checkConsentFor(consents, code, input.consentId);
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
      code,
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
