import type {
  CodeableConcept,
  Encounter,
  MedicationRequest,
  MedicationStatement,
  Provenance,
  Reference,
} from '@medplum/fhirtypes';
import { badRequest, unprocessable } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { lockCurrent, planCreate, planUpdate } from '../../../store/repository.js';
import { applyWrites, type PendingWrite } from '../../../store/writes.js';
import { findReferencing, refId } from '../../flow/visit.js';
import { authorOf } from '../author.js';
import { EXT, RXNORM, SNOMED } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { findDrug } from './catalog.js';
import { concept, objectAt, optionalText, patientOf, requiredCode, type Body } from './input.js';
import { reviewsOf, stampReviewedIn, type ReviewStamp } from './reviewed.js';

/**
 * Medication reconciliation (issue 6 item 5; Joint Commission NPSG: medication information reconciled at each
 * visit). The list is the patient's current MedicationStatements, plus active MedicationRequests no statement
 * is based on yet (turned into statements the first time they are reconciled). Each item is answered
 * taking / not taking / changed with its source; the MA adds what the patient takes from elsewhere. The
 * whole reconciliation is one transaction: every item is checked before anything is written, then the
 * statements, one Provenance naming the MA as author of all of them, and the "medications" review stamp.
 *
 * Statuses (R4 MedicationStatement.status): taking -> active; not taking -> not-taken; changed -> the old
 * statement stopped and a new active statement (derivedFrom the old) with the dosage as the patient now takes
 * it and a note. A changed prescription (MedicationRequest) becomes one active statement basedOn it.
 *
 * A patient who takes nothing is said so explicitly, as "no allergies" is: a MedicationStatement coded
 * NO_MEDICATIONS, written when a reconciliation completes with `noMedications` (required when nothing would be
 * left that the patient takes), and set `completed` once a medication is recorded as taken. It is not a row
 * of the list; the list says `noMedications`.
 */

/**
 * SNOMED CT 787481004 |No known medications (situation)|: the code the FHIR MedicationStatement medication
 * value set and the International Patient Summary use for "takes no medications".
 */
export const NO_MEDICATIONS = { system: SNOMED, code: '787481004', display: 'No known medications' } as const;

export function isNoMedications(s: MedicationStatement): boolean {
  return (s.medicationCodeableConcept?.coding ?? []).some(
    (c) => c.system === NO_MEDICATIONS.system && c.code === NO_MEDICATIONS.code
  );
}

/** The kind of source an answer came from, on the MedicationStatement (valueCode one of MED_SOURCES). */
export const INFORMATION_SOURCE_URL = `${EXT}/medication-information-source`;
export const MED_SOURCES = ['patient', 'caregiver', 'pharmacy-list', 'outside-records'] as const;
export type MedSource = (typeof MED_SOURCES)[number];
export const MED_SOURCE_LABELS: Record<MedSource, string> = {
  patient: 'Patient',
  caregiver: 'Caregiver',
  'pharmacy-list': 'Pharmacy list',
  'outside-records': 'Outside records',
};
export const MED_ANSWERS = ['taking', 'not-taking', 'changed'] as const;
export type MedAnswer = (typeof MED_ANSWERS)[number];

const CURRENT: readonly MedicationStatement['status'][] = ['active', 'intended', 'on-hold', 'unknown'];
const PAST: readonly MedicationStatement['status'][] = ['stopped', 'not-taken', 'completed'];

export interface MedicationView {
  /** "MedicationStatement/<id>" or "MedicationRequest/<id>" (a prescription not reconciled yet). */
  ref: string;
  kind: 'statement' | 'prescription';
  text: string;
  rxnorm?: string;
  dosage?: string;
  status: string;
  source?: MedSource;
  dateAsserted?: string;
  note?: string;
}

