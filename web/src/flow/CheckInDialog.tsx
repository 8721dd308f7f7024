import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Divider,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconPrinter } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { formatDate, formatDateTime } from '../patient/display';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { Tag } from '../ui/Tag';
import { useAction } from '../ui/useAction';
import {
  checkIn,
  useCheckInInfo,
  type CheckInInfo,
  type CheckInPatient,
  type CheckInResult,
  type FlowRow,
  type PaymentMethod,
} from './flowApi';
import { FLAG_LABELS } from './flowModel';
import { OneQuery } from './OneQuery';

/** The consents check-in asks about (src/clinic/flow/checkIn.ts CONSENT_TYPES), in the clinic's words. */
const CONSENT_LABELS: Record<string, string> = {
  'consent-to-treat': 'Consent to treat',
  'privacy-practices': 'Notice of privacy practices',
  'financial-policy': 'Financial policy',
};

/** The fields the form shows; the server's other complaints show at the top. */
const FIELDS = [
  'identity',
  'identity.name',
  'identity.birthDate',
  'demographicsVerified',
  'coverageVerified',
  'copay',
  'copay.amount',
  'copay.method',
  'copay.reference',
  'flags',
] as const;

const METHODS: { value: PaymentMethod; label: string }[] = [
  { value: 'cash', label: 'Cash' },
  { value: 'card', label: 'Card' },
  { value: 'check', label: 'Check' },
];

/**
 * Checks a scheduled patient in (POST /api/flow/check-in): the patient states their name and date of birth
 * (the server compares them with the chart), the front desk confirms demographics and coverage, takes the
 * co-pay and notes flags. The receipt can be printed afterwards.
 */
export function CheckInDialog({
  row,
  onClose,
  onDone,
}: {
  row: FlowRow | undefined;
  onClose: () => void;
  onDone: () => void;
}) {
  const info = useCheckInInfo(row?.appointmentId);
  const [result, setResult] = useState<CheckInResult>();
  const close = () => {
    setResult(undefined);
    onClose();
  };
  return (
    <Modal
      opened={row !== undefined}
      onClose={close}
      title="Check in"
      closeButtonProps={{ 'aria-label': 'Close' }}
      size="lg"
    >
      {row && result ? (
        <CheckedIn result={result} onClose={close} />
      ) : row ? (
        <OneQuery query={info} label="the check-in details">
          {(details) => (
            <CheckInForm
              key={row.appointmentId}
              row={row}
              info={details}
              onCancel={close}
              onCheckedIn={(value) => {
                setResult(value);
                onDone();
              }}
            />
          )}
        </OneQuery>
      ) : null}
    </Modal>
  );
}

function CheckedIn({ result, onClose }: { result: CheckInResult; onClose: () => void }) {
  return (
    <Stack gap="sm">
      <Alert color="green" variant="light" icon={<IconCircleCheck size={18} aria-hidden />} role="status">
        Checked in. The patient is waiting.
      </Alert>
      {result.receipt && (
        <Text size="sm">
          Receipt {result.receipt.number}:{' '}
          <Anchor href={result.receipt.pdf} target="_blank" rel="noopener">
            <IconPrinter size={14} aria-hidden style={{ verticalAlign: 'middle' }} /> Print receipt
          </Anchor>
        </Text>
      )}
      <Group justify="flex-end">
        <Button onClick={onClose}>Done</Button>
      </Group>
    </Stack>
  );
}

