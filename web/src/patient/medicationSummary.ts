import type { MedicationStatement } from '@medplum/fhirtypes';

/**
 * SNOMED CT 787481004 |No known medications|: the explicit "takes none" entry the rooming reconciliation
 * writes (src/clinic/rooming/review/medications.ts NO_MEDICATIONS), said as such rather than listed as a drug.
 */
export function isNoMedications(statement: MedicationStatement): boolean {
  return (statement.medicationCodeableConcept?.coding ?? []).some(
    (c) => c.system === 'http://snomed.info/sct' && c.code === '787481004'
  );
}
