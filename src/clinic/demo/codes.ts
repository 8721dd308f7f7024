/** Code systems and the small clinical catalogs the demo draws from. */
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

export const SYSTEM = {
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  mrn: 'urn:medassist:mrn',
  staffId: 'urn:medassist:staff',
  subscriberId: 'urn:medassist:subscriber',
  visitType: 'urn:medassist:visit-type',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  degree: 'http://terminology.hl7.org/CodeSystem/v2-0360|2.7',
  practitionerRole: 'http://terminology.hl7.org/CodeSystem/practitioner-role',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  locationType: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
  payerType: 'https://nahdo.org/sopt',
  coverageClass: 'http://terminology.hl7.org/CodeSystem/coverage-class',
  subscriberRelationship: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  route: 'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration',
  immunizationFunction: 'http://terminology.hl7.org/CodeSystem/v2-0443',
  appointmentReason: 'http://terminology.hl7.org/CodeSystem/v2-0276',
  serviceCategory: 'http://terminology.hl7.org/CodeSystem/service-category',
  serviceType: 'http://terminology.hl7.org/CodeSystem/service-type',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  language: 'urn:ietf:bcp:47',
} as const;

/** A CodeableConcept with one coding whose display doubles as the text. */
export function concept(system: string, code: string, display: string): CodeableConcept {
  return { coding: [{ system, code, display }], text: display };
}

export function coding(system: string, code: string, display: string): Coding {
  return { system, code, display };
}

/** An RxNorm clinical drug (SCD) as the demo prescribes it. */
export interface DrugDef {
  readonly rxnorm: string;
  readonly display: string;
  readonly sig: string;
}

// RxNorm CUIs checked against Synthea's medication modules and sample records (shared/data/synthea-r4).
export const DRUGS = {
  lisinopril10: {
    rxnorm: '314076',
    display: 'lisinopril 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
  },
  amlodipine5: {
    rxnorm: '197361',
    display: 'amlodipine 5 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
  },
  hydrochlorothiazide25: {
    rxnorm: '310798',
    display: 'Hydrochlorothiazide 25 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every morning',
  },
  metforminEr500: {
    rxnorm: '860975',
    display: '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet',
    sig: 'Take 1 tablet by mouth daily with the evening meal',
  },
  atorvastatin20: {
    rxnorm: '617310',
    display: 'atorvastatin 20 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth at bedtime',
  },
  atorvastatin40: {
    rxnorm: '617311',
    display: 'atorvastatin 40 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth at bedtime',
  },
  simvastatin10: {
    rxnorm: '314231',
    display: 'Simvastatin 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth at bedtime',
  },
  rosuvastatin10: {
    rxnorm: '859747',
    display: 'rosuvastatin calcium 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily',
  },
  albuterolInhaler: {
    rxnorm: '745679',
    display: '200 ACTUAT Albuterol 0.09 MG/ACTUAT Metered Dose Inhaler',
    sig: 'Inhale 2 puffs every 4 to 6 hours as needed for wheezing',
  },
  loratadine10: {
    rxnorm: '311372',
    display: 'Loratadine 10 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth once daily as needed',
  },
  acetaminophen325: {
    rxnorm: '313782',
    display: 'Acetaminophen 325 MG Oral Tablet',
    sig: 'Take 2 tablets by mouth every 6 hours as needed for pain',
  },
  ibuprofen200: {
    rxnorm: '310965',
    display: 'Ibuprofen 200 MG Oral Tablet',
    sig: 'Take 2 tablets by mouth every 8 hours as needed with food',
  },
  naproxen220: {
    rxnorm: '849574',
    display: 'Naproxen sodium 220 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every 12 hours as needed with food',
  },
  amoxicillin500: {
    rxnorm: '308192',
    display: 'Amoxicillin 500 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth 3 times daily for 10 days',
  },
  amoxicillinClavulanate: {
    rxnorm: '562251',
    display: 'Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet',
    sig: 'Take 1 tablet by mouth every 8 hours for 10 days',
  },
} as const satisfies Record<string, DrugDef>;

/** A diagnosis with its SNOMED CT concept and ICD-10-CM code, and who tends to have it. */
export interface ProblemDef {
  readonly key: string;
  readonly snomed: readonly [string, string];
  readonly icd10: readonly [string, string];
  /** Chronic problems stay active on the problem list; the rest are resolved visit diagnoses. */
  readonly chronic: boolean;
  readonly minAge: number;
  readonly maxAge: number;
  readonly sex?: 'female';
  /** Chance of having it, by age band: [under 18, 18-44, 45-64, 65 and over]. */
  readonly prevalence: readonly [number, number, number, number];
  /** Visits per year it brings (chronic problems). */
  readonly followUpsPerYear?: number;
  readonly drugs?: readonly DrugDef[];
}