function CheckInForm({
  row,
  info,
  onCancel,
  onCheckedIn,
}: {
  row: FlowRow;
  info: CheckInInfo;
  onCancel: () => void;
  onCheckedIn: (result: CheckInResult) => void;
}) {
  const [statedName, setStatedName] = useState('');
  const [statedBirthDate, setStatedBirthDate] = useState('');
  const [demographicsVerified, setDemographicsVerified] = useState(false);
  const [coverageVerified, setCoverageVerified] = useState<string[]>([]);
  const [amount, setAmount] = useState<number | string>(info.copayDue ?? '');
  const [method, setMethod] = useState<PaymentMethod | null>(null);
  const [reference, setReference] = useState('');
  const [flags, setFlags] = useState<string[]>(row.flags);
  const action = useAction(checkIn);
  const error = action.error;

  useEffect(() => {
    if (info.copayDue !== undefined) setAmount(info.copayDue);
  }, [info.copayDue]);

  const copayAmount = typeof amount === 'number' ? amount : Number.parseFloat(amount);
  const takesCopay = Number.isFinite(copayAmount) && copayAmount > 0;
  const complete =
    statedName.trim() !== '' &&
    /^\d{4}-\d{2}-\d{2}$/.test(statedBirthDate) &&
    demographicsVerified &&
    (!takesCopay || method !== null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!complete) return;
    const outcome = await action.run({
      appointmentId: row.appointmentId,
      identity: { name: statedName.trim(), birthDate: statedBirthDate },
      demographicsVerified: true,
      coverageVerified,
      ...(takesCopay && method
        ? {
            copay: {
              amount: copayAmount,
              method,
              ...(reference.trim() ? { reference: reference.trim() } : {}),
            },
          }
        : {}),
      flags,
    });
    if (outcome.ok) onCheckedIn(outcome.value);
  }

  const missingConsents = info.consents.filter((c) => c.status !== 'ok');
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Check in">
      <Stack gap="sm">
        <FormErrors error={error} fields={FIELDS} />

        <section aria-labelledby="checkin-identity">
          <Title order={3} size="h5" id="checkin-identity">
            Identity
          </Title>
          <Text size="sm" mb={4}>
            On the chart: <strong>{row.patient?.name ?? 'Restricted chart'}</strong>, born{' '}
            <strong>{formatDate(row.patient?.birthDate)}</strong>. Ask the patient to state both.
          </Text>
          <SimpleGrid cols={2} spacing="sm">
            <TextInput
              label="Full name as stated"
              required
              autoComplete="off"
              value={statedName}
              onChange={(e) => setStatedName(e.currentTarget.value)}
              error={fieldErrorMessage(error, ['identity.name', 'identity'])}
            />
            <TextInput
              label="Date of birth as stated"
              type="date"
              required
              value={statedBirthDate}
              onChange={(e) => setStatedBirthDate(e.currentTarget.value)}
              error={fieldErrorMessage(error, 'identity.birthDate')}
            />
          </SimpleGrid>
        </section>

        <Divider />
        <section aria-labelledby="checkin-demographics">
          <Title order={3} size="h5" id="checkin-demographics">
            Demographics
          </Title>
          <Demographics patient={info.patient} />
          <Text size="xs" c="dimmed">
            {info.demographicsVerified
              ? `Last confirmed ${formatDateTime(info.demographicsVerified.at)}${info.demographicsVerified.by ? ` by ${info.demographicsVerified.by}` : ''}`
              : 'Never confirmed at a check-in'}
          </Text>
          <Checkbox
            mt={6}
            label="Demographics verified today (address, phone)"
            checked={demographicsVerified}
            onChange={(e) => setDemographicsVerified(e.currentTarget.checked)}
            error={fieldErrorMessage(error, 'demographicsVerified')}
          />
        </section>

        <Divider />
        <section aria-labelledby="checkin-coverage">
          <Title order={3} size="h5" id="checkin-coverage">
            Coverage
          </Title>
          {info.coverages.length === 0 ? (
            <Tag tone="warning" icon={<IconAlertTriangle size={14} aria-hidden />}>
              No coverage on file: self-pay, or register the insurance
            </Tag>
          ) : (
            <Stack gap={4}>
              {info.coverages.map((coverage) => (
                <Checkbox
                  key={coverage.id}
                  label={`Verified today: ${coverage.payer}${coverage.memberId ? `, member ${coverage.memberId}` : ''}`}
                  description={
                    coverage.verified
                      ? `Last verified ${formatDateTime(coverage.verified.at)}${coverage.verified.by ? ` by ${coverage.verified.by}` : ''}`
                      : 'Never verified'
                  }
                  checked={coverageVerified.includes(coverage.id)}
                  onChange={(e) => {
                    const checked = e.currentTarget.checked;
                    setCoverageVerified((list) =>
                      checked ? [...list, coverage.id] : list.filter((x) => x !== coverage.id)
                    );
                  }}
                />
              ))}
            </Stack>
          )}
          {fieldErrorMessage(error, 'coverageVerified') && (
            <Text size="sm" c="red.9" role="alert">
              {fieldErrorMessage(error, 'coverageVerified')}
            </Text>
          )}
        </section>

        <section aria-labelledby="checkin-consents">
          <Title order={3} size="h5" id="checkin-consents">
            Consents
          </Title>
          {info.consents.length === 0 ? (
            <Text size="sm" c="dimmed">
              No consents required.
            </Text>
          ) : (
            <Group gap={6}>
              {info.consents.map((consent) => (
                <Tag
                  key={consent.type}
                  tone={consent.status === 'ok' ? 'neutral' : 'warning'}
                  icon={
                    consent.status === 'ok' ? (
                      <IconCircleCheck size={14} aria-hidden />
                    ) : (
                      <IconAlertTriangle size={14} aria-hidden />
                    )
                  }
                >
                  {CONSENT_LABELS[consent.type] ?? consent.type}:{' '}
                  {consent.status === 'ok'
                    ? `signed${consent.date ? ` ${formatDate(consent.date)}` : ''}`
                    : consent.status === 'expired'
                      ? `expired${consent.date ? ` ${formatDate(consent.date)}` : ''}`
                      : 'missing'}
                </Tag>
              ))}
            </Group>
          )}
          {missingConsents.length > 0 && (
            <Text size="sm" mt={4}>
              Have the patient sign {missingConsents.length === 1 ? 'the missing form' : 'the missing forms'}{' '}
              before the visit.
            </Text>
          )}
        </section>

        <Divider />
        <section aria-labelledby="checkin-copay">
          <Title order={3} size="h5" id="checkin-copay">
            Co-pay{info.copayDue !== undefined ? ` (due: $${info.copayDue.toFixed(2)})` : ''}
          </Title>
          <SimpleGrid cols={3} spacing="sm">
            <NumberInput
              label="Amount paid"
              prefix="$"
              min={0}
              decimalScale={2}
              fixedDecimalScale
              value={amount}
              onChange={setAmount}
              error={fieldErrorMessage(error, ['copay.amount', 'copay'])}
            />
            <Select
              label="Method"
              placeholder="Choose"
              data={METHODS}
              value={method}
              onChange={(value) => setMethod(value)}
              required={takesCopay}
              error={fieldErrorMessage(error, 'copay.method')}
            />
            <TextInput
              label="Reference"
              description="Check number or card slip"
              value={reference}
              onChange={(e) => setReference(e.currentTarget.value)}
              error={fieldErrorMessage(error, 'copay.reference')}
            />
          </SimpleGrid>
        </section>

        <Checkbox.Group
          label="Flags for the team"
          value={flags}
          onChange={setFlags}
          error={fieldErrorMessage(error, 'flags')}
        >
          <Group gap="md" mt={4}>
            {Object.entries(FLAG_LABELS).map(([value, label]) => (
              <Checkbox key={value} value={value} label={label} />
            ))}
          </Group>
        </Checkbox.Group>

        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={action.pending} disabled={!complete}>
            Check in
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Sex, phone and address from the patient the check-in details carry (a FHIR Patient or a summary). */
function Demographics({ patient }: { patient: CheckInPatient }) {
  const phone = patient.phone ?? patient.telecom?.find((t) => t.system === 'phone')?.value;
  const email = patient.email ?? patient.telecom?.find((t) => t.system === 'email')?.value;
  const address = patient.address?.[0];
  const addressText = address
    ? [...(address.line ?? []), [address.city, address.state].filter(Boolean).join(', '), address.postalCode]
        .map(text)
        .filter(Boolean)
        .join(', ')
    : '';
  const missing = [!phone && 'phone', !addressText && 'address'].filter(Boolean);
  return (
    <Stack gap={2}>
      <Text size="sm">Phone: {phone ?? '—'}</Text>
      {email && <Text size="sm">Email: {email}</Text>}
      <Text size="sm">Address: {addressText || '—'}</Text>
      {missing.length > 0 && (
        <Tag tone="warning" icon={<IconAlertTriangle size={14} aria-hidden />}>
          Missing: {missing.join(', ')}
        </Tag>
      )}
    </Stack>
  );
}
