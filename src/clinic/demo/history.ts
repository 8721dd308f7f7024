/** One patient's chart: registration, insurance, problems, allergies, medicines, immunizations and past visits. */
import type { Resource } from '@medplum/fhirtypes';
import { allergyIntolerances } from './allergies.js';
import type { ClinicClock } from './clock.js';
import { immunizations } from './immunizations.js';
import { coverageResource, patientResource, type PatientProfile } from './people.js';
import { conditionResource, medicationStatements, pickProblems } from './problems.js';
import { Rng, streamSeed } from './random.js';
import { MEDICAL_ASSISTANTS, PROVIDERS, siteByKey, staffAt } from './practice.js';
import { encounterResource, planVisits, type Visit } from './visits.js';
import { pastAppointment, planFlow, stepAt } from './visitFlow.js';
import { vitalSigns } from './vitals.js';

/** How far back the clinic's own records go. */
export const HISTORY_YEARS = 3;

/**
 * How far back past visits keep their Appointment (fulfilled, no-show, or a patient who left without being
 * seen): enough for the wait-time report's no-show rate and on-time starts over a quarter, without adding an
 * Appointment to every visit of three years.
 */
export const PAST_APPOINTMENT_DAYS = 90;

const KIND_DISPLAY: Record<Visit['kind'], string> = {
  'well-child': 'Well-child visit',
  'check-up': 'Check-up',
  'follow-up': 'Follow-up',
  sick: 'Sick visit',
};

/** The patient's resources, before their upcoming appointments. */
export function patientChart(profile: PatientProfile, clock: ClinicClock): Resource[] {
  const rng = new Rng(streamSeed(profile.seed, 'chart', profile.number));
  // Its own stream: the flow times leave every other value of the chart as it was before they existed.
  const flowRng = new Rng(streamSeed(profile.seed, 'flow', profile.number));
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
    const plan = planFlow(flowRng, visit.start, visit.minutes, {
      site: visit.site,
      weekday: clock.weekday(visit.day),
      provider: visit.provider,
      ma: visit.ma,
    });
    // Vitals are taken once the patient is in the room: keep their minutes after the booked start, counted
    // from rooming instead.
    const shift = ((plan.roomed ?? visit.start) - visit.start) * 60_000;
    const taken = vitals[0]?.effectiveDateTime;
    if (shift !== 0 && taken) {
      const moved = new Date(Date.parse(taken) + shift).toISOString().replace('.000Z', 'Z');
      for (const observation of vitals) observation.effectiveDateTime = moved;
    }
    const booked = visit.day >= clock.today - PAST_APPOINTMENT_DAYS;
    const appointmentId = booked
      ? visit.id.replace('demo-enc-', 'demo-appt-').replace(/-(\d+)$/, '-v$1')
      : undefined;
    resources.push(encounterResource(visit, profile, clock, { steps: plan.steps, appointmentId }), ...vitals);
    if (appointmentId) {
      resources.push(
        pastAppointment(
          { ...visit, id: appointmentId, display: KIND_DISPLAY[visit.kind], status: 'fulfilled' },
          profile.ref,
          clock
        )
      );
    }
  }
  resources.push(...missedVisits(flowRng, profile, clock));
  return resources;
}

/**
 * Within the last PAST_APPOINTMENT_DAYS: now and then an appointment the patient missed (Appointment
 * `noshow`, no Encounter), and rarely one they arrived for and left before being seen (an Encounter ending
 * `left-without-being-seen`; the Appointment stays `arrived`).
 */
function missedVisits(rng: Rng, profile: PatientProfile, clock: ClinicClock): Resource[] {
  const resources: Resource[] = [];
  const outcomes = [
    ['n', rng.chance(0.04)],
    ['l', rng.chance(0.015)],
  ] as const;
  for (const [letter, happened] of outcomes) {
    if (profile.isNew || !happened) continue;
    const day = clock.nextWeekday(clock.today - rng.int(1, PAST_APPOINTMENT_DAYS));
    if (day >= clock.today) continue;
    const weekday = clock.weekday(day);
    const site = siteByKey(profile.site);
    const providers = staffAt(site.key, weekday, ['provider']);
    const provider = providers.includes(profile.gp) ? profile.gp : (providers[0] ?? PROVIDERS[0]);
    const start = rng.chance(0.5) ? 8 * 60 + 10 * rng.int(0, 22) : 13 * 60 + 10 * rng.int(0, 22);
    const id = `demo-appt-${profile.key}-${letter}1`;
    const left = letter === 'l';
    resources.push(
      pastAppointment(
        {
          id,
          day,
          start,
          minutes: 20,
          kind: 'follow-up',
          display: 'Follow-up',
          provider,
          site,
          status: left ? 'arrived' : 'noshow',
        },
        profile.ref,
        clock
      )
    );
    if (left) {
      const ma =
        MEDICAL_ASSISTANTS.find((staff) => staff.week[weekday - 1] === site.key) ?? MEDICAL_ASSISTANTS[0];
      const visit: Visit = {
        id: `demo-enc-${profile.key}-l1`,
        day,
        start,
        minutes: 20,
        kind: 'follow-up',
        problems: [],
        site,
        room: 1,
        provider,
        ma,
      };
      const plan = planFlow(rng, start, 20, { site, weekday, provider, ma }, 'left');
      if (stepAt(plan.steps, 'left-without-being-seen') !== undefined) {
        resources.push(encounterResource(visit, profile, clock, { steps: plan.steps, appointmentId: id }));
      }
    }
  }
  return resources;
}
