/**
 * Informed consent for a procedure (issue 6 item 8), docs/rooming/procedures.md.
 *
 * HOW TO FIND "A CONSENT FOR THIS VISIT" (the rooming checklist reads this): a procedure consent is a FHIR
 * Consent with
 *   - category coding  urn:medassist:consent-type | procedure-consent  (model.ts CONSENT_CATEGORY_SYSTEM),
 *   - patient          Patient/<id>,
 *   - extension        CONSENT_ENCOUNTER_URL (https://medassist.dev/fhir/StructureDefinition/consent-encounter)
 *                      valueReference Encounter/<the visit's id>  (Consent has no encounter element in R4),
 *   - provision.type   permit (consented) or deny (REFUSED),
 *   - sourceReference  DocumentReference/<id> of the signed PDF, whose context.encounter names the visit too.
 * `procedureConsentsOf(conn, ctx, patientId, encounterId)` below returns them (search Consent by patient,
 * keep those with the category and the encounter extension). Whether a refusal ticks the checklist is the
 * checklist's call: `provision.type === 'deny'` tells a refusal apart.
 *
 * Access: a procedure consent names the procedure and its risks, so it is clinical. Both the Consent and its
 * DocumentReference carry urn:medassist:document-category | procedure-consent (accessMatrix.ts
 * CLINICAL_DOCUMENT_CATEGORIES) and none of the administrative categories, which puts them in the `notes`
 * group: MAs, lead MAs and providers, never the front desk or the biller. The desk's own consents (consent to
 * treat, privacy practices, financial policy) keep the administrative `consent` category.
 */
import { randomUUID } from 'node:crypto';
import type {
  Attachment,
  CodeableConcept,
  Consent,
  DocumentReference,
  HumanName,
  Location,
  Patient,
  Practitioner,
  Reference,
  RelatedPerson,
} from '@medplum/fhirtypes';
import {
  ADMIN_DOCUMENT_CATEGORIES,
  DOCUMENT_CATEGORY_SYSTEM,
  PROCEDURE_CONSENT_CATEGORY,
} from '../../../auth/accessMatrix.js';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { planCreate, Repository } from '../../../store/repository.js';
import { applyWrites, type PendingWrite } from '../../../store/writes.js';
import { displayName } from '../../flow/board.js';
import { findById, findReferencing, refId } from '../../flow/visit.js';
import { asBody, id as idOf, oneOf, optionalBody, optionalText, text } from '../../registration/input.js';
import { authorOf } from '../author.js';
import { CONSENT_CATEGORY_SYSTEM, LOINC } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import {
  CONSENT_DOCUMENT_LOINC,
  CONSENT_ENCOUNTER_URL,
  CONSENT_EXPLAINED_BY_URL,
  CONSENT_EXPLANATION_URL,
  CONSENT_WITNESS_URL,
  conceptOf,
  PARTICIPATION_TYPE_SYSTEM,
  PRIMARY_PERFORMER,
  PROCEDURE_CATALOG,
  PROCEDURE_CONSENT_CODE,
  type CodedInput,
} from './catalog.js';
import { consentPdf } from './consentPdf.js';
import { checkImage, MAX_SIGNATURE_BYTES, SIGNATURE_DIMENSIONS, type CheckedImage } from './images.js';

export interface ProcedureConsentInput {
  procedure: CodedInput;
  explanation: { risks: string; benefits: string; alternatives: string };
  decision: 'consent' | 'refuse';
  signedBy: { kind: 'patient' } | { kind: 'representative'; name: string; relationship: string };
  signature: CheckedImage;
  witness: { name: string; signature: CheckedImage };
  /** The provider who explained the procedure; default the visit's provider. */
  explainedBy?: string;
}

/** A procedure from the catalog (`code`) or as text; a code outside the catalog is a 400 naming `field.code`. */
export function parseProcedure(value: unknown, field: string): CodedInput {
  const b = asBody(value, field);
  const code = optionalText(b.code, `${field}.code`, 20);
  const label = optionalText(b.text, `${field}.text`, 200);
  if (code && !PROCEDURE_CATALOG.some((p) => p.code === code)) {
    throw badRequest(
      `${field}.code ${code} is not in the office procedure catalog; give text instead`,
      `${field}.code`
    );
  }
  if (!code && !label) {
    throw badRequest(`${field} needs a catalog code or a text`, field);
  }
  return { code, text: label };
}

