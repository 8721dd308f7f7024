import type { AuditEvent, AuditEventEntity, Resource } from '@medplum/fhirtypes';
import type { Principal } from '../principal.js';

/**
 * One audit record as stored (table audit_event, migration 005): the FHIR AuditEvent plus the columns the
 * report filters and sorts on. seq, prev_hash and hash are set by the database (the hash chain).
 */
export interface AuditRow {
  recorded: string;
  /** FHIR AuditEvent.action: C create, R read/view/print, U update, D delete, E execute (query, sign-in, export). */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  /** What happened, in words a report shows: read, search, create, update, delete, export, print, sign-in... */
  subtype: string;
  /** FHIR AuditEvent.outcome: 0 success, 4 minor failure (refused), 8 serious failure. */
  outcome: '0' | '4' | '8';
  user_id: string | null;
  user_name: string | null;
  patient_ids: string[];
  /** The kind of data touched (ASTM E2147), e.g. "vital signs", "medication list". */
  category: string | null;
  /** The main resource touched, Type/id/_history/version when known. */
  entity: string | null;
  event: AuditEvent;
}

/** The audit classes a practice can switch (ONC (d)(2)); writes, sign-ins, emergency access and setting changes are always recorded. */
export const AUDIT_CLASSES = ['read', 'search', 'export', 'print'] as const;
export type AuditClass = (typeof AUDIT_CLASSES)[number];
export type AuditSettings = Record<AuditClass, boolean>;
export const DEFAULT_AUDIT_SETTINGS: AuditSettings = { read: true, search: true, export: true, print: true };

const RESTFUL = 'http://hl7.org/fhir/restful-interaction';
const SUBTYPE_SYSTEM = 'urn:medassist:audit-subtype';

/** The kind of data a resource holds, in the clinic's words (ASTM E2147 "type of data"). */
export function dataCategory(type: string, resource?: Resource): string {
  if (type === 'Observation' && resource) {
    const codes = ((resource as { category?: { coding?: { code?: string }[] }[] }).category ?? []).flatMap(
      (c) => (c.coding ?? []).map((x) => x.code)
    );
    if (codes.includes('vital-signs')) return 'vital signs';
    if (codes.includes('laboratory')) return 'lab results';
    if (codes.includes('survey')) return 'screenings';
    if (codes.includes('social-history')) return 'social history';
  }
  return CATEGORY_BY_TYPE[type] ?? type;
}

const CATEGORY_BY_TYPE: Record<string, string> = {
  Patient: 'demographics',
  RelatedPerson: 'demographics',
  Observation: 'observations',
  DiagnosticReport: 'lab results',
  AllergyIntolerance: 'allergy list',
  MedicationStatement: 'medication list',
  MedicationRequest: 'medication list',
  MedicationAdministration: 'medication administration',
  Immunization: 'immunizations',
  Condition: 'problem list',
  Procedure: 'procedures',
  Encounter: 'visits',
  Appointment: 'appointments',
  Coverage: 'insurance',
  Claim: 'claims',
  DocumentReference: 'documents',
  Consent: 'consents',
  Communication: 'messages',
  Task: 'tasks',
  AuditEvent: 'audit trail',
};

/** The patients a resource belongs to: itself if a Patient, else the Patient references it holds. */
export function patientsOf(resource: Resource | null | undefined): string[] {
  if (!resource) {
    return [];
  }
  if (resource.resourceType === 'Patient') {
    return resource.id ? [resource.id] : [];
  }
  const out = new Set<string>();
  for (const key of ['subject', 'patient', 'beneficiary', 'for', 'individual']) {
    const ref = (resource as unknown as Record<string, unknown>)[key] as { reference?: string } | undefined;
    const m = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref?.reference ?? '');
    if (m) {
      out.add(m[1]);
    }
  }
  return [...out];
}