export interface MedicationList {
  patientId: string;
  /** What the patient is on now: the rows to reconcile, active first. */
  current: MedicationView[];
  /** Stopped, not taken and completed (newest first, at most 50). */
  past: MedicationView[];
  /** Nothing current, and the patient said they take no medications (an active NO_MEDICATIONS statement). */
  noMedications: boolean;
  reviewed?: ReviewStamp;
}

function medicationText(m: {
  medicationCodeableConcept?: CodeableConcept;
  medicationReference?: Reference;
}): string {
  const c = m.medicationCodeableConcept;
  return c?.text ?? c?.coding?.[0]?.display ?? m.medicationReference?.display ?? 'Unnamed medication';
}

function rxnormOf(c: CodeableConcept | undefined): string | undefined {
  return c?.coding?.find((x) => x.system === RXNORM)?.code;
}

export function statementView(s: MedicationStatement): MedicationView {
  const source = s.extension?.find((e) => e.url === INFORMATION_SOURCE_URL)?.valueCode as
    MedSource | undefined;
  return {
    ref: `MedicationStatement/${s.id}`,
    kind: 'statement',
    text: medicationText(s),
    rxnorm: rxnormOf(s.medicationCodeableConcept),
    dosage: s.dosage?.[0]?.text,
    status: s.status,
    source: source ?? (refId(s.informationSource?.reference, 'Patient') ? 'patient' : undefined),
    dateAsserted: s.dateAsserted,
    note: s.note?.[s.note.length - 1]?.text,
  };
}

function requestView(r: MedicationRequest): MedicationView {
  return {
    ref: `MedicationRequest/${r.id}`,
    kind: 'prescription',
    text: medicationText(r),
    rxnorm: rxnormOf(r.medicationCodeableConcept),
    dosage: r.dosageInstruction?.[0]?.text,
    status: 'active',
    dateAsserted: r.authoredOn,
  };
}

interface PatientMedications {
  /** The patient's statements, without the "no known medications" ones. */
  statements: MedicationStatement[];
  /** Active "no known medications" statements. */
  none: MedicationStatement[];
  /** Active prescriptions no statement is based on. */
  requests: MedicationRequest[];
}

