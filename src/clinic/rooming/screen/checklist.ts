import type {
  Consent,
  DocumentReference,
  Encounter,
  Extension,
  Observation,
  QuestionnaireResponse,
} from '@medplum/fhirtypes';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { findById, findReferencing, localDate, refId } from '../../flow/visit.js';
import {
  CHECKLIST_BY_VISIT_TYPE,
  CHECKLIST_LABELS,
  HISTORY_LOINC,
  INTAKE_LOINC,
  LOINC,
  REVIEWED_URL,
  VITAL_LOINC,
  type ChecklistItem,
  type ChecklistItemId,
  type ReviewKind,
} from '../model.js';
import { dueFrom, recentScreening, yearBefore, type DueScreening } from '../screenings/due.js';
import { screeningHistory } from '../screenings/history.js';
import type { RoomingVisit } from '../visit.js';
import { isProcedureConsent } from '../procedures/consent.js';
import { allergyListAnswered } from '../review/allergies.js';
import { handTicksOf, isHandTickable } from './handTicks.js';

/**
 * The rooming checklist of a visit (docs/rooming/screen.md), computed from the visit's data by the conventions
 * of model.ts on every read (docs/decisions/0016-rooming.md): nothing about progress is stored except review
 * stamps and items ticked by hand, both extensions on the Encounter.
 */

/** The vital signs a visit needs before "Vital signs" is done, with the words the detail uses. */
export const REQUIRED_VITALS: readonly { label: string; codes: readonly string[] }[] = [
  // Blood pressure: the panel 85354-9 (components 8480-6/8462-4), or a systolic reading on its own.
  { label: 'BP', codes: [VITAL_LOINC.bloodPressure, VITAL_LOINC.systolic] },
  { label: 'HR', codes: [VITAL_LOINC.heartRate] },
  { label: 'temp', codes: [VITAL_LOINC.temperature] },
  { label: 'weight', codes: [VITAL_LOINC.weight] },
];

/**
 * Children under 3 years: no routine blood pressure (AAP Clinical Practice Guideline 2017, Flynn et al.,
 * Pediatrics 140(3): measured yearly from age 3; before that only for a risk the provider names) and no
 * pain score (the 0-10 scale is a self-report; a toddler's pain needs an observational scale such as FLACC,
 * which rooming does not record). An unknown age keeps both (ask rather than assume).
 */
export const INFANT_AGE_YEARS = 3;

/** The vital signs required for a patient of this age (whole years; undefined when unknown). */
export function requiredVitals(ageYears: number | undefined): typeof REQUIRED_VITALS {
  return ageYears !== undefined && ageYears < INFANT_AGE_YEARS
    ? REQUIRED_VITALS.filter((v) => v.label !== 'BP')
    : REQUIRED_VITALS;
}

/** Screening ids (screenings/due.ts) that have their own checklist item when that item is on the list. */
const OWN_ITEM_SCREENINGS: Partial<Record<string, ChecklistItemId>> = {
  'fall-risk': 'fall-risk',
  tobacco: 'tobacco',
};

/** Whole years of age on a local date, from a FHIR birth date (partial dates take the first day). */
export function ageInYears(birthDate: string | undefined, today: string): number | undefined {
  if (!birthDate) return undefined;
  const [by, bm = '01', bd = '01'] = birthDate.split('-');
  const [ty, tm, td] = today.split('-');
  const years = Number(ty) - Number(by);
  if (Number.isNaN(years)) return undefined;
  const beforeBirthday = Number(tm) < Number(bm) || (Number(tm) === Number(bm) && Number(td) < Number(bd));
  return beforeBirthday ? years - 1 : years;
}

/**
 * The items of the visit type's list that apply to the patient: pregnancy status for a patient of 12 to 50
 * (inclusive) who is not recorded as male (female, other, unknown: ask rather than assume; the screenings
 * panel shows its picker by the same rule), tobacco use from 12 or when the age is unknown (the panel's
 * tobaccoApplies and the due rule of screenings/due.ts), fall risk only from 65, pain not under 3 years
 * (INFANT_AGE_YEARS); screenings only when one is due (decided by the caller).
 */