export const PROBLEMS: readonly ProblemDef[] = [
  {
    key: 'hypertension',
    snomed: ['59621000', 'Essential hypertension'],
    icd10: ['I10', 'Essential (primary) hypertension'],
    chronic: true,
    minAge: 18,
    maxAge: 120,
    prevalence: [0, 0.1, 0.35, 0.55],
    followUpsPerYear: 2,
    drugs: [DRUGS.lisinopril10, DRUGS.amlodipine5, DRUGS.hydrochlorothiazide25],
  },
  {
    key: 'diabetes',
    snomed: ['44054006', 'Diabetes mellitus type 2'],
    icd10: ['E11.9', 'Type 2 diabetes mellitus without complications'],
    chronic: true,
    minAge: 25,
    maxAge: 120,
    prevalence: [0, 0.04, 0.14, 0.22],
    followUpsPerYear: 3,
    drugs: [DRUGS.metforminEr500],
  },
  {
    key: 'hyperlipidemia',
    snomed: ['55822004', 'Hyperlipidemia'],
    icd10: ['E78.5', 'Hyperlipidemia, unspecified'],
    chronic: true,
    minAge: 25,
    maxAge: 120,
    prevalence: [0, 0.06, 0.28, 0.4],
    followUpsPerYear: 1,
    drugs: [DRUGS.atorvastatin20, DRUGS.atorvastatin40, DRUGS.simvastatin10, DRUGS.rosuvastatin10],
  },
  {
    key: 'prediabetes',
    snomed: ['714628002', 'Prediabetes'],
    icd10: ['R73.03', 'Prediabetes'],
    chronic: true,
    minAge: 18,
    maxAge: 120,
    prevalence: [0, 0.05, 0.1, 0.1],
    followUpsPerYear: 0.5,
  },
  {
    key: 'asthma',
    snomed: ['195967001', 'Asthma'],
    icd10: ['J45.909', 'Unspecified asthma, uncomplicated'],
    chronic: true,
    minAge: 3,
    maxAge: 120,
    prevalence: [0.08, 0.07, 0.07, 0.06],
    followUpsPerYear: 1,
    drugs: [DRUGS.albuterolInhaler],
  },
  {
    key: 'hypothyroidism',
    snomed: ['40930008', 'Hypothyroidism'],
    icd10: ['E03.9', 'Hypothyroidism, unspecified'],
    chronic: true,
    minAge: 18,
    maxAge: 120,
    prevalence: [0, 0.02, 0.05, 0.08],
    followUpsPerYear: 1,
  },
  {
    key: 'depression',
    snomed: ['35489007', 'Depressive disorder'],
    icd10: ['F32.A', 'Depression, unspecified'],
    chronic: true,
    minAge: 12,
    maxAge: 120,
    prevalence: [0.04, 0.08, 0.08, 0.06],
    followUpsPerYear: 1,
  },
  {
    key: 'anxiety',
    snomed: ['197480006', 'Anxiety disorder'],
    icd10: ['F41.9', 'Anxiety disorder, unspecified'],
    chronic: true,
    minAge: 8,
    maxAge: 120,
    prevalence: [0.04, 0.09, 0.07, 0.05],
    followUpsPerYear: 0.5,
  },
  {
    key: 'gerd',
    snomed: ['235595009', 'Gastroesophageal reflux disease'],
    icd10: ['K21.9', 'Gastro-esophageal reflux disease without esophagitis'],
    chronic: true,
    minAge: 18,
    maxAge: 120,
    prevalence: [0, 0.05, 0.1, 0.12],
    followUpsPerYear: 0.3,
  },
  {
    key: 'osteoarthritis-knee',
    snomed: ['239873007', 'Osteoarthritis of knee'],
    icd10: ['M17.9', 'Osteoarthritis of knee, unspecified'],
    chronic: true,
    minAge: 45,
    maxAge: 120,
    prevalence: [0, 0, 0.1, 0.28],
    followUpsPerYear: 0.5,
    drugs: [DRUGS.acetaminophen325, DRUGS.naproxen220],
  },
  {
    key: 'low-back-pain',
    snomed: ['278860009', 'Chronic low back pain'],
    icd10: ['M54.50', 'Low back pain, unspecified'],
    chronic: true,
    minAge: 18,
    maxAge: 120,
    prevalence: [0, 0.06, 0.08, 0.08],
    followUpsPerYear: 0.5,
    drugs: [DRUGS.ibuprofen200, DRUGS.acetaminophen325],
  },
  {
    key: 'allergic-rhinitis',
    snomed: ['61582004', 'Allergic rhinitis'],
    icd10: ['J30.9', 'Allergic rhinitis, unspecified'],
    chronic: true,
    minAge: 3,
    maxAge: 120,
    prevalence: [0.1, 0.1, 0.08, 0.05],
    followUpsPerYear: 0.3,
    drugs: [DRUGS.loratadine10],
  },
  {
    key: 'migraine',
    snomed: ['37796009', 'Migraine'],
    icd10: ['G43.909', 'Migraine, unspecified, not intractable, without status migrainosus'],
    chronic: true,
    minAge: 12,
    maxAge: 70,
    sex: 'female',
    prevalence: [0.03, 0.1, 0.07, 0.02],
    followUpsPerYear: 0.5,
  },
  {
    key: 'atopic-dermatitis',
    snomed: ['24079001', 'Atopic dermatitis'],
    icd10: ['L20.9', 'Atopic dermatitis, unspecified'],
    chronic: true,
    minAge: 0.3,
    maxAge: 120,
    prevalence: [0.1, 0.02, 0.01, 0.01],
    followUpsPerYear: 0.3,
  },
  {
    key: 'atrial-fibrillation',
    snomed: ['49436004', 'Atrial fibrillation'],
    icd10: ['I48.91', 'Unspecified atrial fibrillation'],
    chronic: true,
    minAge: 50,
    maxAge: 120,
    prevalence: [0, 0, 0.02, 0.08],
    followUpsPerYear: 1,
  },
  {
    key: 'ckd3',
    snomed: ['433144002', 'Chronic kidney disease stage 3'],
    icd10: ['N18.30', 'Chronic kidney disease, stage 3 unspecified'],
    chronic: true,
    minAge: 40,
    maxAge: 120,
    prevalence: [0, 0, 0.03, 0.1],
    followUpsPerYear: 1,
  },
  {
    key: 'copd',
    snomed: ['13645005', 'Chronic obstructive lung disease'],
    icd10: ['J44.9', 'Chronic obstructive pulmonary disease, unspecified'],
    chronic: true,
    minAge: 45,
    maxAge: 120,
    prevalence: [0, 0, 0.05, 0.09],
    followUpsPerYear: 1,
    drugs: [DRUGS.albuterolInhaler],
  },
  {
    key: 'otitis-media',
    snomed: ['65363002', 'Otitis media'],
    icd10: ['H66.90', 'Otitis media, unspecified, unspecified ear'],
    chronic: false,
    minAge: 0.3,
    maxAge: 12,
    prevalence: [0.35, 0.02, 0.01, 0.01],
    drugs: [DRUGS.amoxicillin500],
  },
  {
    key: 'viral-pharyngitis',
    snomed: ['195662009', 'Acute viral pharyngitis'],
    icd10: ['J02.9', 'Acute pharyngitis, unspecified'],
    chronic: false,
    minAge: 2,
    maxAge: 120,
    prevalence: [0.2, 0.15, 0.1, 0.06],
  },
  {
    key: 'uri',
    snomed: ['54150009', 'Upper respiratory infection'],
    icd10: ['J06.9', 'Acute upper respiratory infection, unspecified'],
    chronic: false,
    minAge: 0,
    maxAge: 120,
    prevalence: [0.3, 0.15, 0.12, 0.1],
  },
  {
    key: 'acute-bronchitis',
    snomed: ['10509002', 'Acute bronchitis'],
    icd10: ['J20.9', 'Acute bronchitis, unspecified'],
    chronic: false,
    minAge: 2,
    maxAge: 120,
    prevalence: [0.06, 0.06, 0.07, 0.08],
  },
  {
    key: 'acute-sinusitis',
    snomed: ['15805002', 'Acute sinusitis'],
    icd10: ['J01.90', 'Acute sinusitis, unspecified'],
    chronic: false,
    minAge: 5,
    maxAge: 120,
    prevalence: [0.04, 0.08, 0.08, 0.05],
    drugs: [DRUGS.amoxicillinClavulanate],
  },
  {
    key: 'uti',
    snomed: ['68566005', 'Urinary tract infectious disease'],
    icd10: ['N39.0', 'Urinary tract infection, site not specified'],
    chronic: false,
    minAge: 2,
    maxAge: 120,
    sex: 'female',
    prevalence: [0.03, 0.1, 0.08, 0.1],
  },
];