/** Reads the consent form's JSON (docs/rooming/procedures.md); every failure is a 400 naming the field. */
export function parseProcedureConsent(body: unknown): ProcedureConsentInput {
  const b = asBody(body);
  const procedure = parseProcedure(b.procedure, 'procedure');
  const e = asBody(b.explanation, 'explanation');
  const explanation = {
    risks: text(e.risks, 'explanation.risks', 4000),
    benefits: text(e.benefits, 'explanation.benefits', 4000),
    alternatives: text(e.alternatives, 'explanation.alternatives', 4000),
  };
  const decision = oneOf(b.decision, 'decision', ['consent', 'refuse'] as const);
  const signed = optionalBody(b.signedBy, 'signedBy') ?? { kind: 'patient' };
  const kind = oneOf(signed.kind, 'signedBy.kind', ['patient', 'representative'] as const);
  const signedBy: ProcedureConsentInput['signedBy'] =
    kind === 'patient'
      ? { kind }
      : {
          kind,
          name: text(signed.name, 'signedBy.name', 200),
          relationship: text(signed.relationship, 'signedBy.relationship', 100),
        };
  if (b.signature === undefined || b.signature === null || b.signature === '') {
    throw badRequest('the signature is required (draw it on the pad)', 'signature');
  }
  const signature = checkImage(
    b.signature,
    'signature',
    ['image/png'],
    MAX_SIGNATURE_BYTES,
    SIGNATURE_DIMENSIONS
  );
  const w = asBody(b.witness, 'witness');
  const witnessName = text(w.name, 'witness.name', 200);
  if (w.signature === undefined || w.signature === null || w.signature === '') {
    throw badRequest("the witness's signature is required (draw it on the pad)", 'witness.signature');
  }
  const witnessSignature = checkImage(
    w.signature,
    'witness.signature',
    ['image/png'],
    MAX_SIGNATURE_BYTES,
    SIGNATURE_DIMENSIONS
  );
  const explainedBy =
    b.explainedBy === undefined || b.explainedBy === null || b.explainedBy === ''
      ? undefined
      : idOf(b.explainedBy, 'explainedBy');
  return {
    procedure,
    explanation,
    decision,
    signedBy,
    signature,
    witness: { name: witnessName, signature: witnessSignature },
    explainedBy,
  };
}

/** A person's name for print: prefix, given names, family ("Dr. Amara Nwosu"). */
export function personName(names: HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  if (name && !name.text && name.prefix?.length) {
    return [...name.prefix, displayName([name])].join(' ').trim();
  }
  return displayName(names);
}

/** An instant in the clinic's zone, for print ("Nov 27, 2026, 9:41 AM EST"). */
export function localDateTime(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(instant);
}