export interface AuditInput {
  principal: Principal | undefined;
  action: AuditRow['action'];
  subtype: string;
  outcome?: AuditRow['outcome'];
  /** Resources touched: "Type/id" or "Type/id/_history/v", with the resource when at hand. */
  entities?: { reference: string; resource?: Resource; priorVersion?: string }[];
  patients?: string[];
  category?: string;
  /** Free text: the reason given for emergency access, the query of a search, the setting changed. */
  description?: string;
  /** The search or export query, kept as text (FHIR puts it base64 in entity.query). */
  query?: string;
  /** High priority events (emergency access) are flagged for the privacy officer. */
  emergency?: boolean;
  recorded?: Date;
}

/** Builds the FHIR AuditEvent and its report columns. */
export function auditRow(input: AuditInput): AuditRow {
  const recorded = (input.recorded ?? new Date()).toISOString();
  const p = input.principal;
  const entities: AuditEventEntity[] = [];
  const patients = new Set(input.patients ?? []);
  for (const e of input.entities ?? []) {
    patientsOf(e.resource).forEach((id) => patients.add(id));
    entities.push({
      what: { reference: e.reference },
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
        code: '2',
        display: 'System Object',
      },
      ...(e.priorVersion ? { detail: [{ type: 'prior-version', valueString: e.priorVersion }] } : {}),
    });
  }
  for (const id of patients) {
    entities.push({
      what: { reference: `Patient/${id}` },
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
        code: '1',
        display: 'Person',
      },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
    });
  }
  if (input.query !== undefined) {
    entities.push({
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
        code: '2',
        display: 'System Object',
      },
      query: Buffer.from(input.query, 'utf8').toString('base64'),
      description: 'query',
    });
  }
  const first = input.entities?.[0];
  const category =
    input.category ?? (first ? dataCategory(first.reference.split('/')[0], first.resource) : null);
  const restful = [
    'read',
    'vread',
    'search-type',
    'history-instance',
    'history-type',
    'create',
    'update',
    'patch',
    'delete',
  ];
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    type: restful.includes(input.subtype)
      ? {
          system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
          code: 'rest',
          display: 'RESTful Operation',
        }
      : {
          system: 'http://dicom.nema.org/resources/ontology/DCM',
          code: '110114',
          display: 'User Authentication',
        },
    subtype: [{ system: restful.includes(input.subtype) ? RESTFUL : SUBTYPE_SYSTEM, code: input.subtype }],
    action: input.action,
    recorded,
    outcome: input.outcome ?? '0',
    ...(input.description ? { outcomeDesc: input.description } : {}),
    ...(input.emergency
      ? {
          purposeOfEvent: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
                  code: 'ETREAT',
                  display: 'Emergency Treatment',
                },
              ],
            },
          ],
        }
      : {}),
    agent: [
      {
        who: p
          ? { identifier: { system: `urn:medassist:${p.kind}`, value: p.id }, display: p.name }
          : { display: 'anonymous' },
        requestor: true,
        ...(p?.address ? { network: { address: p.address, type: '2' as const } } : {}),
      },
    ],
    source: { observer: { display: 'medassist' } },
    ...(entities.length > 0 ? { entity: entities } : {}),
  };
  return {
    recorded,
    action: input.action,
    subtype: input.subtype,
    outcome: input.outcome ?? '0',
    user_id: p?.id ?? null,
    user_name: p?.name ?? null,
    patient_ids: [...patients],
    category,
    entity: first?.reference ?? null,
    event,
  };
}

/** The INSERT of audit rows passed as one JSON array parameter; the trigger fills seq and the hash chain. */
export function insertAuditSql(practiceParam: string, rowsParam: string): string {
  return `INSERT INTO audit_event (practice_id, seq, recorded, action, subtype, outcome, user_id, user_name, patient_ids, category, entity, event, prev_hash, hash)
    SELECT ${practiceParam}, 0, a.recorded, a.action, a.subtype, a.outcome, a.user_id, a.user_name,
      ARRAY(SELECT jsonb_array_elements_text(a.patient_ids)), a.category, a.entity, a.event, '', ''
    FROM jsonb_to_recordset(${rowsParam}::jsonb) AS a(recorded timestamptz, action text, subtype text, outcome text,
      user_id text, user_name text, patient_ids jsonb, category text, entity text, event jsonb)`;
}
