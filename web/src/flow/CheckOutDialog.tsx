import {
  Alert,
  Anchor,
  Button,
  Divider,
  Group,
  Modal,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconCalendarEvent, IconCircleCheck, IconPrinter } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { formatDateTime } from '../patient/display';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import {
  checkOut,
  summaryPdfUrl,
  useCheckOutInfo,
  type CheckOutInfo,
  type CheckOutResult,
  type FlowRow,
  type PaymentMethod,
} from './flowApi';
import { OneQuery } from './OneQuery';

const FIELDS = [
  'followUp',
  'followUp.start',
  'followUp.scheduleId',
  'followUp.visitType',
  'payment',
  'payment.amount',
  'payment.method',
  'payment.reference',
] as const;

const NO_FOLLOW_UP = 'none';

/** A suggested slot as one choice: the schedule and the start identify it. */
function slotValue(slot: { scheduleId: string; start: string }): string {
  return `${slot.scheduleId}|${slot.start}`;
}

/**
 * Checks a patient out (POST /api/flow/encounters/:id/check-out): books the follow-up the provider asked
 * for from the suggested times, takes any balance, and offers the visit summary to print. The server frees
 * the room for cleaning.
 */
export function CheckOutDialog({
  row,
  timeZone,
  onClose,
  onDone,
}: {
  row: FlowRow | undefined;
  timeZone: string | undefined;
  onClose: () => void;
  onDone: () => void;
}) {
  const info = useCheckOutInfo(row?.encounterId);
  const [result, setResult] = useState<CheckOutResult>();
  const close = () => {
    setResult(undefined);
    onClose();
  };
  return (
    <Modal
      opened={row !== undefined}
      onClose={close}
      title="Check out"
      closeButtonProps={{ 'aria-label': 'Close' }}
      size="lg"
    >
      {row?.encounterId && result ? (
        <Stack gap="sm">
          <Alert color="green" variant="light" icon={<IconCircleCheck size={18} aria-hidden />} role="status">
            Checked out.{' '}
            {result.appointment?.start
              ? `Follow-up booked for ${formatDateTime(result.appointment.start, true, timeZone)}.`
              : ''}{' '}
            The room needs cleaning.
          </Alert>
          <Group gap="md">
            <Anchor href={summaryPdfUrl(row.encounterId)} target="_blank" rel="noopener">
              <IconPrinter size={14} aria-hidden style={{ verticalAlign: 'middle' }} /> Print visit summary
            </Anchor>
            {result.receipt && (
              <Anchor href={result.receipt.pdf} target="_blank" rel="noopener">
                <IconPrinter size={14} aria-hidden style={{ verticalAlign: 'middle' }} /> Print receipt{' '}
                {result.receipt.number}
              </Anchor>
            )}
          </Group>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : row?.encounterId ? (
        <OneQuery query={info} label="the check-out details">
          {(details) => (
            <CheckOutForm
              key={row.encounterId}
              encounterId={row.encounterId ?? ''}
              patientName={row.patient?.name ?? 'Restricted chart'}
              info={details}
              timeZone={timeZone}
              onCancel={close}
              onCheckedOut={(value) => {
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

function CheckOutForm({
  encounterId,
  patientName,
  info,
  timeZone,
  onCancel,
  onCheckedOut,
}: {
  encounterId: string;
  patientName: string;
  info: CheckOutInfo;
  timeZone: string | undefined;
  onCancel: () => void;
  onCheckedOut: (result: CheckOutResult) => void;
}) {
  const [slot, setSlot] = useState<string>(NO_FOLLOW_UP);
  const [amount, setAmount] = useState<number | string>(info.balance > 0 ? info.balance : '');
  const [method, setMethod] = useState<PaymentMethod | null>(null);
  const [reference, setReference] = useState('');
  const action = useAction(checkOut);
  const error = action.error;

  const paid = typeof amount === 'number' ? amount : Number.parseFloat(amount);
  const takesPayment = Number.isFinite(paid) && paid > 0;
  // The contract always sends `suggestions`; an older server left it out when it had no scheduling engine.
  const suggestions = info.suggestions ?? [];
  const chosen = suggestions.find((s) => slotValue(s) === slot);
  const complete = !takesPayment || method !== null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!complete) return;
    const outcome = await action.run(encounterId, {
      ...(chosen && info.followUp
        ? {
            followUp: {
              visitType: info.followUp.visitType,
              scheduleId: chosen.scheduleId,
              start: chosen.start,
            },
          }
        : {}),
      ...(takesPayment && method
        ? { payment: { amount: paid, method, ...(reference.trim() ? { reference: reference.trim() } : {}) } }
        : {}),
    });
    if (outcome.ok) onCheckedOut(outcome.value);
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Check out">
      <Stack gap="sm">
        <Text size="sm">
          Checking out <strong>{patientName}</strong>.
        </Text>
        <FormErrors error={error} fields={FIELDS} />

        <section aria-labelledby="checkout-follow-up">
          <Title order={3} size="h5" id="checkout-follow-up">
            Follow-up
          </Title>
          {info.followUp ? (
            <Text size="sm" mb={4}>
              <IconCalendarEvent size={14} aria-hidden style={{ verticalAlign: 'middle' }} /> The provider
              asks: <strong>{info.followUp.text}</strong>
            </Text>
          ) : (
            <Text size="sm" c="dimmed" mb={4}>
              No follow-up ordered.
            </Text>
          )}
          {info.followUp && (
            <Radio.Group
              label="Book the follow-up"
              value={slot}
              onChange={setSlot}
              error={fieldErrorMessage(error, ['followUp', 'followUp.start', 'followUp.scheduleId'])}
            >
              <Stack gap={4} mt={4}>
                {suggestions.map((s) => (
                  <Radio
                    key={slotValue(s)}
                    value={slotValue(s)}
                    label={`${formatDateTime(s.start, true, timeZone)}${s.practitioner ? ` with ${s.practitioner.name}` : ''} (${s.location.name})`}
                  />
                ))}
                {suggestions.length === 0 && (
                  <Text size="sm" c="dimmed">
                    No free time found in that window: book it from the schedule.
                  </Text>
                )}
                <Radio value={NO_FOLLOW_UP} label="Do not book now" />
              </Stack>
            </Radio.Group>
          )}
        </section>

        <Divider />
        <section aria-labelledby="checkout-payment">
          <Title order={3} size="h5" id="checkout-payment">
            Balance: ${(info.balance ?? 0).toFixed(2)}
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
              error={fieldErrorMessage(error, ['payment.amount', 'payment'])}
            />
            <Select
              label="Method"
              placeholder="Choose"
              data={[
                { value: 'cash', label: 'Cash' },
                { value: 'card', label: 'Card' },
                { value: 'check', label: 'Check' },
              ]}
              value={method}
              onChange={(value) => setMethod(value)}
              required={takesPayment}
              error={fieldErrorMessage(error, 'payment.method')}
            />
            <TextInput
              label="Reference"
              description="Check number or card slip"
              value={reference}
              onChange={(e) => setReference(e.currentTarget.value)}
              error={fieldErrorMessage(error, 'payment.reference')}
            />
          </SimpleGrid>
        </section>

        <Group justify="space-between">
          <Anchor href={summaryPdfUrl(encounterId)} target="_blank" rel="noopener" size="sm">
            <IconPrinter size={14} aria-hidden style={{ verticalAlign: 'middle' }} /> Print visit summary
          </Anchor>
          <Group>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={action.pending} disabled={!complete}>
              Check out
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
