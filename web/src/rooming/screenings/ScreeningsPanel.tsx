import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Radio,
  Select,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isForbidden } from '../../fhir/FhirError';
import { usePractice } from '../../fhir/queries';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import type { RoomingPanelProps } from '../types';
import {
  formOf,
  isScored,
  liveScore,
  pregnancyApplies,
  tobaccoApplies,
  resultText,
  saveLabel,
  scoreLabel,
  unanswered,
  type FormAnswers,
} from './screeningModel';
import {
  recordScreening,
  screeningsKey,
  useEncounterScreenings,
  useQuestionnaire,
  type RecordedScreening,
  type ScreeningResultView,
} from './screeningsApi';

/** The status pickers (tobacco, pregnancy) save a single coded answer under the instrument's linkId. */
const STATUS_LINK_ID: Record<'tobacco' | 'pregnancy', string> = { tobacco: '72166-2', pregnancy: '82810-3' };

/**
 * Screenings at a visit (docs/rooming/screenings.md): the due ones as forms read from their Questionnaires
 * (radio groups named by the question, live score, "Save PHQ-2"), the PHQ-9 opening after a positive PHQ-2,
 * this visit's results with their bands, and tobacco use and pregnancy status as small pickers.
 */
export function ScreeningsPanel({ visit, onSaved }: RoomingPanelProps) {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const screenings = useEncounterScreenings(visit.encounterId);
  const [urgent, setUrgent] = useState<string>();
  const saved = async (result: RecordedScreening) => {
    if (result.urgent) {
      setUrgent(
        `The provider has been sent an urgent notice about the ${result.screening.toUpperCase()}. Stay with the patient until the provider comes.`
      );
    }
    await queryClient.invalidateQueries({ queryKey: screeningsKey(practice, visit.encounterId) });
    onSaved?.();
  };

  if (screenings.isPending) {
    // A status region may carry a name (an aria-label on a plain div is prohibited, axe aria-prohibited-attr).
    return <Skeleton height={60} role="status" aria-label="Loading screenings" />;
  }
  if (screenings.isError) {
    return (
      <Text size="sm" c={isForbidden(screenings.error) ? 'dimmed' : 'red.9'} role="alert">
        {isForbidden(screenings.error)
          ? 'Not shown to your role.'
          : `Could not load screenings: ${screenings.error.message}`}
      </Text>
    );
  }
  const { due, results, latest } = screenings.data;
  const open = due.filter((d) => !d.done && d.id !== 'tobacco');
  return (
    <Stack gap="sm" data-testid="screenings-panel">
      {urgent && (
        <Alert color="red" role="alert" title="Urgent">
          {urgent}
        </Alert>
      )}
      {results.length > 0 && <Results results={results} />}
      {open.length === 0 && (
        <Text size="sm" c="dimmed">
          No screenings due at this visit.
        </Text>
      )}
      {open.map((d) => (
        <ScreeningForm
          key={d.id}
          encounterId={visit.encounterId}
          screening={d.id}
          title={d.title}
          reason={d.reason}
          onSaved={saved}
        />
      ))}
      <Group align="flex-end" gap="lg" wrap="wrap">
        {tobaccoApplies(visit.patient.ageMonths) && (
          <StatusPicker
            encounterId={visit.encounterId}
            kind="tobacco"
            label="Tobacco use"
            due={due.some((d) => d.id === 'tobacco' && !d.done)}
            latest={latest.tobacco}
            onSaved={saved}
          />
        )}
        {pregnancyApplies(visit.patient.gender, visit.patient.ageMonths) && (
          <StatusPicker
            encounterId={visit.encounterId}
            kind="pregnancy"
            label="Pregnancy status"
            due={!results.some((r) => r.id === 'pregnancy')}
            latest={latest.pregnancy}
            onSaved={saved}
          />
        )}
      </Group>
    </Stack>
  );
}

function Results({ results }: { results: ScreeningResultView[] }) {
  return (
    <Stack gap={4} aria-label="Screening results this visit">
      {results.map((r) => (
        <Group key={r.id} gap="xs">
          <Text size="sm" fw={600}>
            {r.title}:
          </Text>
          <Text size="sm" data-testid={`screening-result-${r.id}`}>
            {resultText(r)}
          </Text>
          {r.positive && (
            <Badge color="red" variant="light">
              Positive
            </Badge>
          )}
        </Group>
      ))}
    </Stack>
  );
}

