import { Group, Text } from '@mantine/core';
import type { Patient } from '@medplum/fhirtypes';
import {
  formatAge,
  formatDate,
  formatSex,
  medicalRecordNumber,
  nameToUse,
  patientNameFamilyFirst,
} from '../patient/display';

/**
 * One search result: name (and name to use), date of birth with age, sex and MRN, so the MA can
 * confirm two identifiers before opening the chart (The Joint Commission NPSG.01.01.01).
 */
export function PatientOption({
  patient,
  id,
  active,
  today,
  onPick,
}: {
  patient: Patient;
  id: string;
  active: boolean;
  today: string;
  onPick: () => void;
}) {
  const preferred = nameToUse(patient);
  const mrn = medicalRecordNumber(patient);
  const age = formatAge(patient.birthDate, today);
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      // Keep the focus in the input; pick on click.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onPick}
      style={{
        cursor: 'pointer',
        padding: '6px 10px',
        borderRadius: 'var(--mantine-radius-sm)',
        background: active ? 'var(--mantine-color-indigo-0)' : undefined,
        outline: active ? '2px solid var(--mantine-color-indigo-7)' : undefined,
        outlineOffset: -2,
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm" fw={650} truncate="end">
          {patientNameFamilyFirst(patient)}
          {preferred && (
            <Text span size="sm" fw={400}>
              {' '}
              (goes by {preferred})
            </Text>
          )}
        </Text>
        <Text size="sm" ff="monospace" style={{ flexShrink: 0 }}>
          MRN {mrn ?? 'none'}
        </Text>
      </Group>
      <Text size="sm" c="dimmed">
        DOB {formatDate(patient.birthDate) || 'not recorded'}
        {age ? ` (${age})` : ''} · {formatSex(patient.gender)}
      </Text>
    </li>
  );
}