export function applicableItems(
  visitType: string,
  patient: { gender?: string; ageYears?: number }
): ChecklistItemId[] {
  const list = CHECKLIST_BY_VISIT_TYPE[visitType] ?? CHECKLIST_BY_VISIT_TYPE['follow-up'];
  return list.filter((id) => {
    if (id === 'pregnancy') {
      return (
        patient.gender !== 'male' &&
        patient.ageYears !== undefined &&
        patient.ageYears >= 12 &&
        patient.ageYears <= 50
      );
    }
    if (id === 'fall-risk') {
      return patient.ageYears !== undefined && patient.ageYears >= 65;
    }
    if (id === 'tobacco') {
      return patient.ageYears === undefined || patient.ageYears >= 12;
    }
    if (id === 'pain') {
      return patient.ageYears === undefined || patient.ageYears >= INFANT_AGE_YEARS;
    }
    return true;
  });
}

export interface ReviewStamp {
  what: ReviewKind;
  at: string;
  by?: string;
}

/** The newest review stamp of each kind on the Encounter (REVIEWED_URL; the newest entry of a kind wins). */
export function reviewStamps(encounter: Encounter): Map<ReviewKind, ReviewStamp> {
  const stamps = new Map<ReviewKind, ReviewStamp>();
  for (const ext of encounter.extension ?? []) {
    if (ext.url !== REVIEWED_URL) continue;
    const sub = (url: string): Extension | undefined => ext.extension?.find((e) => e.url === url);
    const what = sub('what')?.valueCode as ReviewKind | undefined;
    const at = sub('at')?.valueDateTime;
    if (!what || !at) continue;
    const by = sub('by')?.valueReference?.display ?? sub('by')?.valueString;
    const previous = stamps.get(what);
    if (!previous || Date.parse(at) >= Date.parse(previous.at)) {
      stamps.set(what, { what, at, ...(by ? { by } : {}) });
    }
  }
  return stamps;
}

const VOID = new Set(['entered-in-error', 'cancelled']);

function hasCode(obs: Observation, codes: readonly string[]): boolean {
  return (obs.code?.coding ?? []).some(
    (c) => c.system === LOINC && c.code !== undefined && codes.includes(c.code)
  );
}

/** The questionnaire id of a response whose questionnaire is a canonical ".../Questionnaire/<id>[|version]". */
export function questionnaireIdOf(response: QuestionnaireResponse): string | undefined {
  const m = /\/Questionnaire\/([A-Za-z0-9\-.]+)(?:\|.*)?$/.exec(response.questionnaire ?? '');
  return m?.[1];
}

/** Whether a Consent belongs to the encounter: an extension pointing at it, or its signed document's context. */
export function consentOfEncounter(
  consent: Consent,
  encounterRef: string,
  documents: Map<string, DocumentReference>
): boolean {
  const pointsAt = (exts: Extension[] | undefined): boolean =>
    (exts ?? []).some(
      (e) =>
        refId(e.valueReference?.reference, 'Encounter') === encounterRef.split('/')[1] ||
        pointsAt(e.extension)
    );
  if (pointsAt(consent.extension)) return true;
  const docId = refId(consent.sourceReference?.reference, 'DocumentReference');
  const doc = docId ? documents.get(docId) : undefined;
  return (doc?.context?.encounter ?? []).some(
    (e) => e.reference === encounterRef || e.reference?.endsWith(`/${encounterRef}`)
  );
}

/** What the checklist reads of a visit: its records in this encounter and the due screenings. */
export interface VisitRecords {
  observations: Observation[];
  responses: QuestionnaireResponse[];
  consents: Consent[];
  screenings: DueScreening[];
  /**
   * When the patient's newest fall-risk screening of another visit within the last 12 months was done
   * (the window and the records of screenings/due.ts, which then does not offer the form again).
   */
  fallRiskScreenedAt?: string;
  /**
   * Whether the allergy list holds an active allergy or NKDA now (review/allergies.ts). A "reviewed" stamp on
   * a list emptied since (its NKDA entered in error) does not count. Undefined: not read (item not listed).
   */
  allergiesAnswered?: boolean;
}

/** The consent that stands: the newest by Consent.dateTime (then by meta.lastUpdated). */
export function newestConsent(consents: readonly Consent[]): Consent | undefined {
  const time = (value: string | undefined): number => {
    const ms = value ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? -Infinity : ms;
  };
  let newest: Consent | undefined;
  for (const consent of consents) {
    if (
      !newest ||
      time(consent.dateTime) > time(newest.dateTime) ||
      (time(consent.dateTime) === time(newest.dateTime) &&
        time(consent.meta?.lastUpdated) > time(newest.meta?.lastUpdated))
    ) {
      newest = consent;
    }
  }
  return newest;
}