async function medicationsOf(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<PatientMedications> {
  const subject = `Patient/${patientId}`;
  const all = (
    await findReferencing<MedicationStatement>(conn, ctx, 'MedicationStatement', 'subject', subject)
  ).filter((s) => s.status !== 'entered-in-error');
  const statements = all.filter((s) => !isNoMedications(s));
  const none = all.filter((s) => isNoMedications(s) && s.status === 'active');
  const basedOn = new Set(
    statements.flatMap((s) => (s.basedOn ?? []).map((b) => refId(b.reference, 'MedicationRequest')))
  );
  const requests = (
    await findReferencing<MedicationRequest>(conn, ctx, 'MedicationRequest', 'subject', subject)
  ).filter((r) => r.status === 'active' && !basedOn.has(r.id));
  return { statements, none, requests };
}

/** The resource without properties left undefined (optional fields copied from a source that lacks them). */
function compact<T extends object>(resource: T): T {
  return Object.fromEntries(Object.entries(resource).filter(([, v]) => v !== undefined)) as T;
}

const byText = (a: MedicationView, b: MedicationView): number => a.text.localeCompare(b.text);

/** GET /api/rooming/patients/:id/medications; with a visit, its "medications" stamp. */
export async function medicationList(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  encounter?: Encounter
): Promise<MedicationList> {
  await patientOf(conn, ctx, patientId);
  const { statements, none, requests } = await medicationsOf(conn, ctx, patientId);
  const current = [
    ...statements.filter((s) => CURRENT.includes(s.status)).map(statementView),
    ...requests.map(requestView),
  ].sort((a, b) => (a.status === 'active' ? 0 : 1) - (b.status === 'active' ? 0 : 1) || byText(a, b));
  const past = statements
    .filter((s) => PAST.includes(s.status))
    .map(statementView)
    .sort((a, b) => (b.dateAsserted ?? '').localeCompare(a.dateAsserted ?? '') || byText(a, b))
    .slice(0, 50);
  return {
    patientId,
    current,
    past,
    noMedications: current.length === 0 && none.length > 0,
    reviewed: encounter ? reviewsOf(encounter).medications : undefined,
  };
}

// ---------- the reconciliation ----------

export interface ReconcileItem {
  /** An item of the list ("MedicationStatement/<id>", "MedicationRequest/<id>"), or a new medication. */
  ref?: string;
  drug?: { rxnorm: string; display: string } | { text: string };
  answer: MedAnswer;
  source: MedSource;
  dosage?: string;
  note?: string;
}

export interface ReconcileRequest {
  items: ReconcileItem[];
  /** Stamp "medications reconciled" (default true): then every current item must be answered. */
  complete: boolean;
  /**
   * The patient takes no medications: recorded as a NO_MEDICATIONS statement. Only with `complete`, and
   * only when no item is answered taking / changed or added; required when nothing would be left taken.
   */
  noMedications: boolean;
}

export function parseReconcile(value: unknown): ReconcileRequest {
  const body = objectAt(value ?? {}, 'body');
  if (!Array.isArray(body.items) || body.items.length > 100) {
    throw badRequest('items must be a list of at most 100 medications', 'items');
  }
  if (body.complete !== undefined && typeof body.complete !== 'boolean') {
    throw badRequest('complete must be true or false', 'complete');
  }
  if (body.noMedications !== undefined && typeof body.noMedications !== 'boolean') {
    throw badRequest('noMedications must be true or false', 'noMedications');
  }
  const seen = new Set<string>();
  const items = body.items.map((raw, i): ReconcileItem => {
    const field = `items[${i}]`;
    const item: Body = objectAt(raw, field);
    const answer = requiredCode(item.answer ?? item.status, MED_ANSWERS, `${field}.status`);
    const source = requiredCode(item.source, MED_SOURCES, `${field}.source`);
    const dosage = optionalText(item.dosage, `${field}.dosage`, 300);
    const note = optionalText(item.note, `${field}.note`, 1000);
    if (answer === 'changed' && !dosage) {
      throw badRequest(
        'a changed medication needs the dosage as the patient takes it now',
        `${field}.dosage`
      );
    }
    if (item.ref !== undefined) {
      if (
        typeof item.ref !== 'string' ||
        !/^(MedicationStatement|MedicationRequest)\/[A-Za-z0-9\-.]{1,64}$/.test(item.ref)
      ) {
        throw badRequest('ref must be MedicationStatement/<id> or MedicationRequest/<id>', `${field}.ref`);
      }
      if (seen.has(item.ref)) throw badRequest(`${item.ref} is answered twice`, `${field}.ref`);
      seen.add(item.ref);
      if (item.drug !== undefined) throw badRequest('give ref or drug, not both', `${field}.drug`);
      return { ref: item.ref, answer, source, dosage, note };
    }
    const drug = objectAt(item.drug, `${field}.drug`);
    if (answer !== 'taking') {
      throw badRequest('a medication added here is one the patient takes: status taking', `${field}.status`);
    }
    if (drug.rxnorm !== undefined) {
      const entry = typeof drug.rxnorm === 'string' ? findDrug(drug.rxnorm) : undefined;
      if (!entry) {
        throw badRequest(
          `${String(drug.rxnorm)} is not in the drug catalog: choose one from the list or type the name`,
          `${field}.drug.rxnorm`
        );
      }
      return { drug: { rxnorm: entry.code, display: entry.display }, answer, source, dosage, note };
    }
    const text = optionalText(drug.text, `${field}.drug.text`, 200);
    if (!text) throw badRequest('drug needs an RxNorm code from the catalog or a name', `${field}.drug`);
    return { drug: { text }, answer, source, dosage, note };
  });
  const complete = body.complete !== false;
  const noMedications = body.noMedications === true;
  if (noMedications && !complete) {
    throw badRequest('"no medications" is recorded when the reconciliation is complete', 'noMedications');
  }
  if (noMedications && items.some(takes)) {
    throw badRequest(
      'a medication is answered taking, changed or added: the patient does take medications',
      'noMedications'
    );
  }
  return { items, complete, noMedications };
}

/** The item leaves a medication the patient takes (taking, changed, or one added). */
function takes(item: ReconcileItem): boolean {
  return item.answer !== 'not-taking';
}

export interface Reconciled {
  list: MedicationList;
  /** The Provenance naming the author of the statements written (absent when nothing was written). */
  provenance?: string;
  reviewed?: ReviewStamp;
}

/** POST /api/rooming/encounters/:id/medications: the reconciliation, in one transaction. */
export function reconcileMedications(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: ReconcileRequest,
  now = new Date()
): Promise<Reconciled> {
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    const patientId = visit.patient.id as string;
    // One reconciliation of a patient at a time: the list read here is the list written against.
    await lockCurrent(tx, ctx, 'Patient', patientId);
    const { statements, none, requests } = await medicationsOf(tx, ctx, patientId);
    const currentStatements = new Map(
      statements.filter((s) => CURRENT.includes(s.status)).map((s) => [`MedicationStatement/${s.id}`, s])
    );
    const openRequests = new Map(requests.map((r) => [`MedicationRequest/${r.id}`, r]));
    req.items.forEach((item, i) => {
      if (item.ref && !currentStatements.has(item.ref) && !openRequests.has(item.ref)) {
        throw badRequest(`${item.ref} is not on this patient's current medication list`, `items[${i}].ref`);
      }
    });
    if (req.complete) {
      const answered = new Set(req.items.map((item) => item.ref));
      const missing = [...currentStatements.keys(), ...openRequests.keys()].filter(
        (ref) => !answered.has(ref)
      );
      if (missing.length > 0) {
        throw unprocessable(
          `every medication on the list needs an answer before the reconciliation is complete: ${missing.length} left`,
          'items'
        );
      }
      // Every current item is answered, so what is left taken is what this request says.
      if (!req.items.some(takes) && !req.noMedications) {
        throw unprocessable(
          'nothing is left that the patient takes: confirm that they take no medications (noMedications)',
          'noMedications'
        );
      }
    }

    const at = now.toISOString();
    const common = (item: ReconcileItem) => ({
      subject: { reference: `Patient/${patientId}` },
      context: { reference: `Encounter/${encounterId}` },
      dateAsserted: at,
      informationSource:
        item.source === 'patient'
          ? { reference: `Patient/${patientId}` }
          : { display: MED_SOURCE_LABELS[item.source] },
      extension: [{ url: INFORMATION_SOURCE_URL, valueCode: item.source }],
    });
    const author = authorOf(ctx);
    const noteOf = (item: ReconcileItem, prior: MedicationStatement['note'] = []) =>
      item.note
        ? [
            ...prior,
            author.reference
              ? { text: item.note, time: at, authorReference: author }
              : { text: item.note, time: at, authorString: author.display },
          ]
        : prior.length
          ? prior
          : undefined;
    const writes: PendingWrite[] = [];
    const update = (s: MedicationStatement, next: MedicationStatement): void => {
      const write = planUpdate(compact(next), s.id as string, {
        version_id: Number(s.meta?.versionId ?? 1),
        deleted: false,
        content: s,
      });
      if (write) writes.push(write);
    };
    const create = (next: MedicationStatement): void => {
      writes.push(planCreate(compact(next)));
    };
    const statusFor = (answer: MedAnswer): MedicationStatement['status'] =>
      answer === 'not-taking' ? 'not-taken' : 'active';

    for (const item of req.items) {
      const statement = item.ref ? currentStatements.get(item.ref) : undefined;
      const request = item.ref ? openRequests.get(item.ref) : undefined;
      if (statement) {
        const others = (statement.extension ?? []).filter((e) => e.url !== INFORMATION_SOURCE_URL);
        const base = { ...statement, ...common(item), extension: [...others, ...common(item).extension] };
        if (item.answer === 'changed') {
          update(statement, {
            ...base,
            status: 'stopped',
            effectivePeriod: statement.effectivePeriod
              ? { ...statement.effectivePeriod, end: at }
              : undefined,
            note: noteOf({ ...item, note: `Changed: ${item.note ?? `now ${item.dosage}`}` }, statement.note),
          });
          create({
            resourceType: 'MedicationStatement',
            status: 'active',
            medicationCodeableConcept: statement.medicationCodeableConcept,
            medicationReference: statement.medicationReference,
            basedOn: statement.basedOn,
            derivedFrom: [{ reference: item.ref }],
            reasonReference: statement.reasonReference,
            ...common(item),
            effectivePeriod: { start: at },
            dosage: [{ text: item.dosage }],
            note: noteOf(item),
          });
        } else {
          update(statement, {
            ...base,
            status: statusFor(item.answer),
            ...(item.dosage ? { dosage: [{ text: item.dosage }] } : {}),
            note: noteOf(item, statement.note),
          });
        }
      } else if (request) {
        create({
          resourceType: 'MedicationStatement',
          status: statusFor(item.answer),
          medicationCodeableConcept: request.medicationCodeableConcept,
          medicationReference: request.medicationReference,
          basedOn: [{ reference: item.ref }],
          reasonReference: request.reasonReference,
          reasonCode: request.reasonCode,
          ...common(item),
          dosage:
            item.dosage || request.dosageInstruction?.[0]?.text
              ? [{ text: item.dosage ?? request.dosageInstruction?.[0]?.text }]
              : undefined,
          note: noteOf(item),
        });
      } else if (item.drug) {
        create({
          resourceType: 'MedicationStatement',
          status: 'active',
          medicationCodeableConcept:
            'rxnorm' in item.drug
              ? concept(RXNORM, item.drug.rxnorm, item.drug.display)
              : { text: item.drug.text },
          ...common(item),
          dosage: item.dosage ? [{ text: item.dosage }] : undefined,
          note: noteOf(item),
        });
      }
    }

    if (req.items.some(takes)) {
      // The patient takes something: a "no known medications" statement no longer holds.
      for (const s of none) {
        update(s, { ...s, status: 'completed', effectivePeriod: { ...s.effectivePeriod, end: at } });
      }
    } else if (req.noMedications && none.length === 0) {
      create({
        resourceType: 'MedicationStatement',
        status: 'active',
        medicationCodeableConcept: concept(
          NO_MEDICATIONS.system,
          NO_MEDICATIONS.code,
          NO_MEDICATIONS.display
        ),
        ...common({ answer: 'not-taking', source: 'patient' }),
        effectivePeriod: { start: at },
      });
    }

    let provenance: string | undefined;
    if (writes.length > 0) {
      const record: Provenance = {
        resourceType: 'Provenance',
        target: writes.map((w) => ({ reference: `${w.resourceType}/${w.id}/_history/${w.versionId}` })),
        recorded: at,
        activity: concept('http://terminology.hl7.org/CodeSystem/v3-DataOperation', 'UPDATE', 'revise'),
        reason: [concept('http://terminology.hl7.org/CodeSystem/v3-ActReason', 'TREAT', 'treatment')],
        agent: [
          {
            type: concept(
              'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
              'author',
              'Author'
            ),
            who: authorOf(ctx),
          },
        ],
      };
      const write = planCreate(record);
      writes.push(write);
      provenance = `Provenance/${write.id}`;
    }
    await applyWrites(tx, ctx, writes);
    let reviewed: ReviewStamp | undefined;
    let encounter = visit.encounter;
    if (req.complete) {
      const stamped = await stampReviewedIn(tx, ctx, encounterId, 'medications', now);
      reviewed = stamped.stamp;
      encounter = stamped.encounter;
    }
    return { list: await medicationList(tx, ctx, patientId, encounter), provenance, reviewed };
  });
}
