import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { Patient } from '@medplum/fhirtypes';
import { BannerAllergies } from './BannerAllergies';
import { BannerField as Field } from './BannerField';
import { BannerCoverage } from './BannerCoverage';
import { BannerFlags } from './BannerFlags';
import { BannerLanguage } from './BannerLanguage';
import {
  formatAge,
  formatDate,
  formatSex,
  medicalRecordNumber,
  nameToUse,
  patientNameFamilyFirst,
  todayIso,
} from './display';
import { SimilarNameWarning } from './SimilarNameWarning';

/**
 * The patient banner on every patient page: who this is (two identifiers: name and DOB, plus MRN),
 * how to talk to them, what could hurt them (allergies, flags), and who pays.
 */
export function PatientBanner({ patient }: { patient: Patient }) {
  const id = patient.id ?? '';
  const preferred = nameToUse(patient);
  const age = formatAge(patient.birthDate, todayIso());
  return (
    <Paper
      component="section"
      aria-label="Patient banner"
      p="sm"
      style={{ borderLeft: '4px solid var(--mantine-color-indigo-8)' }}
    >
      <Stack gap={8}>
        <Group gap="md" align="baseline" wrap="wrap">
          <Title order={1} data-testid="banner-name">
            {patientNameFamilyFirst(patient)}
          </Title>
          {preferred && <Text size="sm">Goes by “{preferred}”</Text>}
          <SimilarNameWarning patient={patient} />
        </Group>
        <Group gap="lg" wrap="wrap" align="flex-start">
          <Field label="DOB">
            <span data-testid="banner-dob">{formatDate(patient.birthDate) || 'Not recorded'}</span>
            {age && ` (${age})`}
          </Field>
          <Field label="Sex">{formatSex(patient.gender)}</Field>
          <Field label="MRN">
            <Text span ff="monospace" size="sm" data-testid="banner-mrn">
              {medicalRecordNumber(patient) ?? 'None'}
            </Text>
          </Field>
          <Field label="Language">
            <BannerLanguage patient={patient} />
          </Field>
          <Field label="Coverage">
            <BannerCoverage patientId={id} />
          </Field>
        </Group>
        <Group gap="lg" wrap="wrap" align="flex-start">
          <Field label="Allergies">
            <BannerAllergies patientId={id} />
          </Field>
          <BannerFlags patientId={id} />
        </Group>
      </Stack>
    </Paper>
  );
}
