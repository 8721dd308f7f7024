import type { MedicationStatement } from '@medplum/fhirtypes';
import { useActiveProblems, useAllergies, useMedications, usePatient } from '../fhir/queries';
import { conceptText } from '../patient/display';

export interface FocusOption {
  /** "Type/id", as POST /api/amendments takes it. */
  value: string;
  /** "AllergyIntolerance · Penicillin". */
  label: string;
}

function medicationName(statement: MedicationStatement): string {
  return (
    conceptText(statement.medicationCodeableConcept) ||
    statement.medicationReference?.display ||
    'Unnamed medication'
  );
}

/**
 * The data a patient may ask to amend, from what the chart has already loaded (same queries, same cache:
 * no extra request): demographics, allergies, active problems, current medications. Lists the user's role
 * may not read are left out.
 */
export function useFocusOptions(patientId: string): FocusOption[] {
  const patient = usePatient(patientId);
  const allergies = useAllergies(patientId);
  const problems = useActiveProblems(patientId);
  const medications = useMedications(patientId);
  const options: FocusOption[] = [];
  if (patient.data) {
    options.push({ value: `Patient/${patientId}`, label: 'Patient · Demographics' });
  }
  for (const a of allergies.data ?? []) {
    if (a.id)
      options.push({
        value: `AllergyIntolerance/${a.id}`,
        label: `AllergyIntolerance · ${conceptText(a.code) || 'Allergy'}`,
      });
  }
  for (const c of problems.data ?? []) {
    if (c.id)
      options.push({ value: `Condition/${c.id}`, label: `Condition · ${conceptText(c.code) || 'Problem'}` });
  }
  for (const m of medications.data ?? []) {
    if (m.id)
      options.push({
        value: `MedicationStatement/${m.id}`,
        label: `MedicationStatement · ${medicationName(m)}`,
      });
  }
  return options;
}
