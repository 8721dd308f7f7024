import { Box, Kbd, Loader, Paper, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { isUnreachable } from '../fhir/FhirError';
import { usePatientSearch } from '../fhir/queries';
import { todayIso } from '../patient/display';
import { FieldError, fieldErrorMessage } from '../ui/FieldError';
import { describeQuery, parsePatientQuery } from './parseQuery';
import { PatientOption } from './PatientOption';
import { useSearchShortcut } from './useSearchShortcut';

const DEBOUNCE_MS = 150;

/**
 * The patient search in the top bar: an ARIA combobox (WAI-ARIA APG "combobox with listbox popup").
 * Typeahead on name, "last, first", date of birth, MRN or phone; arrow keys and Enter pick, Escape
 * closes. Searches go as POST `_search` (no patient details in URLs); picking opens `/patients/:id`.
 */
export function PatientSearch() {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [debounced] = useDebouncedValue(text, DEBOUNCE_MS);
  const query = useMemo(() => parsePatientQuery(debounced), [debounced]);
  const result = usePatientSearch(query.params);
  const navigate = useNavigate();
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();
  const listboxId = `${ids}-listbox`;
  const statusId = `${ids}-status`;
  const hintId = `${ids}-hint`;
  useSearchShortcut(input);

  const searching = query.params.length > 0;
  const patients = searching && !result.isError ? (result.data?.resources ?? []) : [];
  // Results still catching up with the typing must not be picked: Enter could open the wrong chart.
  const current = debounced === text && !result.isPlaceholderData && !result.isFetching;
  const showPopup = open && text.trim() !== '';
  const showList = showPopup && patients.length > 0;
  const paramNames = query.params.map(([name]) => name);
  const fieldError = result.isError ? fieldErrorMessage(result.error, paramNames) : undefined;
  const today = todayIso();

  function pick(index: number) {
    const patient = patients[index];
    if (!patient?.id) return;
    setText('');
    setOpen(false);
    setActive(-1);
    input.current?.blur();
    void navigate(`/patients/${encodeURIComponent(patient.id)}`);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setOpen(true);
        if (patients.length) setActive((i) => (i + 1) % patients.length);
        break;
      case 'ArrowUp':
        event.preventDefault();
        setOpen(true);
        if (patients.length) setActive((i) => (i <= 0 ? patients.length - 1 : i - 1));
        break;
      case 'Enter':
        event.preventDefault();
        if (!current) break;
        if (active >= 0) pick(active);
        else if (patients.length === 1) pick(0);
        break;
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (text) {
          setText('');
        }
        break;
      default:
        break;
    }
  }

  return (
    <Box pos="relative" style={{ flex: '1 1 360px', maxWidth: 520, minWidth: 240 }}>
      <TextInput
        ref={input}
        role="combobox"
        aria-label="Search patients"
        aria-expanded={showList}
        aria-controls={showList ? listboxId : undefined}
        aria-activedescendant={showList && active >= 0 ? `${ids}-opt-${active}` : undefined}
        aria-autocomplete="list"
        aria-describedby={fieldError && showPopup ? `${statusId} ${hintId}` : hintId}
        aria-invalid={fieldError ? true : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder="Name, DOB, MRN or phone"
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
        rightSectionWidth={78}
        rightSection={
          result.isFetching && searching ? (
            <Loader size={14} aria-hidden />
          ) : (
            <Text span size="xs" c="dimmed" aria-hidden style={{ whiteSpace: 'nowrap' }}>
              <Kbd size="xs">/</Kbd> <Kbd size="xs">Ctrl K</Kbd>
            </Text>
          )
        }
        styles={fieldError ? { input: { borderColor: 'var(--mantine-color-red-8)' } } : undefined}
      />
      <span id={hintId} className="visually-hidden">
        Name as first last or last, first; date of birth as MM/DD/YYYY; MRN; or phone. Press slash or Control
        K to come here. Arrow keys choose a patient, Enter opens the chart, Escape closes.
      </span>
      {showPopup && (
        <Paper
          shadow="md"
          p={4}
          pos="absolute"
          top="calc(100% + 4px)"
          left={0}
          style={{ zIndex: 300, width: 'max(100%, 480px)' }}
        >
          {showList && (
            <ul
              id={listboxId}
              role="listbox"
              aria-label="Matching patients"
              aria-busy={!current}
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
          )}
          <Box px={8} py={4} id={statusId} aria-live="polite">
            <SearchStatus
              error={result.error}
              fieldError={fieldError}
              paramNames={paramNames}
              kind={describeQuery(query)}
              searching={searching}
              loading={result.isPending && searching}
              count={patients.length}
              total={result.data?.total}
            />
          </Box>
        </Paper>
      )}
    </Box>
  );
}

function SearchStatus({
  error,
  fieldError,
  paramNames,
  kind,
  searching,
  loading,
  count,
  total,
}: {
  error: unknown;
  fieldError: string | undefined;
  paramNames: string[];
  kind: string;
  searching: boolean;
  loading: boolean;
  count: number;
  total: number | undefined;
}) {
  if (fieldError) return <FieldError error={error} expression={paramNames} />;
  if (error) {
    return (
      <Text size="sm" c="red.9">
        {isUnreachable(error)
          ? 'Cannot reach the server; your search is kept.'
          : 'The search failed. Try again.'}
      </Text>
    );
  }
  if (!searching) {
    return (
      <Text size="sm" c="dimmed">
        {kind
          ? `Searching by ${kind}`
          : 'Type at least 2 letters of a name, or a date of birth, MRN or phone.'}
      </Text>
    );
  }
  if (loading) {
    return (
      <Text size="sm" c="dimmed">
        Searching by {kind}…
      </Text>
    );
  }
  if (count === 0) {
    return (
      <Text size="sm" c="dimmed">
        No patients found by {kind}.
      </Text>
    );
  }
  const more = total !== undefined && total > count ? ` of ${total}; type more to narrow` : '';
  return (
    <Text size="xs" c="dimmed">
      {count} {count === 1 ? 'patient' : 'patients'}
      {more} · by {kind}
    </Text>
  );
}
