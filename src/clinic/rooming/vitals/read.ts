import type { Observation, Quantity } from '@medplum/fhirtypes';
import { assertAllowed } from '../../../auth/policy.js';
import { accessConditions } from '../../../store/access.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { SqlParams } from '../../../store/search/sqlParams.js';
import { findReferencing } from '../../flow/visit.js';
import { AS_ENTERED_URL, GROWTH_LOINC, LOINC, VITAL_LOINC } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { INTERPRETATION_SYSTEM, type Flag } from './ranges.js';

/**
 * The visit's vital signs as the MA's screen shows them (GET /api/rooming/encounters/:id/vitals): each reading
 * with the value as entered, the canonical value and unit, and its flag.
 */

export const CUFF_SIZE_URL = 'https://medassist.dev/fhir/StructureDefinition/blood-pressure-cuff-size';
export const CUFF_SIZE_SYSTEM = 'urn:medassist:blood-pressure-cuff-size';
export const TEMPERATURE_METHOD_SYSTEM = 'urn:medassist:temperature-method';
/** LOINC 8361-8 Body position with respect to gravity (a blood pressure component). */
export const BODY_POSITION_LOINC = '8361-8';
/** LOINC 3151-8 Inhaled oxygen flow rate (an SpO2 component, R4 oxygensat profile). */
export const OXYGEN_FLOW_LOINC = '3151-8';
/** The note of an SpO2 the MA said was on room air (a reading with neither it nor a flow says nothing). */
export const ROOM_AIR_NOTE = 'On room air';

export const SIGN_BY_LOINC: Record<string, string> = {
  ...Object.fromEntries(Object.entries(VITAL_LOINC).map(([sign, code]) => [code, sign])),
  ...Object.fromEntries(Object.entries(GROWTH_LOINC).map(([sign, code]) => [code, sign])),
};

export interface ReadingComponent {
  code: string;
  display: string;
  value: number;
  unit: string;
  flag?: Flag;
}

export interface VitalReading {
  id: string;
  /** model.ts VITAL_LOINC / GROWTH_LOINC key: bloodPressure, heartRate, ..., bmi, bmiPercentile. */
  sign: string;
  code: string;
  display: string;
  effective?: string;
  value?: number;
  /** UCUM code of the canonical unit. */
  unit?: string;
  asEntered?: string;
  flag?: Flag;
  /** Blood pressure: systolic and diastolic. */
  components?: ReadingComponent[];
  position?: string;
  arm?: string;
  cuff?: string;
  method?: string;
  /** SpO2: L/min of supplemental oxygen; absent on room air. */
  oxygenFlow?: number;
  /** SpO2 recorded as on room air (false: on oxygen, or not said, as in older or imported readings). */
  roomAir?: boolean;
  /** Ids of the Observations a derived value (BMI, percentile) came from. */
  derivedFrom?: string[];
  performer?: string;
}

function flagOf(concepts: Observation['interpretation']): Flag | undefined {
  const code = concepts?.[0]?.coding?.find((c) => c.system === INTERPRETATION_SYSTEM)?.code;
  return code as Flag | undefined;
}

function quantityValue(q: Quantity | undefined): { value?: number; unit?: string; asEntered?: string } {
  return {
    value: q?.value,
    unit: q?.code ?? q?.unit,
    asEntered: q?.extension?.find((e) => e.url === AS_ENTERED_URL)?.valueString,
  };
}