/** Reads the visit's records the checklist looks at (each read through the caller's access). */
export async function visitRecords(
  conn: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  items: readonly ChecklistItemId[],
  now: Date
): Promise<VisitRecords> {
  const encounterRef = `Encounter/${visit.encounter.id}`;
  const observations = (
    await findReferencing<Observation>(conn, ctx, 'Observation', 'encounter', encounterRef)
  ).filter((o) => !VOID.has(o.status));
  const responses = (
    await findReferencing<QuestionnaireResponse>(
      conn,
      ctx,
      'QuestionnaireResponse',
      'encounter',
      encounterRef
    )
  ).filter((r) => r.status === 'completed' || r.status === 'amended');
  let consents: Consent[] = [];
  if (items.includes('consent')) {
    const all = (
      await findReferencing<Consent>(conn, ctx, 'Consent', 'patient', `Patient/${visit.patient.id}`)
    ).filter((c) => c.status !== 'entered-in-error' && isProcedureConsent(c));
    const documents = new Map<string, DocumentReference>();
    for (const consent of all) {
      const docId = refId(consent.sourceReference?.reference, 'DocumentReference');
      if (docId && !documents.has(docId)) {
        const doc = await findById<DocumentReference>(conn, ctx, 'DocumentReference', docId);
        if (doc) documents.set(docId, doc);
      }
    }
    consents = all.filter((c) => consentOfEncounter(c, encounterRef, documents));
  }
  // One read of the patient's screening history serves both "Screenings due" and fall risk, so the two
  // agree with what the screenings panel offers (screenings/due.ts).
  let screenings: DueScreening[] = [];
  let fallRiskScreenedAt: string | undefined;
  if (items.includes('screenings') || items.includes('fall-risk')) {
    const history = await screeningHistory(conn, ctx, visit.patient.id as string);
    if (items.includes('screenings')) screenings = dueFrom(visit, history, now);
    fallRiskScreenedAt = recentScreening(
      history,
      'fall-risk',
      visit.encounter.id,
      yearBefore(now).getTime()
    )?.at;
  }
  const allergiesAnswered = items.includes('allergies')
    ? await allergyListAnswered(conn, ctx, visit.patient.id as string)
    : undefined;
  return {
    observations,
    responses,
    consents,
    screenings,
    ...(fallRiskScreenedAt ? { fallRiskScreenedAt } : {}),
    ...(allergiesAnswered === undefined ? {} : { allergiesAnswered }),
  };
}

const list = (words: string[]): string => words.join(', ');

/** A checklist item as the rooming screen gets it. */
export interface RoomingChecklistItem extends ChecklistItem {
  /** Whether the MA may tick it by hand (HAND_TICKABLE_ITEMS, handTicks.ts): the web offers the tick by this. */
  tickable: boolean;
  /** Present when the item is done by a tick by hand: who ticked it and when (absent for older ticks). */
  ticked?: { by?: string; at?: string };
  /** Done, but the provider should read the chart before going on (a refused consent). */
  attention?: boolean;
}

/** "10:42" in the clinic's zone on the day itself, else "on 2026-11-26". */
function whenWords(at: string, today: string, timeZone: string): string {
  const day = localDate(at, timeZone);
  if (day !== today) return `on ${day}`;
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
  return `at ${time}`;
}

/**
 * The checklist from what was read (pure: tested with hand-made records). `today` is the clinic's local date;
 * `timeZone` its zone.
 */
