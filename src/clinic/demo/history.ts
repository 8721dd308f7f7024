/** One patient's chart: registration, insurance, problems, allergies, medicines, immunizations and past visits. */
import type { Resource } from '@medplum/fhirtypes';
import { allergyIntolerances } from './allergies.js';
import type { ClinicClock } from './clock.js';
import { immunizations } from './immunizations.js';
import { coverageResource, patientResource, type PatientProfile } from './people.js';
import { conditionResource, medicationStatements, pickProblems } from './problems.js';
import { Rng, streamSeed } from './random.js';
import { encounterResource, planVisits } from './visits.js';
import { vitalSigns } from './vitals.js';

/** How far back the clinic's own records go. */
export const HISTORY_YEARS = 3;

/** The patient's resources, before their upcoming appointments. */
export function patientChart(profile: PatientProfile, clock: ClinicClock): Resource[] {
  const rng = new Rng(streamSeed(profile.seed, 'chart', profile.number));
  const historyStart = Math.max(clock.today - HISTORY_YEARS * 365, profile.birthDay + 3);
  const problems = pickProblems(rng, profile, clock, historyStart);
  const visits = planVisits(rng, profile, clock, problems, historyStart);
  const firstSeen = visits.length > 0 ? visits[0].day : clock.today - 1;
  const lastSeen = visits.length > 0 ? visits[visits.length - 1].day : clock.today - 1;

  const resources: Resource[] = [patientResource(profile, clock), coverageResource(profile, clock)];
  resources.push(...problems.map((problem) => conditionResource(problem, profile, clock)));
  resources.push(...allergyIntolerances(rng, profile, clock, firstSeen));
  resources.push(...medicationStatements(rng, profile, problems, clock, lastSeen));
  resources.push(...immunizations(rng, profile, clock, historyStart));

  let observationNumber = 1;
  for (const visit of visits) {
    const active = (key: string): boolean =>
      problems.some((problem) => problem.def.key === key && problem.onsetDay <= visit.day);
    const vitals = vitalSigns(
      rng,
      clock,
      profile,
      visit,
      {
        hypertensive: active('hypertension'),
        lungDisease: active('copd'),
        febrile: visit.kind === 'sick' && rng.chance(0.4),
      },
      observationNumber
    );
    observationNumber += vitals.length;
    resources.push(encounterResource(visit, profile, clock), ...vitals);
  }
  return resources;
}