export const OBESITY: ProblemDef = {
  key: 'obesity',
  snomed: ['414916001', 'Obesity'],
  icd10: ['E66.9', 'Obesity, unspecified'],
  chronic: true,
  minAge: 18,
  maxAge: 120,
  prevalence: [0, 0, 0, 0],
  followUpsPerYear: 0.3,
};

/** An allergen: RxNorm ingredient for drugs, SNOMED substance otherwise. */
export interface AllergenDef {
  readonly system: string;
  readonly code: string;
  readonly display: string;
  readonly category: 'medication' | 'food' | 'environment';
  readonly type: 'allergy' | 'intolerance';
  readonly reactions: readonly (readonly [string, string])[];
}

const HIVES = ['247472004', 'Wheal'] as const;
const RASH = ['271807003', 'Eruption of skin'] as const;
const ITCH = ['418290006', 'Itching of skin'] as const;
const ANAPHYLAXIS = ['39579001', 'Anaphylaxis'] as const;
const NAUSEA = ['422587007', 'Nausea'] as const;
const DYSPNEA = ['267036007', 'Dyspnea'] as const;
const SNEEZING = ['76067001', 'Sneezing'] as const;

export const ALLERGENS: readonly AllergenDef[] = [
  {
    system: SYSTEM.snomed,
    code: '764146007',
    display: 'Penicillin',
    category: 'medication',
    type: 'allergy',
    reactions: [HIVES, RASH, ANAPHYLAXIS],
  },
  {
    system: SYSTEM.rxnorm,
    code: '723',
    display: 'amoxicillin',
    category: 'medication',
    type: 'allergy',
    reactions: [RASH, HIVES],
  },
  {
    system: SYSTEM.rxnorm,
    code: '10180',
    display: 'sulfamethoxazole',
    category: 'medication',
    type: 'allergy',
    reactions: [RASH, ITCH],
  },
  {
    system: SYSTEM.rxnorm,
    code: '2670',
    display: 'codeine',
    category: 'medication',
    type: 'intolerance',
    reactions: [NAUSEA],
  },
  {
    system: SYSTEM.rxnorm,
    code: '1191',
    display: 'aspirin',
    category: 'medication',
    type: 'intolerance',
    reactions: [NAUSEA, DYSPNEA],
  },
  {
    system: SYSTEM.rxnorm,
    code: '5640',
    display: 'ibuprofen',
    category: 'medication',
    type: 'allergy',
    reactions: [HIVES],
  },
  {
    system: SYSTEM.snomed,
    code: '762952008',
    display: 'Peanut',
    category: 'food',
    type: 'allergy',
    reactions: [HIVES, ANAPHYLAXIS],
  },
  {
    system: SYSTEM.snomed,
    code: '300913006',
    display: 'Shellfish',
    category: 'food',
    type: 'allergy',
    reactions: [HIVES, ANAPHYLAXIS],
  },
  {
    system: SYSTEM.snomed,
    code: '102263004',
    display: 'Eggs (edible)',
    category: 'food',
    type: 'allergy',
    reactions: [RASH, NAUSEA],
  },
  {
    system: SYSTEM.snomed,
    code: '111088007',
    display: 'Latex',
    category: 'environment',
    type: 'allergy',
    reactions: [RASH, ITCH],
  },
  {
    system: SYSTEM.snomed,
    code: '256277009',
    display: 'Grass pollen',
    category: 'environment',
    type: 'allergy',
    reactions: [SNEEZING, ITCH],
  },
  {
    system: SYSTEM.snomed,
    code: '264287008',
    display: 'Animal dander',
    category: 'environment',
    type: 'allergy',
    reactions: [SNEEZING],
  },
  {
    system: SYSTEM.snomed,
    code: '288328004',
    display: 'Bee venom',
    category: 'environment',
    type: 'allergy',
    reactions: [HIVES, ANAPHYLAXIS],
  },
];

