import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FhirError } from '../../fhir/FhirError';
import { usePractice } from '../../fhir/queries';
import { useClinicTimeZone } from '../../app/SiteContext';
import { formatDateTime, formatTime } from '../../patient/display';
import { fieldErrorMessage } from '../../ui/FieldError';
import { FormErrors } from '../../ui/FormErrors';
import { Tag } from '../../ui/Tag';
import { useAction } from '../../ui/useAction';
import type { RoomingPanelProps } from '../types';
import {
  saveVitals,
  useVisitVitals,
  visitVitalsKey,
  type RecordedVitals,
  type VitalReading,
} from './vitalsApi';
import {
  ARMS,
  criticalBanner,
  CUFFS,
  emptyBp,
  emptyForm,
  FLAG_WORDS,
  flagTone,
  formProblem,
  hasAnything,
  isWeightChangeQuestion,
  POSITIONS,
  readingWords,
  SIGN_WORDS,
  TEMPERATURE_METHODS,
  toRequest,
  type BpRow,
  type Flag,
  type FormProblem,
  type VitalsForm,
} from './vitalsForm';

/** Every field the server may name: the rest of its messages show at the top of the form. */
const FIELDS = [
  'bloodPressure',
  'heartRate',
  'respiratoryRate',
  'temperature',
  'oxygenSaturation',
  'height',
  'weight',
  'headCircumference',
  'pain',
];

function FlagTag({ flag }: { flag: Flag | undefined }) {
  const tone = flagTone(flag);
  if (!tone || !flag) return null;
  return (
    <Tag tone={tone} icon={tone === 'danger' ? <IconAlertTriangle size={14} aria-hidden /> : undefined}>
      {flag} · {FLAG_WORDS[flag]}
    </Tag>
  );
}

function num(value: string | number | bigint): string {
  return typeof value === 'string' ? value : String(value);
}