/** The view of one vital-sign Observation. */
export function readingOf(obs: Observation): VitalReading {
  const code = obs.code.coding?.find((c) => c.system === LOINC)?.code ?? '';
  const components = (obs.component ?? []).filter(
    (c) => c.valueQuantity && c.code.coding?.[0]?.code !== OXYGEN_FLOW_LOINC
  );
  const position = obs.component?.find((c) => c.code.coding?.[0]?.code === BODY_POSITION_LOINC);
  const flow = obs.component?.find((c) => c.code.coding?.[0]?.code === OXYGEN_FLOW_LOINC);
  const reading: VitalReading = {
    id: obs.id as string,
    sign: SIGN_BY_LOINC[code] ?? code,
    code,
    display: obs.code.text ?? obs.code.coding?.[0]?.display ?? code,
    effective: obs.effectiveDateTime,
    ...quantityValue(obs.valueQuantity),
    flag: flagOf(obs.interpretation),
    performer: obs.performer?.[0]?.display,
  };
  if (code === VITAL_LOINC.bloodPressure) {
    reading.components = components.map((c) => ({
      code: c.code.coding?.[0]?.code ?? '',
      display: c.code.coding?.[0]?.display ?? '',
      value: c.valueQuantity?.value as number,
      unit: c.valueQuantity?.code ?? '',
      flag: flagOf(c.interpretation),
    }));
    reading.position = position?.valueCodeableConcept?.text;
    reading.arm = obs.bodySite?.text;
    reading.cuff = obs.extension?.find((e) => e.url === CUFF_SIZE_URL)?.valueCodeableConcept?.coding?.[0]
      ?.code;
  }
  if (code === VITAL_LOINC.temperature) {
    reading.method = obs.method?.coding?.find((c) => c.system === TEMPERATURE_METHOD_SYSTEM)?.code;
  }
  if (code === VITAL_LOINC.oxygenSaturation) {
    reading.oxygenFlow = flow?.valueQuantity?.value;
    reading.roomAir = !flow && (obs.note ?? []).some((n) => n.text === ROOM_AIR_NOTE);
  }
  if (obs.derivedFrom) {
    reading.derivedFrom = obs.derivedFrom.map((r) => (r.reference ?? '').replace(/^Observation\//, ''));
  }
  return reading;
}

/** The order a set is shown in: as the form asks for the signs, derived values last. */
const SIGN_ORDER = [
  ...['bloodPressure', 'heartRate', 'respiratoryRate', 'temperature', 'oxygenSaturation'],
  ...['height', 'weight', 'headCircumference', 'pain', 'bmi'],
  ...Object.keys(GROWTH_LOINC),
];

function signRank(obs: Observation): number {
  const code = obs.code.coding?.find((c) => c.system === LOINC)?.code ?? '';
  const rank = SIGN_ORDER.indexOf(SIGN_BY_LOINC[code] ?? '');
  return rank < 0 ? SIGN_ORDER.length : rank;
}

const isVital = (obs: Observation): boolean =>
  (obs.category ?? []).some((c) => (c.coding ?? []).some((k) => k.code === 'vital-signs'));

/** The vital-sign Observations of an Encounter, oldest first. */
export async function encounterVitals(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<Observation[]> {
  const all = await findReferencing<Observation>(
    conn,
    ctx,
    'Observation',
    'encounter',
    `Encounter/${encounterId}`
  );
  return all
    .filter(isVital)
    .sort(
      (a, b) =>
        (a.effectiveDateTime ?? '').localeCompare(b.effectiveDateTime ?? '') ||
        signRank(a) - signRank(b) ||
        (a.id ?? '').localeCompare(b.id ?? '')
    );
}

/** Which of the patient's Observations `latestObservation` may pick. */
export interface LatestFilter {
  /** Not one taken at this Encounter (the weight-change rule compares with another visit). */
  notAtEncounter?: string;
  /** Only one taken at this Encounter ... */
  atEncounter?: string;
  /** ... or, with `atEncounter`, one taken at any visit since this instant (BMI: an adult's height). */
  orSince?: Date;
}

/**
 * The patient's newest Observation with this LOINC code and a positive value, as the caller may see it (the
 * weight-change rule's last weight, BMI's height), or undefined: one row from the database, not the patient's
 * whole history. Newest by effectiveDateTime (one without it comes last); entered-in-error and cancelled
 * ones do not count.
 */
export async function latestObservation(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string,
  code: string,
  filter: LatestFilter = {}
): Promise<Observation | undefined> {
  const p = new SqlParams(ctx.practiceId, 'Observation');
  const index = (param: string, value: string) =>
    `SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = '${param}' AND value = ${p.add(value)}`;
  const encounterOf = "COALESCE(r.content->'encounter'->>'reference', '')";
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    `r.id IN (${index('subject', `Patient/${patientId}`)})`,
    `r.id IN (${index('code', code)} AND system = ${p.add(LOINC)})`,
    "COALESCE(r.content->>'status', '') NOT IN ('entered-in-error', 'cancelled')",
    // A stored value is a JSON number (FHIR validation); the CASE keeps the cast from seeing anything else.
    "CASE WHEN jsonb_typeof(r.content->'valueQuantity'->'value') = 'number' THEN (r.content->'valueQuantity'->>'value')::numeric > 0 ELSE false END",
    ...accessConditions(ctx, 'search', 'Observation', 'r.resource_type', 'r.id', p),
  ];
  if (filter.notAtEncounter) {
    where.push(`${encounterOf} <> ${p.add(`Encounter/${filter.notAtEncounter}`)}`);
  }
  // ISO instants compare as text in the C collation (as the chart sorts them): an offset other than Z is off by
  // at most its hours, nothing next to 12 months. (Ordering by the indexed date instead costs a join whose
  // planning doubled the query's time.)
  const effective = '(r.content->>\'effectiveDateTime\') COLLATE "C"';
  if (filter.atEncounter) {
    const here = `${encounterOf} = ${p.add(`Encounter/${filter.atEncounter}`)}`;
    where.push(filter.orSince ? `(${here} OR ${effective} >= ${p.add(filter.orSince.toISOString())})` : here);
  }
  const result = await conn.query<{ content: Observation }>(
    `SELECT r.content FROM resource r WHERE ${where.join(' AND ')}
     ORDER BY ${effective} DESC NULLS LAST, r.id LIMIT 1`,
    p.values
  );
  return result.rows[0]?.content;
}

/** GET /api/rooming/encounters/:id/vitals: the visit's readings (404 for a visit out of reach). */
export async function visitVitals(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  now: Date
): Promise<{ patientId: string; readings: VitalReading[] }> {
  if (ctx.principal) assertAllowed(ctx.principal, 'search', 'Observation');
  const visit = await roomingVisitOf(db, ctx, encounterId, now);
  const observations = await encounterVitals(db, ctx, encounterId);
  return { patientId: visit.patient.id as string, readings: observations.map(readingOf) };
}
