/**
 * Who may read and write what: the access matrix of docs/security/access-matrix.md, as data. The policy
 * (policy.ts) enforces exactly this table, the docs page is generated from it (`npm run docs:access`), and
 * test/auth/accessMatrix.int.test.ts has one test per cell. HIPAA's minimum-necessary rule is the guide:
 * the front desk does not read clinical data, the biller reads diagnoses and claims but not notes.
 */

export const ROLES = [
  'front-desk',
  'medical-assistant',
  'lead-ma',
  'provider',
  'biller',
  'practice-admin',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Permissions granted on top of roles, per user: emergency (break-glass) access to restricted charts, and
 * the privacy officer who is told of every emergency access and may read the audit trail.
 */
export const PERMISSIONS = ['emergency-access', 'privacy-officer'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** r = read (read, vread, history, search); w = create, update, patch; d = delete. */
export type Access = '' | 'r' | 'rw' | 'rwd';

/**
 * A group of resource types with the same sensitivity. A group may be narrowed by a category: then only
 * resources whose `category` search parameter has one of the codes belong to it (DocumentReference is split
 * into administrative documents, such as insurance cards and signed consents, and clinical notes).
 */
export interface DataGroup {
  label: string;
  types: readonly string[];
  category?: { param: string; codes: readonly string[] };
}

/**
 * Document categories the front desk handles (system urn:medassist:document-category). `consent` is for the
 * consents signed at the desk (consent to treat, privacy practices, financial policy: src/clinic/registration),
 * never for a procedure consent, which names a procedure and its risks (CLINICAL_DOCUMENT_CATEGORIES).
 */
export const ADMIN_DOCUMENT_CATEGORIES = [
  'insurance-card',
  'consent',
  'identification',
  'administrative',
] as const;
/**
 * Document categories that are clinical: a Consent or DocumentReference with one of these (and none of the
 * administrative ones) is in the `notes` group, out of the front desk's and the biller's reach. A procedure
 * consent or refusal (src/clinic/rooming/procedures/consent.ts) carries `procedure-consent`.
 */
export const PROCEDURE_CONSENT_CATEGORY = 'procedure-consent';
export const CLINICAL_DOCUMENT_CATEGORIES = [PROCEDURE_CONSENT_CATEGORY] as const;
export const DOCUMENT_CATEGORY_SYSTEM = 'urn:medassist:document-category';

export const DATA_GROUPS = {
  demographics: {
    label: 'Demographics (patients and their contacts)',
    types: ['Patient', 'RelatedPerson', 'Person'],
  },
  directory: {
    label: 'Practice directory (staff, sites, rooms, services)',
    types: [
      'Organization',
      'Location',
      'Practitioner',
      'PractitionerRole',
      'HealthcareService',
      'Endpoint',
      'Group',
    ],
  },
  scheduling: {
    label: 'Scheduling',
    types: ['Appointment', 'AppointmentResponse', 'Schedule', 'Slot'],
  },
  visits: {
    label: 'Visits (encounters)',
    types: ['Encounter', 'EpisodeOfCare', 'Flag'],
  },
  coverage: {
    label: 'Insurance coverage and eligibility',
    types: ['Coverage', 'CoverageEligibilityRequest', 'CoverageEligibilityResponse', 'InsurancePlan'],
  },
  billing: {
    label: 'Billing (claims, payments, accounts)',
    types: [
      'Account',
      'ChargeItem',
      'ChargeItemDefinition',
      'Claim',
      'ClaimResponse',
      'ExplanationOfBenefit',
      'Invoice',
      'PaymentReconciliation',
    ],
  },
  deskPayments: {
    label: 'Payments taken at the desk (co-pays and balances, each a PaymentNotice with its receipt number)',
    types: ['PaymentNotice'],
  },
  diagnoses: {
    label: 'Diagnoses and procedures (problem list, procedures done)',
    types: ['Condition', 'Procedure'],
  },
  clinical: {
    label: 'Clinical data (vitals, results, allergies, medications, immunizations, orders, care plans)',
    types: [
      'Observation',
      'DiagnosticReport',
      'AllergyIntolerance',
      'MedicationStatement',
      'MedicationRequest',
      'MedicationAdministration',
      'MedicationDispense',
      'Medication',
      'Immunization',
      'ImmunizationRecommendation',
      'ServiceRequest',
      'Specimen',
      'CarePlan',
      'CareTeam',
      'Goal',
      'FamilyMemberHistory',
      'QuestionnaireResponse',
      'RiskAssessment',
      'ClinicalImpression',
      'ImagingStudy',
      'Device',
      'DeviceRequest',
      'DeviceUseStatement',
      'NutritionOrder',
      'Media',
      'Provenance',
    ],
  },
  notes: {
    label:
      'Clinical notes and documents, procedure consents and refusals among them (anything outside the ' +
      'administrative categories)',
    types: ['DocumentReference', 'Composition', 'Binary', 'Consent'],
  },
  adminDocuments: {
    label: 'Administrative documents (insurance card images, consents signed at the desk, ID)',
    types: ['DocumentReference', 'Consent'],
    category: { param: 'category', codes: ADMIN_DOCUMENT_CATEGORIES },
  },
  messages: {
    label: 'Messages and tasks (inbox, amendment requests, notices)',
    types: ['Communication', 'CommunicationRequest', 'Task'],
  },
  definitions: {
    label: 'Definitions (questionnaires, value sets, order sets)',
    types: [
      'Questionnaire',
      'ValueSet',
      'CodeSystem',
      'ConceptMap',
      'ActivityDefinition',
      'PlanDefinition',
      'Library',
      'Measure',
      'StructureDefinition',
      'SearchParameter',
    ],
  },
  audit: {
    label: 'Audit trail (AuditEvent; read only for everyone, written by medassist itself)',
    types: ['AuditEvent'],
  },
} as const satisfies Record<string, DataGroup>;
export type GroupName = keyof typeof DATA_GROUPS;

/**
 * The matrix. Types in no group are reachable by no role (fail closed); API clients reach them only through
 * explicit SMART scopes naming the type.
 */
export const ACCESS_MATRIX: Record<Role, Record<GroupName, Access>> = {
  'front-desk': {
    demographics: 'rw',
    directory: 'r',
    scheduling: 'rw',
    visits: 'rw',
    coverage: 'rw',
    billing: '',
    deskPayments: 'rw',
    diagnoses: '',
    clinical: '',
    notes: '',
    adminDocuments: 'rw',
    messages: 'rw',
    definitions: 'r',
    audit: '',
  },
  'medical-assistant': {
    demographics: 'rw',
    directory: 'r',
    scheduling: 'rw',
    visits: 'rw',
    coverage: 'r',
    billing: '',
    deskPayments: 'rw',
    diagnoses: 'rw',
    clinical: 'rw',
    notes: 'rw',
    adminDocuments: 'rw',
    messages: 'rw',
    definitions: 'r',
    audit: '',
  },
  'lead-ma': {
    demographics: 'rwd',
    directory: 'rw',
    scheduling: 'rwd',
    visits: 'rwd',
    coverage: 'rw',
    billing: '',
    deskPayments: 'rw',
    diagnoses: 'rw',
    clinical: 'rwd',
    notes: 'rw',
    adminDocuments: 'rwd',
    messages: 'rwd',
    definitions: 'rw',
    audit: '',
  },
  provider: {
    demographics: 'rw',
    directory: 'r',
    scheduling: 'rw',
    visits: 'rw',
    coverage: 'r',
    billing: '',
    deskPayments: '',
    diagnoses: 'rwd',
    clinical: 'rwd',
    notes: 'rwd',
    adminDocuments: 'rw',
    messages: 'rwd',
    definitions: 'r',
    audit: '',
  },
  biller: {
    demographics: 'r',
    directory: 'r',
    scheduling: 'r',
    visits: 'r',
    coverage: 'rw',
    billing: 'rwd',
    deskPayments: 'rwd',
    diagnoses: 'r',
    clinical: '',
    notes: '',
    adminDocuments: 'r',
    messages: 'rw',
    definitions: 'r',
    audit: '',
  },
  'practice-admin': {
    demographics: 'rw',
    directory: 'rwd',
    scheduling: 'rwd',
    visits: 'r',
    coverage: 'r',
    billing: 'r',
    deskPayments: 'r',
    diagnoses: '',
    clinical: '',
    notes: '',
    adminDocuments: 'rwd',
    messages: 'rwd',
    definitions: 'rwd',
    audit: 'r',
  },
};

/** The security labels that make a chart restricted (FHIR R4 v3-Confidentiality: R restricted, V very restricted). */
export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const RESTRICTED_CODES = ['R', 'V'] as const;

/** How long a break-glass grant lasts. */
export const EMERGENCY_ACCESS_MINUTES = 60;
