import type { AllergyIntolerance, AllergyIntoleranceReaction, Encounter } from '@medplum/fhirtypes';
import { badRequest, conflict, notFound } from '../../../fhir/outcome.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { lockCurrent, planCreate, planUpdate } from '../../../store/repository.js';
import { applyWrites, type PendingWrite } from '../../../store/writes.js';
import { NO_KNOWN_DRUG_ALLERGY, SYSTEM } from '../../demo/codes.js';
import { findReferencing } from '../../flow/visit.js';
import { authorOf } from '../author.js';
import { RXNORM, SNOMED } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { findAllergen, findReaction } from './catalog.js';
import {
  concept,
  objectAt,
  optionalCode,
  optionalId,
  optionalPastDate,
  optionalText,
  patientOf,
  requiredCode,
  type Body,
} from './input.js';
import { reviewsOf, type ReviewStamp } from './reviewed.js';

/**
 * Allergies (issue 6 item 5): AllergyIntolerance records the MA adds, corrects or removes (entered-in-error),
 * and "No known drug allergies" as an explicit AllergyIntolerance (SNOMED 409137002, as the demo records it).
 * Rules: NKDA is refused (409) while an active drug allergy is on the list; a new active drug allergy makes
 * an active NKDA entry inactive and refuted in the same transaction. Each patient's allergy changes are
 * serialized on the Patient row, so an NKDA and a drug allergy recorded at the same moment cannot both stand.
 */

export const NKDA_CODE = NO_KNOWN_DRUG_ALLERGY[0];
export const NKDA_DISPLAY = NO_KNOWN_DRUG_ALLERGY[1];

export const ALLERGY_ACTIONS = ['add', 'update', 'nkda', 'entered-in-error'] as const;
const TYPES = ['allergy', 'intolerance'] as const;
const CATEGORIES = ['medication', 'food', 'environment', 'biologic'] as const;
const CRITICALITIES = ['low', 'high', 'unable-to-assess'] as const;
const SEVERITIES = ['mild', 'moderate', 'severe'] as const;
const CLINICAL = ['active', 'inactive', 'resolved'] as const;
const VERIFICATION = ['unconfirmed', 'confirmed', 'refuted'] as const;
const CODE_SYSTEMS = [RXNORM, SNOMED] as const;

const DISPLAY: Record<string, string> = {
  active: 'Active',
  inactive: 'Inactive',
  resolved: 'Resolved',
  unconfirmed: 'Unconfirmed',
  confirmed: 'Confirmed',
  refuted: 'Refuted',
  'entered-in-error': 'Entered in Error',
};

const clinical = (code: string) => concept(SYSTEM.allergyClinical, code, DISPLAY[code]);
const verification = (code: string) => concept(SYSTEM.allergyVerification, code, DISPLAY[code]);

export function isNkda(a: AllergyIntolerance): boolean {
  return (a.code?.coding ?? []).some((c) => c.system === SNOMED && c.code === NKDA_CODE);
}

function statusOf(a: AllergyIntolerance): { clinical?: string; verification?: string } {
  return {
    clinical: a.clinicalStatus?.coding?.[0]?.code,
    verification: a.verificationStatus?.coding?.[0]?.code,
  };
}

/** On the list: not entered in error and not refuted. */
function stands(a: AllergyIntolerance): boolean {
  const { verification: v } = statusOf(a);
  return v !== 'entered-in-error' && v !== 'refuted';
}

/** An active, standing entry (an allergy with no clinicalStatus counts as active: R4 allows it absent). */
function activeEntry(a: AllergyIntolerance): boolean {
  const { clinical: c } = statusOf(a);
  return stands(a) && (c === undefined || c === 'active');
}

export function isActiveDrugAllergy(a: AllergyIntolerance): boolean {
  return activeEntry(a) && !isNkda(a) && (a.category ?? []).includes('medication');
}

// ---------- reading ----------

export interface AllergyView {
  id: string;
  versionId?: string;
  text: string;
  code?: { system: string; code: string };
  nkda: boolean;
  type?: string;
  category: string[];
  criticality?: string;
  clinicalStatus?: string;
  verificationStatus?: string;
  reactions: { text: string; code?: string; severity?: string }[];
  onset?: string;
  recordedDate?: string;
  recorder?: string;
  note?: string;
}