export function buildChecklist(
  visit: Pick<RoomingVisit, 'encounter' | 'patient' | 'visitType'>,
  records: VisitRecords,
  today: string,
  timeZone: string
): RoomingChecklistItem[] {
  const ageYears = ageInYears(visit.patient.birthDate, today);
  const applicable = applicableItems(visit.visitType.code, { gender: visit.patient.gender, ageYears });
  const ticks = handTicksOf(visit.encounter);
  const stamps = reviewStamps(visit.encounter);
  const observationsWith = (codes: readonly string[]): Observation[] =>
    records.observations.filter((o) => hasCode(o, codes));
  const responded = (id: string): boolean => records.responses.some((r) => questionnaireIdOf(r) === id);
  const screenings = records.screenings.filter((s) => {
    const own = OWN_ITEM_SCREENINGS[s.id];
    return !(own && applicable.includes(own));
  });

  const items: RoomingChecklistItem[] = [];
  for (const id of applicable) {
    if (id === 'screenings' && screenings.length === 0) continue;
    let done = false;
    let detail: string | undefined;
    let attention = false;
    switch (id) {
      case 'vitals': {
        const required = requiredVitals(ageYears);
        const taken = required.filter((v) => observationsWith(v.codes).length > 0).map((v) => v.label);
        const missing = required.filter((v) => !taken.includes(v.label)).map((v) => v.label);
        done = missing.length === 0;
        detail =
          taken.length === 0
            ? `${list(missing)} missing`
            : missing.length === 0
              ? `${list(taken)} taken`
              : `${list(taken)} taken; ${list(missing)} missing`;
        break;
      }
      case 'pain':
        done = observationsWith([VITAL_LOINC.pain]).length > 0;
        break;
      case 'allergies':
      case 'medications':
      case 'pharmacy': {
        const stamp = stamps.get(id);
        if (id === 'allergies' && records.allergiesAnswered === false) {
          // Stamped before the list lost its last entry: reviewed no longer says anything true.
          detail = 'Nothing on the allergy list: record NKDA or an allergy';
        } else if (stamp && localDate(stamp.at, timeZone) === today) {
          done = true;
          detail = `Reviewed today${stamp.by ? ` by ${stamp.by}` : ''}`;
        } else if (stamp) {
          detail = `Last reviewed ${localDate(stamp.at, timeZone)}`;
        }
        break;
      }
      case 'screenings': {
        const open = screenings.filter((s) => !s.done);
        done = open.length === 0;
        detail = done
          ? `${list(screenings.map((s) => s.title))} done`
          : `${list(open.map((s) => s.title))} to do`;
        break;
      }
      case 'fall-risk':
        if (responded('fall-risk')) {
          done = true;
        } else if (records.fallRiskScreenedAt) {
          // screenings/due.ts does not offer the form again within 12 months: that screening counts.
          done = true;
          detail = `Screened ${localDate(records.fallRiskScreenedAt, timeZone)}; due again after 12 months`;
        }
        break;
      case 'tobacco':
        done = responded('tobacco') || observationsWith([HISTORY_LOINC.tobaccoSmokingStatus]).length > 0;
        break;
      case 'pregnancy':
        done = responded('pregnancy') || observationsWith([HISTORY_LOINC.pregnancyStatus]).length > 0;
        break;
      case 'chief-complaint':
        done = observationsWith([INTAKE_LOINC.chiefComplaint]).length > 0;
        break;
      case 'consent': {
        const consent = newestConsent(records.consents);
        if (consent) {
          // A refusal is a recorded decision (done), but the provider must read it before going on.
          done = true;
          attention = consent.provision?.type === 'deny';
          detail = attention ? 'Refused' : 'Signed';
        }
        break;
      }
    }
    const tick = ticks.get(id);
    let ticked: RoomingChecklistItem['ticked'];
    if (!done && tick) {
      done = true;
      ticked = { ...(tick.by ? { by: tick.by } : {}), ...(tick.at ? { at: tick.at } : {}) };
      const words = ['Ticked by hand', ...(tick.by ? [`by ${tick.by}`] : [])];
      if (tick.at) words.push(whenWords(tick.at, today, timeZone));
      detail = detail ? `${detail}; ${words.join(' ')}` : words.join(' ');
    }
    items.push({
      id,
      label: CHECKLIST_LABELS[id],
      done,
      ...(detail ? { detail } : {}),
      tickable: isHandTickable(id),
      ...(ticked ? { ticked } : {}),
      ...(attention ? { attention } : {}),
    });
  }
  return items;
}

/** What the checklist of a visit is built from: its records and the clinic's date and zone. */
export interface ChecklistInputs {
  records: VisitRecords;
  today: string;
  timeZone: string;
}

/** Reads the checklist's inputs once; dates are taken in the visit's zone (roomingVisitOf read it). */
export async function checklistInputs(
  conn: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  now: Date
): Promise<ChecklistInputs> {
  const { timeZone } = visit;
  const today = localDate(now, timeZone);
  const ageYears = ageInYears(visit.patient.birthDate, today);
  const items = applicableItems(visit.visitType.code, { gender: visit.patient.gender, ageYears });
  const records = await visitRecords(conn, ctx, visit, items, now);
  return { records, today, timeZone };
}

/** The checklist of a visit as the caller may see it. */
export async function roomingChecklist(
  conn: SqlConnection,
  ctx: RequestContext,
  visit: RoomingVisit,
  now: Date
): Promise<RoomingChecklistItem[]> {
  const { records, today, timeZone } = await checklistInputs(conn, ctx, visit, now);
  return buildChecklist(visit, records, today, timeZone);
}