function letterheadOf(site: Location | undefined): { name: string; address: string[]; phone?: string } {
  const a = site?.address;
  const cityLine = [a?.city, [a?.state, a?.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return {
    name: site?.name ?? 'Clinic',
    address: [...(a?.line ?? []), ...(cityLine ? [cityLine] : [])],
    phone: site?.telecom?.find((t) => t.system === 'phone')?.value,
  };
}

const categories = (): CodeableConcept[] => [
  {
    coding: [{ system: CONSENT_CATEGORY_SYSTEM, code: PROCEDURE_CONSENT_CODE, display: 'Procedure consent' }],
    text: 'Procedure consent',
  },
  { coding: [{ system: LOINC, code: CONSENT_DOCUMENT_LOINC.code, display: CONSENT_DOCUMENT_LOINC.display }] },
  // The clinical document category: the Consent and its document stay out of the front desk's reach.
  {
    coding: [
      { system: DOCUMENT_CATEGORY_SYSTEM, code: PROCEDURE_CONSENT_CATEGORY, display: 'Procedure consent' },
    ],
  },
];

export interface RecordedProcedureConsent {
  consent: Consent;
  document: DocumentReference;
}

/**
 * Records a signed consent (or refusal) for a procedure at a visit, in one transaction: the Consent, the
 * DocumentReference holding the printed PDF and both signature images, and the representative as a
 * RelatedPerson when someone signs for the patient.
 */
export async function recordProcedureConsent(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  input: ProcedureConsentInput,
  now: Date
): Promise<RecordedProcedureConsent> {
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    const patientId = visit.patient.id as string;
    const providerId = input.explainedBy ?? visit.providerId;
    if (!providerId) {
      throw badRequest(
        'explainedBy (the provider who explained the procedure) is required: the visit has none',
        'explainedBy'
      );
    }
    const provider = await findById<Practitioner>(tx, ctx, 'Practitioner', providerId);
    if (!provider) {
      throw badRequest(`explainedBy: Practitioner/${providerId} was not found`, 'explainedBy');
    }
    const site = visit.siteId ? await findById<Location>(tx, ctx, 'Location', visit.siteId) : undefined;
    const { timeZone } = visit;
    const at = now.toISOString();
    const author = authorOf(ctx);
    const procedure = conceptOf(input.procedure, PROCEDURE_CATALOG);
    const procedureText = procedure.text ?? '';
    const patientName = displayName(visit.patient.name);
    const providerName = personName(provider.name) || `Practitioner/${providerId}`;
    const writes: PendingWrite[] = [];

    let performer: Reference<Patient | RelatedPerson> = {
      reference: `Patient/${patientId}`,
      display: patientName,
    };
    if (input.signedBy.kind === 'representative') {
      const rep: RelatedPerson = {
        resourceType: 'RelatedPerson',
        active: true,
        patient: { reference: `Patient/${patientId}` },
        relationship: [{ text: input.signedBy.relationship }],
        name: [{ text: input.signedBy.name }],
      };
      const write = planCreate(rep);
      writes.push(write);
      performer = {
        reference: `RelatedPerson/${write.id}`,
        display: `${input.signedBy.name} (${input.signedBy.relationship})`,
      };
    }

    const signedAt = localDateTime(now, timeZone);
    const pdf = await consentPdf({
      clinic: letterheadOf(site),
      patient: { name: patientName, birthDate: visit.patient.birthDate },
      procedure: procedureText,
      explainedBy: providerName,
      explanation: input.explanation,
      decision: input.decision,
      signer:
        input.signedBy.kind === 'representative'
          ? {
              name: input.signedBy.name,
              relationship: input.signedBy.relationship,
              signedAt,
              png: input.signature.bytes,
            }
          : { name: patientName, signedAt, png: input.signature.bytes },
      witness: { name: input.witness.name, signedAt, png: input.witness.signature.bytes },
      recordedBy: author.display ?? 'medassist',
    });

    const refused = input.decision === 'refuse';
    const title = `${refused ? 'Refusal' : 'Consent'}: ${procedureText}`;
    const attachment = (data: string, contentType: string, size: number, name: string): Attachment => ({
      contentType,
      data,
      size,
      title: name,
      creation: at,
    });
    const documentId = randomUUID();
    const consentId = randomUUID();
    const document: DocumentReference = {
      resourceType: 'DocumentReference',
      status: 'current',
      docStatus: 'final',
      type: {
        coding: [
          { system: LOINC, code: CONSENT_DOCUMENT_LOINC.code, display: CONSENT_DOCUMENT_LOINC.display },
        ],
        text: title,
      },
      category: categories(),
      subject: { reference: `Patient/${patientId}` },
      date: at,
      author: [author],
      description: title,
      content: [
        {
          attachment: attachment(
            Buffer.from(pdf).toString('base64'),
            'application/pdf',
            pdf.length,
            `${title} (signed)`
          ),
        },
        { attachment: attachment(input.signature.data, 'image/png', input.signature.size, 'Signature') },
        {
          attachment: attachment(
            input.witness.signature.data,
            'image/png',
            input.witness.signature.size,
            "Witness's signature"
          ),
        },
      ],
      context: {
        encounter: [{ reference: `Encounter/${visit.encounter.id}` }],
        related: [{ reference: `Consent/${consentId}` }],
      },
    };
    writes.push(planCreate(document, documentId));

    const consent: Consent = {
      resourceType: 'Consent',
      extension: [
        { url: CONSENT_ENCOUNTER_URL, valueReference: { reference: `Encounter/${visit.encounter.id}` } },
        {
          url: CONSENT_EXPLAINED_BY_URL,
          valueReference: { reference: `Practitioner/${providerId}`, display: providerName },
        },
        {
          url: CONSENT_EXPLANATION_URL,
          extension: [
            { url: 'risks', valueString: input.explanation.risks },
            { url: 'benefits', valueString: input.explanation.benefits },
            { url: 'alternatives', valueString: input.explanation.alternatives },
          ],
        },
        {
          url: CONSENT_WITNESS_URL,
          extension: [
            { url: 'name', valueString: input.witness.name },
            { url: 'signedAt', valueDateTime: at },
          ],
        },
      ],
      status: 'active',
      scope: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/consentscope',
            code: 'treatment',
            display: 'Treatment',
          },
        ],
      },
      category: categories(),
      patient: { reference: `Patient/${patientId}` },
      dateTime: at,
      performer: [performer],
      policyRule: { text: 'Informed consent for a procedure' },
      sourceReference: { reference: `DocumentReference/${documentId}` },
      provision: {
        type: refused ? 'deny' : 'permit',
        period: { start: at },
        actor: [
          {
            role: {
              coding: [
                {
                  system: PARTICIPATION_TYPE_SYSTEM,
                  code: PRIMARY_PERFORMER.code,
                  display: PRIMARY_PERFORMER.display,
                },
              ],
            },
            reference: { reference: `Practitioner/${providerId}`, display: providerName },
          },
        ],
        code: [procedure],
      },
    };
    writes.push(planCreate(consent, consentId));
    await applyWrites(tx, ctx, writes);
    return {
      consent: writes[writes.length - 1].content as Consent,
      document: writes[writes.length - 2].content as DocumentReference,
    };
  });
}