export interface AllergyList {
  patientId: string;
  /** Standing entries: active first, then inactive and resolved; each group by text. */
  allergies: AllergyView[];
  /** An active "No known drug allergies" entry stands. */
  nkda: boolean;
  /** Nothing recorded at all (neither an allergy nor NKDA): the MA must ask. */
  empty: boolean;
  /** The visit's stamp, when the list was asked for a visit. */
  reviewed?: ReviewStamp;
}

export function allergyView(a: AllergyIntolerance): AllergyView {
  const coding = a.code?.coding?.[0];
  const { clinical: c, verification: v } = statusOf(a);
  return {
    id: a.id as string,
    versionId: a.meta?.versionId,
    text: a.code?.text ?? coding?.display ?? 'Unnamed allergy',
    code: coding?.system && coding.code ? { system: coding.system, code: coding.code } : undefined,
    nkda: isNkda(a),
    type: a.type,
    category: a.category ?? [],
    criticality: a.criticality,
    clinicalStatus: c,
    verificationStatus: v,
    reactions: (a.reaction ?? []).flatMap((r) =>
      (r.manifestation ?? []).map((m) => ({
        text: m.text ?? m.coding?.[0]?.display ?? 'Reaction',
        code: m.coding?.[0]?.code,
        severity: r.severity,
      }))
    ),
    onset: a.onsetDateTime ?? a.onsetString,
    recordedDate: a.recordedDate,
    recorder: a.recorder?.display,
    note: a.note?.[0]?.text,
  };
}

const RANK: Record<string, number> = { active: 0, inactive: 1, resolved: 2 };

export function sortAllergies(list: AllergyView[]): AllergyView[] {
  return [...list].sort(
    (a, b) =>
      (RANK[a.clinicalStatus ?? 'active'] ?? 3) - (RANK[b.clinicalStatus ?? 'active'] ?? 3) ||
      a.text.localeCompare(b.text)
  );
}

