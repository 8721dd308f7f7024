import type { AllergyIntolerance, Condition, Observation, Procedure, Resource } from '@medplum/fhirtypes';
import { assertAllowed } from '../../../auth/policy.js';
import { accessConditions } from '../../../store/access.js';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { SqlParams } from '../../../store/search/sqlParams.js';
import { SYSTEM, NO_KNOWN_DRUG_ALLERGY } from '../../demo/codes.js';
import { refId } from '../../flow/visit.js';
import { clinicTimeZone } from '../../flow/clinicZone.js';
import {
  BP_LOINC,
  dayOf,
  DEPRESSION_SCREEN_LOINC,
  FOBT_LOINC,
  HBA1C_LOINC,
  STOOL_DNA_LOINC,
  type GapFacts,
} from './rules.js';

/** The Observation codes the rules read: only these are loaded (a patient has hundreds of vital signs). */
const RULE_LOINC = [
  ...BP_LOINC,
  ...HBA1C_LOINC,
  ...DEPRESSION_SCREEN_LOINC,
  ...FOBT_LOINC,
  ...STOOL_DNA_LOINC,
];
/** SNOMED CT 716186003 "No known allergy", besides NKDA (codes.ts NO_KNOWN_DRUG_ALLERGY). */
const NO_KNOWN_ALLERGY = '716186003';

export interface PatientRecords {
  facts: GapFacts;
  /** Active problems with their codings (for handout suggestions and MedlinePlus links). */
  problems: Condition[];
  allergies: { count: number; nkda: boolean };
}

const CLINICAL_TYPES = ['Condition', 'Observation', 'Immunization', 'Procedure', 'AllergyIntolerance'];

/** 403 unless the caller reads the clinical record (the front desk does not). */
export function assertReadsClinical(ctx: RequestContext): void {
  if (ctx.principal) {
    for (const type of CLINICAL_TYPES) assertAllowed(ctx.principal, 'search', type);
  }
}

function isActiveCondition(c: Condition): boolean {
  const clinical = c.clinicalStatus?.coding?.map((k) => k.code) ?? [];
  const verification = c.verificationStatus?.coding?.map((k) => k.code) ?? [];
  const active =
    clinical.length === 0 || clinical.some((k) => ['active', 'recurrence', 'relapse'].includes(k ?? ''));
  return active && !verification.some((k) => k === 'entered-in-error' || k === 'refuted');
}

function isActiveAllergy(a: AllergyIntolerance): boolean {
  const clinical = a.clinicalStatus?.coding?.map((k) => k.code) ?? [];
  const verification = a.verificationStatus?.coding?.map((k) => k.code) ?? [];
  return (
    (clinical.length === 0 || clinical.includes('active')) &&
    !verification.some((k) => k === 'entered-in-error' || k === 'refuted')
  );
}

function loincOf(o: Observation): string | undefined {
  return o.code.coding?.find((c) => c.system === SYSTEM.loinc && c.code && RULE_LOINC.includes(c.code))?.code;
}

/**
 * Reads, in one statement, what the care-gap rules and the huddle sheet need about some patients, as the
 * caller may read it (access conditions in the SQL; restricted charts stay out). Records are dated in
 * `timeZone` (the site's, for the huddle sheet), by default the practice's (clinicTimeZone).
 */
export async function patientRecords(
  conn: SqlConnection,
  ctx: RequestContext,
  patients: readonly { id: string; birthDate?: string }[],
  timeZone?: string
): Promise<Map<string, PatientRecords>> {
  assertReadsClinical(ctx);
  const out = new Map<string, PatientRecords>();
  for (const p of patients) {
    out.set(p.id, {
      facts: { birthDate: p.birthDate, conditions: [], observations: [], immunizations: [], procedures: [] },
      problems: [],
      allergies: { count: 0, nkda: false },
    });
  }
  if (patients.length === 0) return out;
  const zone = timeZone ?? (await clinicTimeZone(conn, ctx.practiceId));
  const q = new SqlParams(ctx.practiceId);
  const ids = q.add(patients.map((p) => p.id));
  const parts = CLINICAL_TYPES.map((type) => {
    const t = q.add(type);
    const extra =
      type === 'Observation'
        ? `AND NOT (r.content->>'status' = ANY(${q.add(['entered-in-error', 'cancelled'])}::text[]))
           AND EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(r.content->'code'->'coding', '[]'::jsonb)) c
                       WHERE c->>'code' = ANY(${q.add(RULE_LOINC)}::text[]))`
        : type === 'Immunization' || type === 'Procedure'
          ? `AND r.content->>'status' = 'completed'`
          : '';
    return `SELECT r.content FROM resource r WHERE r.practice_id = $1 AND r.resource_type = ${t} AND NOT r.deleted
      AND r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = ${t}
                   AND param = 'patient' AND system = 'Patient' AND display = ANY(${ids}::text[]))
      ${extra}
      ${accessConditions(ctx, 'search', type, 'r.resource_type', 'r.id', q)
        .map((c) => `AND ${c}`)
        .join(' ')}`;
  });
  const result = await conn.query<{ content: Resource }>(parts.join('\nUNION ALL\n'), q.values);
  for (const { content } of result.rows) {
    const subject =
      content.resourceType === 'Immunization' || content.resourceType === 'AllergyIntolerance'
        ? content.patient?.reference
        : (content as Condition | Observation | Procedure).subject?.reference;
    const record = out.get(refId(subject, 'Patient') ?? '');
    if (!record) continue;
    switch (content.resourceType) {
      case 'Condition': {
        if (!isActiveCondition(content)) break;
        record.problems.push(content);
        record.facts.conditions.push({
          codes: (content.code?.coding ?? []).flatMap((c) =>
            c.code ? [{ system: c.system, code: c.code }] : []
          ),
        });
        break;
      }
      case 'Observation': {
        const code = loincOf(content);
        const date = dayOf(
          content.effectiveDateTime ?? content.effectivePeriod?.start ?? content.issued,
          zone
        );
        if (code && date) record.facts.observations.push({ code, date });
        break;
      }
      case 'Immunization': {
        const cvx = content.vaccineCode.coding?.find((c) => c.system === SYSTEM.cvx)?.code;
        const date = dayOf(content.occurrenceDateTime, zone);
        if (cvx && date) record.facts.immunizations.push({ cvx, date });
        break;
      }
      case 'Procedure': {
        const date = dayOf(content.performedDateTime ?? content.performedPeriod?.start, zone);
        for (const c of content.code?.coding ?? []) {
          if (c.system === SYSTEM.snomed && c.code && date)
            record.facts.procedures.push({ code: c.code, date });
        }
        break;
      }
      case 'AllergyIntolerance': {
        if (!isActiveAllergy(content)) break;
        const codes = content.code?.coding?.map((c) => c.code) ?? [];
        if (codes.includes(NO_KNOWN_DRUG_ALLERGY[0]) || codes.includes(NO_KNOWN_ALLERGY)) {
          record.allergies.nkda = true;
        } else {
          record.allergies.count++;
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}
