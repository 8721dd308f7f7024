import { Button, Group, Modal, Stack, Table, Text, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { formatDate } from '../patient/display';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import { useAction } from '../ui/useAction';
import { offerTime, visitPatientName } from './layout';
import { cancelAppointment, type BookedVisit, type ScheduleSetup, type WaitlistOffer } from './scheduleApi';
import { whenLabel } from './time';

/**
 * Cancelling a visit with a required reason. When the server offers the freed time to waitlisted patients,
 * the offers are listed here with a way to book one (it opens the booking dialog, prefilled).
 */
export function CancelDialog({
  visit,
  setup,
  onClose,
  onDone,
  onBookOffer,
}: {
  visit: BookedVisit;
  setup: ScheduleSetup;
  onClose: () => void;
  onDone: (message: string) => void;
  onBookOffer: (offer: WaitlistOffer) => void;
}) {
  const timeZone = setup.timeZone;
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<string>();
  const [offers, setOffers] = useState<WaitlistOffer[]>();
  const cancel = useAction(cancelAppointment);
  const name = visit.patient ? visitPatientName(visit.patient) : 'this patient';
  const message = `Cancelled ${name}’s visit on ${whenLabel(visit.start, timeZone)}.`;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setMissing('Say why the appointment is cancelled.');
      return;
    }
    setMissing(undefined);
    const result = await cancel.run(visit.id, reason.trim());
    if (!result.ok) return;
    const offered = result.value.offers ?? [];
    if (offered.length === 0) onDone(message);
    else setOffers(offered);
  }

  if (offers) {
    return (
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened
        onClose={() => onDone(message)}
        title="Offer the freed time"
        size="lg"
      >
        <Stack gap="sm">
          <Text size="sm" role="status">
            {message} {offers.length} waitlisted {offers.length === 1 ? 'patient wants' : 'patients want'} a
            time like this:
          </Text>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Patient</Table.Th>
                <Table.Th scope="col">Date of birth</Table.Th>
                <Table.Th scope="col">Visit</Table.Th>
                <Table.Th scope="col">Time</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">Action</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {offers.map((offer, index) => {
                const time = offerTime(offer);
                const type = typeof offer.visitType === 'string' ? offer.visitType : offer.visitType?.display;
                const who = offer.patient ? visitPatientName(offer.patient) : 'Restricted chart';
                return (
                  <Table.Tr key={offer.id ?? offer.waitlistId ?? offer.entryId ?? index}>
                    <Table.Td>{who}</Table.Td>
                    <Table.Td>{formatDate(offer.patient?.birthDate)}</Table.Td>
                    <Table.Td>{type}</Table.Td>
                    <Table.Td>{time ? whenLabel(time.start, timeZone) : ''}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-sm"
                        disabled={!offer.patient}
                        aria-label={`Book ${who}`}
                        onClick={() => onBookOffer(offer)}
                      >
                        Book
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onDone(message)}>
              Done
            </Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened
      onClose={onClose}
      title="Cancel the appointment"
    >
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Cancel the appointment">
        <Stack gap="sm">
          <Text size="sm">
            <b>{name}</b> · {visit.visitType.display} · {whenLabel(visit.start, timeZone)}
          </Text>
          <FormErrors error={cancel.error} fields={['reason']} />
          <Textarea
            label="Reason"
            required
            data-autofocus
            autosize
            minRows={2}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={missing ?? fieldErrorMessage(cancel.error, 'reason')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Keep the appointment
            </Button>
            <Button type="submit" color="red" loading={cancel.pending}>
              Cancel appointment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