function ScreeningForm({
  encounterId,
  screening,
  title,
  reason,
  onSaved,
}: {
  encounterId: string;
  screening: string;
  title: string;
  reason: string;
  onSaved: (result: RecordedScreening) => Promise<void>;
}) {
  const questionnaire = useQuestionnaire(screening);
  const [answers, setAnswers] = useState<FormAnswers>({});
  const save = useAction(recordScreening);
  if (questionnaire.isPending) {
    return <Skeleton height={80} role="status" aria-label={`Loading ${title}`} />;
  }
  if (questionnaire.isError) {
    return (
      <Text size="sm" c="red.9" role="alert">
        Could not load {title}: {questionnaire.error.message}
      </Text>
    );
  }
  const form = formOf(questionnaire.data);
  const left = unanswered(form, answers);
  const set = (linkId: string, value: string | string[]) => setAnswers((a) => ({ ...a, [linkId]: value }));
  const submit = async () => {
    const result = await save.run(encounterId, screening, answers);
    if (result.ok) {
      setAnswers({});
      await onSaved(result.value);
    }
  };
  return (
    <Paper withBorder p="sm" component="section" aria-label={title}>
      <Group justify="space-between" mb={4}>
        <Title order={4}>{title}</Title>
        <Text size="xs" c="dimmed">
          Due: {reason}
        </Text>
      </Group>
      {form.preamble && (
        <Text size="sm" mb={6}>
          {form.preamble}
        </Text>
      )}
      <Stack gap={8}>
        {form.questions.map((q) =>
          q.repeats ? (
            <Checkbox.Group
              key={q.linkId}
              label={q.text}
              value={Array.isArray(answers[q.linkId]) ? (answers[q.linkId] as string[]) : []}
              onChange={(value) => set(q.linkId, value)}
            >
              <Group gap="sm" mt={4}>
                {q.options.map((o) => (
                  <Checkbox key={o.code} value={o.code} label={o.label} size="xs" />
                ))}
              </Group>
            </Checkbox.Group>
          ) : (
            <Radio.Group
              key={q.linkId}
              label={q.text}
              required={q.required}
              value={typeof answers[q.linkId] === 'string' ? (answers[q.linkId] as string) : null}
              onChange={(value) => set(q.linkId, value)}
            >
              <Group gap="sm" mt={4}>
                {q.options.map((o) => (
                  <Radio key={o.code} value={o.code} label={o.label} size="xs" />
                ))}
              </Group>
            </Radio.Group>
          )
        )}
      </Stack>
      <FormErrors error={save.error} fields={[]} />
      <Group justify="space-between" mt="sm">
        {isScored(form) ? (
          <Text size="sm" aria-live="polite" data-testid={`live-score-${screening}`}>
            {scoreLabel(screening)} {liveScore(form, answers)} of {form.max}
          </Text>
        ) : (
          <span />
        )}
        <Group gap="xs">
          {left.length > 0 && (
            <Text size="xs" c="dimmed">
              {left.length} to answer
            </Text>
          )}
          <Button size="xs" onClick={() => void submit()} loading={save.pending} disabled={left.length > 0}>
            {saveLabel(title)}
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}

function StatusPicker({
  encounterId,
  kind,
  label,
  due,
  latest,
  onSaved,
}: {
  encounterId: string;
  kind: 'tobacco' | 'pregnancy';
  label: string;
  due: boolean;
  latest?: ScreeningResultView;
  onSaved: (result: RecordedScreening) => Promise<void>;
}) {
  const questionnaire = useQuestionnaire(kind);
  const [value, setValue] = useState<string | null>(null);
  const save = useAction(recordScreening);
  const options =
    questionnaire.data?.item?.[0]?.answerOption?.flatMap((o) =>
      o.valueCoding?.code
        ? [{ value: o.valueCoding.code, label: o.valueCoding.display ?? o.valueCoding.code }]
        : []
    ) ?? [];
  const submit = async () => {
    if (!value) return;
    const result = await save.run(encounterId, kind, { [STATUS_LINK_ID[kind]]: value });
    if (result.ok) {
      setValue(null);
      await onSaved(result.value);
    }
  };
  return (
    <Stack gap={2}>
      <Group gap="xs" align="flex-end">
        <Select
          label={label}
          placeholder={due ? 'Due: ask the patient' : 'Choose'}
          data={options}
          value={value}
          onChange={setValue}
          size="xs"
          w={220}
        />
        <Button
          size="xs"
          variant="light"
          onClick={() => void submit()}
          disabled={!value}
          loading={save.pending}
        >
          {saveLabel(label.toLowerCase())}
        </Button>
      </Group>
      {latest && (
        <Text size="xs" c="dimmed">
          Last recorded: {latest.band ?? latest.code} ({latest.at.slice(0, 10)})
        </Text>
      )}
      <FormErrors error={save.error} fields={[]} />
    </Stack>
  );
}