/**
 * Whether a Consent is a procedure consent (rather than one signed at the desk). One that also carries an
 * administrative document category is not: the front desk may write such a Consent through /fhir, and may not
 * make a procedure consent.
 */
export function isProcedureConsent(consent: Consent): boolean {
  const codings = (consent.category ?? []).flatMap((c) => c.coding ?? []);
  return (
    codings.some((k) => k.system === CONSENT_CATEGORY_SYSTEM && k.code === PROCEDURE_CONSENT_CODE) &&
    // By code alone, whatever the system: the access policy reads categories so (policy.ts categoryCodes).
    !codings.some((k) => (ADMIN_DOCUMENT_CATEGORIES as readonly string[]).includes(k.code ?? ''))
  );
}

/** The visit a procedure consent belongs to (its Encounter id). */
export function consentEncounterId(consent: Consent): string | undefined {
  return refId(
    consent.extension?.find((e) => e.url === CONSENT_ENCOUNTER_URL)?.valueReference?.reference,
    'Encounter'
  );
}

/** The procedure consents (and refusals) recorded at a visit, oldest first. */
export async function procedureConsentsOf(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  encounterId: string
): Promise<Consent[]> {
  const all = await findReferencing<Consent>(conn, ctx, 'Consent', 'patient', `Patient/${patientId}`);
  return all
    .filter((c) => isProcedureConsent(c) && consentEncounterId(c) === encounterId)
    .sort((a, b) => (a.dateTime ?? '').localeCompare(b.dateTime ?? ''));
}

/** A procedure consent as the rooming screen lists it. */
export interface ProcedureConsentView {
  id: string;
  procedure: string;
  decision: 'consent' | 'refuse';
  signedAt: string;
  signedBy: string;
  pdfUrl: string;
}

export function consentViewOf(consent: Consent): ProcedureConsentView {
  const procedure = consent.provision?.code?.[0];
  return {
    id: consent.id as string,
    procedure: procedure?.text ?? procedure?.coding?.[0]?.display ?? '',
    decision: consent.provision?.type === 'deny' ? 'refuse' : 'consent',
    signedAt: consent.dateTime ?? '',
    signedBy: consent.performer?.[0]?.display ?? '',
    pdfUrl: `/api/rooming/consents/${consent.id}/pdf`,
  };
}

/** The signed PDF of a procedure consent, and its patient (for the print audit record). */
export async function consentPdfOf(
  conn: SqlConnection,
  ctx: RequestContext,
  consentId: string
): Promise<{ pdf: Buffer; patientId: string; refused: boolean }> {
  const repo = new Repository(conn);
  const consent = (await repo.read(ctx, 'Consent', consentId)) as Consent;
  if (!isProcedureConsent(consent)) {
    throw notFound(`Consent/${consentId} is not a procedure consent`);
  }
  const documentId = refId(consent.sourceReference?.reference, 'DocumentReference');
  const document = documentId
    ? ((await repo.read(ctx, 'DocumentReference', documentId)) as DocumentReference)
    : undefined;
  const data = document?.content?.find((c) => c.attachment.contentType === 'application/pdf')?.attachment
    .data;
  if (!data) {
    throw notFound(`Consent/${consentId} has no signed PDF`);
  }
  return {
    pdf: Buffer.from(data, 'base64'),
    patientId: refId(consent.patient?.reference, 'Patient') ?? '',
    refused: consent.provision?.type === 'deny',
  };
}
