import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { fieldErrorMessage } from '../ui/FieldError';
import { FormErrors } from '../ui/FormErrors';
import type { FlowRow, Room } from './flowApi';

/** Rooms a patient: choose one of the free rooms (the server refuses one taken meanwhile). */
export function RoomDialog({
  row,
  rooms,
  pending,
  error,
  onClose,
  onRoom,
}: {
  row: FlowRow | undefined;
  rooms: Room[];
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onRoom: (row: FlowRow, roomId: string) => void;
}) {
  const [roomId, setRoomId] = useState<string | null>(null);
  const free = rooms.filter((room) => room.status === 'free');
  const close = () => {
    setRoomId(null);
    onClose();
  };
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (row && roomId) onRoom(row, roomId);
  }
  return (
    <Modal
      opened={row !== undefined}
      onClose={close}
      title="Room the patient"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form onSubmit={onSubmit} noValidate aria-label="Room the patient">
        <Stack gap="sm">
          <Text size="sm">
            <strong>{row?.patient?.name ?? 'Restricted chart'}</strong>, {row?.visitType.display}
          </Text>
          <FormErrors error={error} fields={['room']} />
          <Select
            label="Room"
            placeholder={free.length ? 'Choose a free room' : 'No room is free'}
            data={free.map((room) => ({ value: room.id, label: room.name }))}
            value={roomId}
            onChange={setRoomId}
            required
            error={fieldErrorMessage(error, 'room')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} disabled={!roomId}>
              Room
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
