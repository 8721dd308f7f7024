/**
 * Immunizations: the childhood series for children, flu seasons and a few adult vaccines. Doses inside the clinic's
 * history were given here (primarySource true, with lot, route and the MA who gave it); older ones are reported.
 */
import type { Immunization } from '@medplum/fhirtypes';
import type { ClinicClock } from './clock.js';
import { CHILDHOOD_DOSES, SYSTEM, VACCINES, concept, type VaccineDef } from './codes.js';
import { ageOn, type PatientProfile } from './people.js';
import { MEDICAL_ASSISTANTS, siteByKey, siteRef, staffRef } from './practice.js';
import type { Rng } from './random.js';

const DAY_MS = 86_400_000;

const ROUTES = {
  IM: 'Injection, intramuscular',
  SQ: 'Injection, subcutaneous',
  PO: 'Swallow, oral',
} as const;

export function immunizations(
  rng: Rng,
  profile: PatientProfile,
  clock: ClinicClock,
  historyStart: number
): Immunization[] {
  const doses: [VaccineDef, number][] = [];
  const lastDay = clock.today - 1;
  const age = ageOn(profile, clock.today);
  const onOrBefore = (day: number): boolean => day <= lastDay && day >= profile.birthDay;

  if (age < 19) {
    for (const [vaccine, ageDays] of CHILDHOOD_DOSES) {
      const day = clock.nextWeekday(profile.birthDay + ageDays + rng.int(0, 10));
      if (onOrBefore(day) && rng.chance(0.94)) {
        doses.push([vaccine, day]);
      }
    }
  }
  const year = Number(clock.date(clock.today).slice(0, 4));
  const fluChance = age >= 65 ? 0.75 : age < 18 ? 0.55 : 0.45;
  for (let back = 0; back < 3; back++) {
    const day = clock.nextWeekday(Math.floor(Date.UTC(year - back, 8, 15) / DAY_MS) + rng.int(0, 75));
    if (onOrBefore(day) && day - profile.birthDay >= 183 && rng.chance(fluChance)) {
      doses.push([VACCINES.flu, day]);
    }
  }
  if (age >= 18) {
    const inWindow = (): number => clock.nextWeekday(clock.today - rng.int(20, 3 * 365));
    if (rng.chance(0.35)) doses.push([VACCINES.covid, inWindow()]);
    if (rng.chance(0.25)) doses.push([VACCINES.tdap, inWindow()]);
    if (age >= 50 && rng.chance(0.3)) {
      const first = inWindow();
      doses.push([VACCINES.zoster, first]);
      if (first + 70 <= lastDay) doses.push([VACCINES.zoster, clock.nextWeekday(first + 60)]);
    }
    if (age >= 65 && rng.chance(0.4)) doses.push([VACCINES.ppsv23, inWindow()]);
  }

  const site = siteByKey(profile.site);
  const mas = MEDICAL_ASSISTANTS.filter((staff) => staff.week.includes(site.key));
  return doses
    .filter(([, day]) => onOrBefore(day))
    .sort((a, b) => a[1] - b[1] || a[0].cvx.localeCompare(b[0].cvx))
    .map(([vaccine, day], index): Immunization => {
      const givenHere = !profile.isNew && day >= historyStart;
      const immunization: Immunization = {
        resourceType: 'Immunization',
        id: `demo-imm-${profile.key}-${String(index + 1).padStart(2, '0')}`,
        status: 'completed',
        vaccineCode: concept(SYSTEM.cvx, vaccine.cvx, vaccine.display),
        patient: profile.ref,
        occurrenceDateTime: clock.date(day),
        primarySource: givenHere,
      };
      if (givenHere) {
        immunization.location = siteRef(site);
        immunization.lotNumber = `${vaccine.cvx.padStart(3, '0')}${String.fromCharCode(65 + rng.int(0, 25))}${rng.int(1000, 9999)}`;
        immunization.route = concept(
          'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration',
          vaccine.route,
          ROUTES[vaccine.route]
        );
        immunization.performer = [
          {
            function: concept(SYSTEM.immunizationFunction, 'AP', 'Administering Provider'),
            actor: staffRef(rng.pick(mas)),
          },
        ];
      } else {
        immunization.reportOrigin = concept(
          'http://terminology.hl7.org/CodeSystem/immunization-origin',
          'record',
          'Written Record'
        );
      }
      return immunization;
    });
}