async function allergiesOf(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<AllergyIntolerance[]> {
  return findReferencing<AllergyIntolerance>(
    conn,
    ctx,
    'AllergyIntolerance',
    'patient',
    `Patient/${patientId}`
  );
}

/** The patient's allergy list (GET /api/rooming/patients/:id/allergies); with a visit, its review stamp. */
export async function allergyList(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  encounter?: Encounter
): Promise<AllergyList> {
  await patientOf(conn, ctx, patientId);
  const all = await allergiesOf(conn, ctx, patientId);
  const standing = all.filter(stands);
  return {
    patientId,
    allergies: sortAllergies(standing.map(allergyView)),
    nkda: standing.some((a) => isNkda(a) && activeEntry(a)),
    empty: standing.length === 0,
    reviewed: encounter ? reviewsOf(encounter).allergies : undefined,
  };
}

/**
 * Whether the allergy list says something a provider can rely on: an active allergy or an active "no known
 * drug allergies" entry. "Allergies reviewed" on a list without one would read as NKDA (markReviewed.ts).
 */
export async function allergyListAnswered(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<boolean> {
  return (await allergiesOf(conn, ctx, patientId)).some(activeEntry);
}

// ---------- writing ----------

export type AllergyAction = (typeof ALLERGY_ACTIONS)[number];

export interface AllergyRequest {
  action: AllergyAction;
  id?: string;
  /** update / entered-in-error: the entry's versionId as the MA read it (its `versionId` in the list). */
  version?: string;
  body: Body;
}

export function parseAllergyRequest(value: unknown): AllergyRequest {
  const body = objectAt(value ?? {}, 'body');
  const action = requiredCode(body.action, ALLERGY_ACTIONS, 'action');
  const id = optionalId(body.id, 'id');
  if ((action === 'update' || action === 'entered-in-error') && !id) {
    throw badRequest(`${action} needs the id of the AllergyIntolerance`, 'id');
  }
  // A change to an entry names the version it was made from, so a second MA's edit never silently replaces
  // the first's (reactions, status): a stale version is a 409 (recordAllergy).
  let version: string | undefined;
  if (action === 'update' || action === 'entered-in-error') {
    if (typeof body.version !== 'string' || !/^\d{1,9}$/.test(body.version)) {
      throw badRequest(`${action} needs version: the versionId of the entry as you read it`, 'version');
    }
    version = body.version;
  }
  return { action, id, version, body };
}

/** The substance: a catalog code ({system, code}) or free text ({text}). */
function substanceOf(value: unknown): {
  code: AllergyIntolerance['code'];
  category?: AllergyIntolerance['category'];
  type?: AllergyIntolerance['type'];
} {
  const s = objectAt(value, 'substance');
  if (s.code !== undefined) {
    const system = requiredCode(s.system, CODE_SYSTEMS, 'substance.system');
    if (typeof s.code !== 'string') throw badRequest('substance.code must be a code', 'substance.code');
    if (system === SNOMED && s.code === NKDA_CODE) {
      throw badRequest('record "no known drug allergies" with action nkda', 'substance.code');
    }
    const entry = findAllergen(system, s.code);
    if (!entry) {
      throw badRequest(
        `${s.code} is not in the allergen catalog: choose one from the list or type the substance as text`,
        'substance.code'
      );
    }
    return {
      code: concept(entry.system, entry.code, entry.display),
      category: [entry.category],
      type: entry.type,
    };
  }
  const text = optionalText(s.text, 'substance.text', 200);
  if (!text) throw badRequest('substance needs a catalog code or text', 'substance');
  return { code: { text } };
}

function reactionsOf(value: unknown): AllergyIntoleranceReaction[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 10) {
    throw badRequest('reaction must be a list of at most 10 reactions', 'reaction');
  }
  return value.map((item, i) => {
    const r = objectAt(item, `reaction[${i}]`);
    const field = `reaction[${i}].manifestation`;
    const m = objectAt(r.manifestation, field);
    let manifestation;
    if (m.code !== undefined) {
      const entry = typeof m.code === 'string' ? findReaction(m.code) : undefined;
      if (!entry) throw badRequest(`${String(m.code)} is not a reaction in the catalog`, `${field}.code`);
      manifestation = concept(SNOMED, entry.code, entry.display);
    } else {
      const text = optionalText(m.text, `${field}.text`, 200);
      if (!text) throw badRequest('a reaction needs a catalog code or text', field);
      manifestation = { text };
    }
    const severity = optionalCode(r.severity, SEVERITIES, `reaction[${i}].severity`);
    return { manifestation: [manifestation], ...(severity ? { severity } : {}) };
  });
}

/** The fields of an add or update, applied over `base` (only the fields the body names change). */
function applyFields(base: AllergyIntolerance, body: Body, now: Date, adding: boolean): AllergyIntolerance {
  const next: AllergyIntolerance = { ...base };
  if (body.substance !== undefined || adding) {
    const s = substanceOf(body.substance);
    next.code = s.code;
    if (s.category) next.category = s.category;
    if (s.type) next.type = s.type;
  }
  const type = optionalCode(body.type, TYPES, 'type');
  if (type) next.type = type;
  const category = optionalCode(body.category, CATEGORIES, 'category');
  if (category) next.category = [category];
  // A typed substance has no catalog category; entries recorded elsewhere without one may still be edited.
  if (adding && !next.category?.length) {
    throw badRequest('category is required for a substance typed as text', 'category');
  }
  const criticality = optionalCode(body.criticality, CRITICALITIES, 'criticality');
  if (criticality) next.criticality = criticality;
  const reaction = reactionsOf(body.reaction);
  if (reaction?.length) next.reaction = reaction;
  else if (reaction) delete next.reaction;
  const c = optionalCode(body.clinicalStatus, CLINICAL, 'clinicalStatus');
  const v = optionalCode(body.verificationStatus, VERIFICATION, 'verificationStatus');
  if (c || adding) next.clinicalStatus = clinical(c ?? 'active');
  if (v || adding) next.verificationStatus = verification(v ?? 'unconfirmed');
  const onset = optionalPastDate(body.onset, 'onset', now);
  if (onset) next.onsetDateTime = onset;
  const note = optionalText(body.note, 'note', 1000);
  if (note) next.note = [{ text: note, time: now.toISOString() }];
  return next;
}

export interface AllergySaved {
  allergy: AllergyView;
  /** Other entries changed with it (an NKDA entry refuted by a new drug allergy). */
  changed: AllergyView[];
  list: AllergyList;
}

/**
 * Adds, corrects, records NKDA or removes (entered-in-error) an allergy for the visit's patient
 * (POST /api/rooming/encounters/:id/allergies), in one transaction.
 */
export function recordAllergy(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  req: AllergyRequest,
  now = new Date()
): Promise<AllergySaved> {
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    const patientId = visit.patient.id as string;
    // Serializes this patient's allergy changes (the NKDA rule reads the list, then writes).
    await lockCurrent(tx, ctx, 'Patient', patientId);
    const existing = await allergiesOf(tx, ctx, patientId);
    const common = {
      patient: { reference: `Patient/${patientId}` },
      encounter: { reference: `Encounter/${encounterId}` },
      recorder: authorOf(ctx),
      recordedDate: now.toISOString(),
    };
    const writes: PendingWrite[] = [];
    let saved: AllergyIntolerance;
    const changed: AllergyIntolerance[] = [];

    if (req.action === 'nkda') {
      const drug = existing.find(isActiveDrugAllergy);
      if (drug) {
        throw conflict(
          `an active drug allergy is recorded (${allergyView(drug).text}): mark it inactive or entered in error before recording no known drug allergies`,
          'action'
        );
      }
      const standing = existing.find((a) => isNkda(a) && activeEntry(a));
      if (standing) {
        saved = standing;
      } else {
        const write = planCreate({
          resourceType: 'AllergyIntolerance',
          ...common,
          clinicalStatus: clinical('active'),
          verificationStatus: verification('confirmed'),
          category: ['medication'],
          code: concept(SNOMED, NKDA_CODE, NKDA_DISPLAY),
        });
        writes.push(write);
        saved = write.content as AllergyIntolerance;
      }
    } else if (req.action === 'add') {
      const next = applyFields({ resourceType: 'AllergyIntolerance', ...common }, req.body, now, true);
      const code = next.code?.coding?.[0];
      const duplicate = existing.find(
        (a) =>
          activeEntry(a) &&
          (code
            ? (a.code?.coding ?? []).some((c) => c.system === code.system && c.code === code.code)
            : a.code?.text?.toLowerCase() === next.code?.text?.toLowerCase())
      );
      if (duplicate) {
        throw conflict(
          `${allergyView(duplicate).text} is already on the list: update that entry instead`,
          'substance'
        );
      }
      const write = planCreate(next);
      writes.push(write);
      saved = write.content as AllergyIntolerance;
    } else {
      const current = existing.find((a) => a.id === req.id);
      if (!current) {
        throw notFound(`AllergyIntolerance/${req.id} is not on this patient's list`);
      }
      // The Patient row lock above serializes this patient's allergy changes, so the version read here is
      // the one the update replaces.
      const currentVersion = current.meta?.versionId ?? '1';
      if (currentVersion !== req.version) {
        throw conflict(
          `${allergyView(current).text} was changed since you read it (now version ${currentVersion}): read the list again`,
          'version'
        );
      }
      let next: AllergyIntolerance;
      if (req.action === 'entered-in-error') {
        // R4 ait-2: an entry in error has no clinicalStatus.
        const { clinicalStatus: _gone, ...rest } = current;
        next = { ...rest, verificationStatus: verification('entered-in-error'), recorder: common.recorder };
        const reason = optionalText(req.body.note, 'note', 1000);
        if (reason) next.note = [...(current.note ?? []), { text: reason, time: now.toISOString() }];
      } else {
        if (isNkda(current)) {
          throw badRequest('"no known drug allergies" is not edited: mark it entered in error instead', 'id');
        }
        if (statusOf(current).verification === 'entered-in-error') {
          throw conflict('this entry was marked entered in error', 'id');
        }
        next = { ...applyFields(current, req.body, now, false), recorder: common.recorder };
        if (!next.encounter) next.encounter = common.encounter;
      }
      const write = planUpdate(next, current.id as string, {
        version_id: Number(current.meta?.versionId ?? 1),
        deleted: false,
        content: current,
      });
      if (write) writes.push(write);
      saved = (write?.content as AllergyIntolerance | undefined) ?? current;
    }

    // A new or reactivated drug allergy ends an active NKDA entry.
    if (req.action !== 'nkda' && req.action !== 'entered-in-error' && isActiveDrugAllergy(saved)) {
      for (const nkda of existing.filter((a) => isNkda(a) && activeEntry(a))) {
        const write = planUpdate(
          {
            ...nkda,
            clinicalStatus: clinical('inactive'),
            verificationStatus: verification('refuted'),
            recorder: common.recorder,
          },
          nkda.id as string,
          { version_id: Number(nkda.meta?.versionId ?? 1), deleted: false, content: nkda }
        );
        if (write) {
          writes.push(write);
          changed.push(write.content as AllergyIntolerance);
        }
      }
    }
    await applyWrites(tx, ctx, writes);
    return {
      allergy: allergyView(saved),
      changed: changed.map(allergyView),
      list: await allergyList(tx, ctx, patientId, visit.encounter),
    };
  });
}
