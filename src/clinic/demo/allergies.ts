/** Allergies: about a third of patients have none recorded, a third "no known drug allergy", a third real ones. */
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import type { ClinicClock } from './clock.js';
import { ALLERGENS, NO_KNOWN_DRUG_ALLERGY, SYSTEM, concept } from './codes.js';
import type { PatientProfile } from './people.js';
import type { Rng } from './random.js';

export function allergyIntolerances(
  rng: Rng,
  profile: PatientProfile,
  clock: ClinicClock,
  recordedDay: number
): AllergyIntolerance[] {
  const kind = rng.weighted([
    ['none', 32],
    ['nkda', 30],
    ['allergic', 38],
  ] as const);
  if (kind === 'none') {
    return [];
  }
  const base = (number: number): AllergyIntolerance => ({
    resourceType: 'AllergyIntolerance',
    id: `demo-alg-${profile.key}-${String(number).padStart(2, '0')}`,
    clinicalStatus: concept(SYSTEM.allergyClinical, 'active', 'Active'),
    verificationStatus: concept(SYSTEM.allergyVerification, 'confirmed', 'Confirmed'),
    patient: profile.ref,
    recordedDate: clock.date(recordedDay),
  });
  if (kind === 'nkda') {
    return [
      {
        ...base(1),
        code: concept(SYSTEM.snomed, NO_KNOWN_DRUG_ALLERGY[0], NO_KNOWN_DRUG_ALLERGY[1]),
      },
    ];
  }
  const allergens = rng.shuffle(ALLERGENS).slice(0, rng.chance(0.7) ? 1 : 2);
  return allergens.map((allergen, index): AllergyIntolerance => {
    const [code, display] = rng.pick(allergen.reactions);
    const severe = code === '39579001';
    return {
      ...base(index + 1),
      type: allergen.type,
      category: [allergen.category],
      criticality: severe ? 'high' : 'low',
      code: concept(allergen.system, allergen.code, allergen.display),
      reaction: [
        {
          manifestation: [concept(SYSTEM.snomed, code, display)],
          severity: severe ? 'severe' : rng.chance(0.6) ? 'mild' : 'moderate',
        },
      ],
    };
  });
}