/** The visit's readings with their flags. */
function ReadingsTable({ readings }: { readings: VitalReading[] }) {
  const timeZone = useClinicTimeZone();
  if (readings.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No vital signs taken at this visit yet.
      </Text>
    );
  }
  return (
    <Table striped withTableBorder verticalSpacing={4} aria-label="Vital signs taken at this visit">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Time</Table.Th>
          <Table.Th>Sign</Table.Th>
          <Table.Th>Value</Table.Th>
          <Table.Th>Flag</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {readings.map((r) => (
          <Table.Tr key={r.id} data-testid={`vital-${r.sign}`}>
            <Table.Td>{r.effective ? formatTime(r.effective, timeZone) : ''}</Table.Td>
            <Table.Td>{SIGN_WORDS[r.sign] ?? r.display}</Table.Td>
            <Table.Td>
              {readingWords(r)}
              {r.sign === 'bloodPressure' && (r.position || r.arm) ? (
                <Text span size="xs" c="dimmed">
                  {' '}
                  {[r.position, r.arm, r.cuff ? `${r.cuff} cuff` : undefined].filter(Boolean).join(', ')}
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>
              <FlagTag flag={r.flag} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Vital-sign entry (imperial or metric) with the server's safety checks: field errors next to the field, the
 * weight-change question, the critical-value banner, BMI after saving, and the visit's readings with flags.
 */
export function VitalsPanel({ visit, onSaved, checklistItems }: RoomingPanelProps) {
  const practice = usePractice();
  const queryClient = useQueryClient();
  const readings = useVisitVitals(visit.encounterId);
  const [form, setForm] = useState<VitalsForm>(() => emptyForm('imperial'));
  const [saved, setSaved] = useState<RecordedVitals | undefined>();
  const [question, setQuestion] = useState<string | undefined>();
  /** What the form refused before sending (shown at its field; cleared when the O2 fields change). */
  const [problem, setProblem] = useState<FormProblem | undefined>();
  const save = useAction((confirm: string[]) => saveVitals(visit.encounterId, toRequest(form, confirm)));
  const error = question ? undefined : save.error;
  const underThree = visit.patient.ageMonths !== undefined && visit.patient.ageMonths < 36;
  const timeZone = useClinicTimeZone();
  const imperial = form.units === 'imperial';

  const set = <K extends keyof VitalsForm>(key: K, value: VitalsForm[K]) => {
    if (key === 'spo2' || key === 'onOxygen' || key === 'oxygenFlow') setProblem(undefined);
    setForm((f) => ({ ...f, [key]: value }));
  };
  const setBp = (index: number, key: keyof BpRow, value: string) =>
    setForm((f) => ({ ...f, bp: f.bp.map((row, i) => (i === index ? { ...row, [key]: value } : row)) }));

  const submit = async (confirm: string[] = []) => {
    const refused = formProblem(form);
    setProblem(refused);
    if (refused) {
      setQuestion(undefined);
      return;
    }
    const result = await save.run(confirm);
    if (result.ok) {
      setQuestion(undefined);
      setSaved(result.value);
      setForm(emptyForm(form.units));
      await queryClient.invalidateQueries({ queryKey: visitVitalsKey(practice, visit.encounterId) });
      onSaved?.();
    } else if (
      result.error instanceof FhirError &&
      isWeightChangeQuestion(result.error.status, result.error.outcome)
    ) {
      setQuestion(result.error.message);
    }
  };

  const fieldError = (expression: string | string[]) => {
    const names = Array.isArray(expression) ? expression : [expression];
    return problem && names.includes(problem.field) ? problem.message : fieldErrorMessage(error, expression);
  };
  const banner = saved ? criticalBanner(saved) : undefined;

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed">
          Enter what you measured; blank signs are skipped.
        </Text>
        <SegmentedControl
          aria-label="Units"
          size="xs"
          value={form.units}
          onChange={(value) =>
            setForm((f) => ({
              ...f,
              units: value,
              temperatureUnit: value === 'imperial' ? 'F' : 'C',
            }))
          }
          data={[
            { value: 'imperial', label: 'Imperial (ft, lb, °F)' },
            { value: 'metric', label: 'Metric (cm, kg, °C)' },
          ]}
        />
      </Group>

      {banner && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          icon={<IconAlertTriangle size={18} aria-hidden />}
          title="Critical value"
        >
          {banner}
        </Alert>
      )}
      {saved?.bmi && (
        <Text size="sm" data-testid="vitals-bmi">
          BMI {saved.bmi.value} kg/m²
          {saved.bmi.heightFrom === 'earlier visit'
            ? ` (with the height of ${saved.bmi.heightTaken ? formatDateTime(saved.bmi.heightTaken, false, timeZone) : 'an earlier visit'})`
            : ''}
        </Text>
      )}
      {saved?.bmiNotComputed && (
        <Text size="sm" data-testid="vitals-bmi">
          {saved.bmiNotComputed}
        </Text>
      )}
      <FormErrors error={error} fields={FIELDS} />

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        aria-label="Vital signs"
      >
        <Stack gap="xs">
          <Title order={3} size="h6">
            Blood pressure
          </Title>
          {form.bp.map((row, i) => {
            const suffix = i === 0 ? '' : ` (reading ${i + 1})`;
            return (
              <Group key={i} gap="xs" align="flex-start" wrap="wrap">
                <NumberInput
                  label={`Systolic${suffix}`}
                  suffix=" mmHg"
                  hideControls
                  allowDecimal={false}
                  w={110}
                  value={row.systolic}
                  onChange={(v) => setBp(i, 'systolic', num(v))}
                  error={fieldErrorMessage(error, [`bloodPressure[${i}].systolic`, `bloodPressure[${i}]`])}
                />
                <NumberInput
                  label={`Diastolic${suffix}`}
                  suffix=" mmHg"
                  hideControls
                  allowDecimal={false}
                  w={110}
                  value={row.diastolic}
                  onChange={(v) => setBp(i, 'diastolic', num(v))}
                  error={fieldErrorMessage(error, `bloodPressure[${i}].diastolic`)}
                />
                <Select
                  label={`Position${suffix}`}
                  data={POSITIONS}
                  w={120}
                  value={row.position || null}
                  onChange={(v) => setBp(i, 'position', v ?? '')}
                  clearable
                />
                <Select
                  label={`Arm${suffix}`}
                  data={ARMS}
                  w={120}
                  value={row.arm || null}
                  onChange={(v) => setBp(i, 'arm', v ?? '')}
                  clearable
                />
                <Select
                  label={`Cuff${suffix}`}
                  data={CUFFS}
                  w={130}
                  value={row.cuff || null}
                  onChange={(v) => setBp(i, 'cuff', v ?? '')}
                  clearable
                />
              </Group>
            );
          })}
          <Group>
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconPlus size={14} aria-hidden />}
              onClick={() => setForm((f) => ({ ...f, bp: [...f.bp, emptyBp(f.bp[f.bp.length - 1])] }))}
              disabled={form.bp.length >= 10}
            >
              Add repeat reading
            </Button>
          </Group>

          <Group gap="xs" align="flex-start" wrap="wrap">
            <NumberInput
              label="Heart rate"
              suffix=" /min"
              hideControls
              allowDecimal={false}
              w={110}
              value={form.heartRate}
              onChange={(v) => set('heartRate', num(v))}
              error={fieldError('heartRate')}
            />
            <NumberInput
              label="Respiratory rate"
              suffix=" /min"
              hideControls
              allowDecimal={false}
              w={130}
              value={form.respiratoryRate}
              onChange={(v) => set('respiratoryRate', num(v))}
              error={fieldError('respiratoryRate')}
            />
            <NumberInput
              label="Temperature"
              suffix={form.temperatureUnit === 'F' ? ' °F' : ' °C'}
              hideControls
              decimalScale={1}
              w={110}
              value={form.temperature}
              onChange={(v) => set('temperature', num(v))}
              error={fieldError('temperature')}
            />
            <Stack gap={2}>
              <Text size="sm" fw={500} id="vitals-temp-unit">
                °F / °C
              </Text>
              <SegmentedControl
                aria-labelledby="vitals-temp-unit"
                size="xs"
                value={form.temperatureUnit}
                onChange={(v) => set('temperatureUnit', v)}
                data={[
                  { value: 'F', label: '°F' },
                  { value: 'C', label: '°C' },
                ]}
              />
            </Stack>
            <Select
              label="Method"
              data={TEMPERATURE_METHODS}
              w={160}
              value={form.temperatureMethod || null}
              onChange={(v) => set('temperatureMethod', v ?? '')}
              clearable
            />
          </Group>

          <Group gap="xs" align="flex-end" wrap="wrap">
            <NumberInput
              label="Oxygen saturation"
              suffix=" %"
              hideControls
              allowDecimal={false}
              w={160}
              value={form.spo2}
              onChange={(v) => set('spo2', num(v))}
              error={fieldError('oxygenSaturation.value')}
            />
            <Checkbox
              label="On supplemental O2"
              checked={form.onOxygen}
              onChange={(e) => set('onOxygen', e.currentTarget.checked)}
              mb={8}
            />
            {form.onOxygen && (
              <NumberInput
                label="O2 flow (L/min)"
                hideControls
                decimalScale={1}
                w={120}
                value={form.oxygenFlow}
                onChange={(v) => set('oxygenFlow', num(v))}
                error={fieldError('oxygenSaturation.oxygenFlow')}
              />
            )}
            {/* 0-10 is the patient's own rating: not asked under 3 years, unless the checklist (whole years on
                the clinic's date) asks for it: on a third birthday days / 30.4375 can still be under 36. */}
            {(!underThree || checklistItems?.includes('pain')) && (
              <NumberInput
                label="Pain (0-10)"
                hideControls
                allowDecimal={false}
                min={0}
                max={10}
                w={100}
                value={form.pain}
                onChange={(v) => set('pain', num(v))}
                error={fieldError('pain')}
              />
            )}
          </Group>

          <Group gap="xs" align="flex-start" wrap="wrap">
            {imperial ? (
              <>
                <NumberInput
                  label="Height (ft)"
                  hideControls
                  allowDecimal={false}
                  w={90}
                  value={form.heightFt}
                  onChange={(v) => set('heightFt', num(v))}
                  error={fieldError(['height', 'height.ft'])}
                />
                <NumberInput
                  label="Height (in)"
                  hideControls
                  decimalScale={2}
                  w={90}
                  value={form.heightIn}
                  onChange={(v) => set('heightIn', num(v))}
                  error={fieldError('height.in')}
                />
                <NumberInput
                  label="Weight (lb)"
                  hideControls
                  decimalScale={2}
                  w={100}
                  value={form.weightLb}
                  onChange={(v) => set('weightLb', num(v))}
                  error={fieldError(['weight', 'weight.lb'])}
                />
                <NumberInput
                  label="Weight (oz)"
                  hideControls
                  decimalScale={1}
                  w={100}
                  value={form.weightOz}
                  onChange={(v) => set('weightOz', num(v))}
                  error={fieldError('weight.oz')}
                />
              </>
            ) : (
              <>
                <NumberInput
                  label="Height (cm)"
                  hideControls
                  decimalScale={1}
                  w={110}
                  value={form.heightCm}
                  onChange={(v) => set('heightCm', num(v))}
                  error={fieldError('height')}
                />
                <NumberInput
                  label="Weight (kg)"
                  hideControls
                  decimalScale={3}
                  w={110}
                  value={form.weightKg}
                  onChange={(v) => set('weightKg', num(v))}
                  error={fieldError('weight')}
                />
              </>
            )}
            {underThree && (
              <NumberInput
                label={`Head circumference (${imperial ? 'in' : 'cm'})`}
                hideControls
                decimalScale={imperial ? 2 : 1}
                w={170}
                value={form.head}
                onChange={(v) => set('head', num(v))}
                error={fieldError('headCircumference')}
              />
            )}
          </Group>

          <Group>
            <Button type="submit" loading={save.pending} disabled={!hasAnything(form)}>
              Save vitals
            </Button>
          </Group>
        </Stack>
      </form>

      <Title order={3} size="h6">
        This visit
      </Title>
      {readings.isLoading ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : readings.error ? (
        <FormErrors error={readings.error} fields={[]} />
      ) : (
        <ReadingsTable readings={readings.data?.readings ?? []} />
      )}

      <Modal opened={question !== undefined} onClose={() => setQuestion(undefined)} title="Check the weight">
        <Stack gap="sm">
          <Text size="sm">{question}</Text>
          <Text size="sm">Weigh again if you can, and check lb against kg before you confirm.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setQuestion(undefined)}>
              Go back and check
            </Button>
            <Button color="orange" loading={save.pending} onClick={() => void submit(['weight-change'])}>
              Confirm weight and save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