export const NO_KNOWN_DRUG_ALLERGY = ['409137002', 'No known history of drug allergy'] as const;

/** A vaccine by CVX code, with how it is given. */
export interface VaccineDef {
  readonly cvx: string;
  readonly display: string;
  readonly route: 'IM' | 'SQ' | 'PO';
}

export const VACCINES = {
  hepB: { cvx: '08', display: 'Hep B, adolescent or pediatric', route: 'IM' },
  dtap: { cvx: '20', display: 'DTaP', route: 'IM' },
  ipv: { cvx: '10', display: 'IPV', route: 'IM' },
  hib: { cvx: '49', display: 'Hib (PRP-OMP)', route: 'IM' },
  pcv13: { cvx: '133', display: 'Pneumococcal conjugate PCV 13', route: 'IM' },
  rotavirus: { cvx: '116', display: 'rotavirus, pentavalent', route: 'PO' },
  mmr: { cvx: '03', display: 'MMR', route: 'SQ' },
  varicella: { cvx: '21', display: 'varicella', route: 'SQ' },
  hepA: { cvx: '83', display: 'Hep A, ped/adol, 2 dose', route: 'IM' },
  tdap: { cvx: '115', display: 'Tdap', route: 'IM' },
  mcv4: { cvx: '114', display: 'meningococcal MCV4P', route: 'IM' },
  hpv9: { cvx: '165', display: 'HPV9', route: 'IM' },
  flu: { cvx: '140', display: 'Influenza, seasonal, injectable, preservative free', route: 'IM' },
  covid: { cvx: '213', display: 'SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION', route: 'IM' },
  zoster: { cvx: '187', display: 'zoster recombinant', route: 'IM' },
  ppsv23: { cvx: '33', display: 'pneumococcal polysaccharide PPV23', route: 'IM' },
} as const satisfies Record<string, VaccineDef>;

