/** A patient's diagnoses (Condition) and the medicines they take for them (MedicationStatement). */
import type { Condition, MedicationStatement, Reference } from '@medplum/fhirtypes';
import type { ClinicClock } from './clock.js';
import { OBESITY, PROBLEMS, SYSTEM, concept, type DrugDef, type ProblemDef } from './codes.js';
import { ageOn, type PatientProfile } from './people.js';
import type { Rng } from './random.js';

/** A diagnosis placed in time. Acute ones get a visit on their onset day (see visits.ts). */
export interface PlannedProblem {
  readonly def: ProblemDef;
  readonly id: string;
  readonly onsetDay: number;
  /** Set for resolved (acute) problems. */
  readonly abatementDay?: number;
  /** Whether the onset falls inside the clinic history, so the problem was diagnosed here. */
  readonly diagnosedHere: boolean;
  /** Set by the visit planner for problems diagnosed at a visit. */
  encounterId?: string;
}

const MAX_PROBLEMS = 5;

function ageBand(age: number): 0 | 1 | 2 | 3 {
  if (age < 18) return 0;
  if (age < 45) return 1;
  if (age < 65) return 2;
  return 3;
}

/** Chooses 1-5 problems by age and sex prevalence; chronic ones first. */
export function pickProblems(
  rng: Rng,
  profile: PatientProfile,
  clock: ClinicClock,
  historyStart: number
): PlannedProblem[] {
  const age = ageOn(profile, clock.today);
  const eligible = (def: ProblemDef): boolean =>
    age >= def.minAge && age <= def.maxAge && (def.sex === undefined || def.sex === profile.sex);
  const chronic = PROBLEMS.filter(
    (def) => def.chronic && eligible(def) && rng.chance(def.prevalence[ageBand(age)])
  );
  if (age >= 18 && profile.adultBmi >= 30 && rng.chance(0.7)) {
    chronic.push(OBESITY);
  }
  const acuteCount = rng.weighted([
    [0, 45],
    [1, 40],
    [2, 15],
  ] as const);
  const acutePool = PROBLEMS.filter((def) => !def.chronic && eligible(def));
  const acute: ProblemDef[] = [];
  for (let i = 0; i < acuteCount && acutePool.length > 0; i++) {
    acute.push(rng.weighted(acutePool.map((def) => [def, def.prevalence[ageBand(age)] + 0.01] as const)));
  }
  let chosen = [...chronic.slice(0, 4), ...acute].slice(0, MAX_PROBLEMS);
  if (chosen.length === 0) {
    chosen = [rng.pick(acutePool.length > 0 ? acutePool : PROBLEMS.filter((def) => def.key === 'uri'))];
  }
  const planned: PlannedProblem[] = [];
  for (const def of chosen) {
    const earliest = profile.birthDay + Math.ceil(def.minAge * 365.25) + 1;
    const hasHistory = !profile.isNew && historyStart < clock.today - 1;
    let onsetDay: number;
    if (def.chronic) {
      onsetDay = Math.max(earliest, clock.today - rng.int(200, 365 * 15));
    } else if (hasHistory) {
      onsetDay = Math.max(earliest, historyStart, clock.today - rng.int(5, 3 * 365));
    } else {
      onsetDay = Math.max(earliest, clock.today - rng.int(120, 365 * 4));
    }
    onsetDay = Math.min(onsetDay, clock.today - 1);
    // The same acute problem twice is two episodes, unless they would overlap.
    if (planned.some((other) => other.def === def && Math.abs(other.onsetDay - onsetDay) < 30)) {
      continue;
    }
    planned.push({
      def,
      id: `demo-cond-${profile.key}-${String(planned.length + 1).padStart(2, '0')}`,
      onsetDay,
      abatementDay: def.chronic ? undefined : Math.min(clock.today - 1, onsetDay + rng.int(5, 21)),
      diagnosedHere: hasHistory && onsetDay >= historyStart,
    });
  }
  return planned;
}

export function conditionRef(problem: PlannedProblem): Reference<Condition> {
  return { reference: `Condition/${problem.id}`, display: problem.def.snomed[1] };
}

export function conditionResource(
  problem: PlannedProblem,
  profile: PatientProfile,
  clock: ClinicClock
): Condition {
  const { def } = problem;
  const resolved = problem.abatementDay !== undefined;
  const condition: Condition = {
    resourceType: 'Condition',
    id: problem.id,
    clinicalStatus: concept(
      SYSTEM.conditionClinical,
      resolved ? 'resolved' : 'active',
      resolved ? 'Resolved' : 'Active'
    ),
    verificationStatus: concept(SYSTEM.conditionVerification, 'confirmed', 'Confirmed'),
    category: [
      def.chronic
        ? concept(SYSTEM.conditionCategory, 'problem-list-item', 'Problem List Item')
        : concept(SYSTEM.conditionCategory, 'encounter-diagnosis', 'Encounter Diagnosis'),
    ],
    code: {
      coding: [
        { system: SYSTEM.snomed, code: def.snomed[0], display: def.snomed[1] },
        { system: SYSTEM.icd10cm, code: def.icd10[0], display: def.icd10[1] },
      ],
      text: def.snomed[1],
    },
    subject: profile.ref,
    onsetDateTime: clock.date(problem.onsetDay),
    recordedDate: clock.date(problem.onsetDay),
  };
  if (problem.abatementDay !== undefined) {
    condition.abatementDateTime = clock.date(problem.abatementDay);
  }
  if (problem.encounterId) {
    condition.encounter = { reference: `Encounter/${problem.encounterId}` };
  }
  return condition;
}

/** 0-4 medicines: long-term ones for chronic problems, a finished course for some acute ones. */
export function medicationStatements(
  rng: Rng,
  profile: PatientProfile,
  problems: readonly PlannedProblem[],
  clock: ClinicClock,
  assertedDay: number
): MedicationStatement[] {
  const result: MedicationStatement[] = [];
  const used = new Set<string>();
  for (const problem of problems) {
    const drugs = problem.def.drugs;
    if (!drugs || result.length >= 4 || !rng.chance(problem.def.chronic ? 0.8 : 0.6)) {
      continue;
    }
    const drug: DrugDef = rng.pick(drugs);
    if (used.has(drug.rxnorm)) {
      continue;
    }
    used.add(drug.rxnorm);
    const start = Math.min(clock.today - 1, problem.onsetDay + (problem.def.chronic ? rng.int(0, 90) : 0));
    result.push({
      resourceType: 'MedicationStatement',
      id: `demo-med-${profile.key}-${String(result.length + 1).padStart(2, '0')}`,
      status: problem.def.chronic ? 'active' : 'completed',
      medicationCodeableConcept: concept(SYSTEM.rxnorm, drug.rxnorm, drug.display),
      subject: profile.ref,
      effectivePeriod: problem.def.chronic
        ? { start: clock.date(start) }
        : { start: clock.date(start), end: clock.date(Math.min(clock.today - 1, start + 10)) },
      dateAsserted: clock.date(Math.max(assertedDay, start)),
      informationSource: profile.ref,
      reasonReference: [conditionRef(problem)],
      dosage: [{ text: drug.sig, asNeededBoolean: drug.sig.includes('as needed') }],
    });
  }
  return result;
}
