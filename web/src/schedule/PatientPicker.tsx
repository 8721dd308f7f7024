import { Box, Button, Group, Loader, Paper, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { usePatientSearch } from '../fhir/queries';
import { formatDate, medicalRecordNumber, patientNameFamilyFirst, todayIso } from '../patient/display';
import { PatientOption } from '../search/PatientOption';
import { parsePatientQuery } from '../search/parseQuery';
import { fieldErrorMessage } from '../ui/FieldError';

/** The patient a booking is for: two identifiers (name, date of birth) shown wherever they are chosen. */
export interface ChosenPatient {
  id: string;
  name: string;
  birthDate?: string;
  mrn?: string;
}

/**
 * Choosing the patient in a scheduling dialog: the same search as the top bar (name, "last, first", date of
 * birth, MRN or phone; POST `_search`), as an ARIA combobox; the chosen patient then shows with name, date of
 * birth and MRN, so the front desk confirms two identifiers before booking (The Joint Commission NPSG.01.01.01).
 */
export function PatientPicker({
  value,
  onChange,
  error,
}: {
  value: ChosenPatient | undefined;
  onChange: (patient: ChosenPatient | undefined) => void;
  error?: string;
}) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [debounced] = useDebouncedValue(text, 150);
  const query = useMemo(() => parsePatientQuery(debounced), [debounced]);
  const result = usePatientSearch(query.params);
  const ids = useId();
  const listboxId = `${ids}-listbox`;
  const today = todayIso();

  if (value) {
    return (
      <Box>
        <Text size="sm" fw={500} mb={4}>
          Patient
        </Text>
        <Paper withBorder p="xs" aria-label="Chosen patient" role="group">
          <Group justify="space-between" wrap="nowrap">
            <Box>
              <Text size="sm" fw={700} data-testid="chosen-patient">
                {value.name}
              </Text>
              <Text size="sm" c="dark.6">
                DOB {formatDate(value.birthDate) || 'not recorded'}
                {value.mrn ? ` · MRN ${value.mrn}` : ''}
              </Text>
            </Box>
            <Button variant="default" size="xs" onClick={() => onChange(undefined)}>
              Change patient
            </Button>
          </Group>
        </Paper>
        {error && (
          <Text size="sm" c="red.9" role="alert">
            {error}
          </Text>
        )}
      </Box>
    );
  }

  const searching = query.params.length > 0;
  const patients = searching && !result.isError ? (result.data?.resources ?? []) : [];
  const current = debounced === text && !result.isPlaceholderData && !result.isFetching;
  const showList = open && text.trim() !== '' && patients.length > 0;
  const searchError = result.isError
    ? (fieldErrorMessage(
        result.error,
        query.params.map(([name]) => name)
      ) ?? 'The search failed. Try again.')
    : undefined;

  function pick(index: number) {
    const patient = patients[index];
    if (!patient?.id) return;
    onChange({
      id: patient.id,
      name: patientNameFamilyFirst(patient),
      birthDate: patient.birthDate,
      mrn: medicalRecordNumber(patient),
    });
    setText('');
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' && patients.length) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % patients.length);
    } else if (event.key === 'ArrowUp' && patients.length) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i <= 0 ? patients.length - 1 : i - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (!current) return;
      if (active >= 0) pick(active);
      else if (patients.length === 1) pick(0);
    } else if (event.key === 'Escape' && showList) {
      // Close the list, not the dialog.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  }

  const status = !searching
    ? 'Type a name, date of birth (MM/DD/YYYY), MRN or phone.'
    : result.isPending
      ? 'Searching…'
      : patients.length === 0 && !searchError
        ? 'No patients found.'
        : `${patients.length} ${patients.length === 1 ? 'patient' : 'patients'}`;

  return (
    <Box pos="relative">
      <TextInput
        label="Patient"
        required
        role="combobox"
        aria-expanded={showList}
        aria-controls={showList ? listboxId : undefined}
        aria-activedescendant={showList && active >= 0 ? `${ids}-opt-${active}` : undefined}
        aria-autocomplete="list"
        autoComplete="off"
        spellCheck={false}
        placeholder="Name, DOB, MRN or phone"
        data-autofocus
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={result.isFetching && searching ? <Loader size={14} aria-hidden /> : undefined}
        description={status}
        error={searchError ?? error}
        inputWrapperOrder={['label', 'input', 'description', 'error']}
      />
      {showList && (
        <Paper shadow="md" p={4} pos="absolute" left={0} right={0} style={{ zIndex: 400 }}>
          <ul
            id={listboxId}
            role="listbox"
            aria-label="Matching patients"
            style={{ listStyle: 'none', margin: 0, padding: 0, opacity: current ? 1 : 0.7 }}
          >
            {patients.map((patient, index) => (
              <PatientOption
                key={patient.id}
                id={`${ids}-opt-${index}`}
                patient={patient}
                active={index === active}
                today={today}
                onPick={() => pick(index)}
              />
            ))}
          </ul>
        </Paper>
      )}
    </Box>
  );
}