/** Childhood schedule: vaccine and age in days at each dose (after the CDC schedule, simplified). */
export const CHILDHOOD_DOSES: readonly (readonly [VaccineDef, number])[] = [
  [VACCINES.hepB, 0],
  [VACCINES.hepB, 30],
  [VACCINES.hepB, 183],
  [VACCINES.dtap, 61],
  [VACCINES.dtap, 122],
  [VACCINES.dtap, 183],
  [VACCINES.dtap, 456],
  [VACCINES.dtap, 1500],
  [VACCINES.ipv, 61],
  [VACCINES.ipv, 122],
  [VACCINES.ipv, 183],
  [VACCINES.ipv, 1500],
  [VACCINES.hib, 61],
  [VACCINES.hib, 122],
  [VACCINES.hib, 365],
  [VACCINES.pcv13, 61],
  [VACCINES.pcv13, 122],
  [VACCINES.pcv13, 183],
  [VACCINES.pcv13, 365],
  [VACCINES.rotavirus, 61],
  [VACCINES.rotavirus, 122],
  [VACCINES.mmr, 365],
  [VACCINES.mmr, 1500],
  [VACCINES.varicella, 365],
  [VACCINES.varicella, 1500],
  [VACCINES.hepA, 365],
  [VACCINES.hepA, 548],
  [VACCINES.tdap, 4018],
  [VACCINES.mcv4, 4018],
  [VACCINES.mcv4, 5844],
  [VACCINES.hpv9, 4018],
  [VACCINES.hpv9, 4200],
];

/** The kinds of appointment the schedule books, with their lengths. */
export const VISIT_TYPES = {
  newPatient: { code: 'new-patient', display: 'New patient', minutes: 40, reason: 'ROUTINE' },
  followUp: { code: 'follow-up', display: 'Follow-up', minutes: 20, reason: 'FOLLOWUP' },
  nurseVisit: { code: 'nurse-visit', display: 'Nurse visit', minutes: 15, reason: 'ROUTINE' },
  labDraw: { code: 'lab-draw', display: 'Lab draw', minutes: 10, reason: 'ROUTINE' },
  procedure: { code: 'procedure', display: 'Procedure', minutes: 30, reason: 'ROUTINE' },
  telehealth: { code: 'telehealth', display: 'Telehealth', minutes: 20, reason: 'FOLLOWUP' },
} as const;

export type VisitType = (typeof VISIT_TYPES)[keyof typeof VISIT_TYPES];

/** v2-0276 display names of the appointment reason codes used above. */
export const APPOINTMENT_REASON_DISPLAY = {
  ROUTINE: 'Routine appointment - default if not valued',
  FOLLOWUP: 'A follow up visit from a previous appointment',
} as const;
