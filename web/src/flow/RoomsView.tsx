import { Button, Card, Group, SimpleGrid, Text } from '@mantine/core';
import { IconDoor, IconSparkles, IconUser } from '@tabler/icons-react';
import { Tag } from '../ui/Tag';
import type { FlowBoard, Room } from './flowApi';
import { formatMinutes, minutesSince } from './flowModel';

export const ROOM_STATUS_LABELS: Record<Room['status'], string> = {
  free: 'Free',
  occupied: 'Occupied',
  'needs-cleaning': 'Needs cleaning',
};

export function RoomStatusTag({ room }: { room: Room }) {
  switch (room.status) {
    case 'free':
      return (
        <Tag tone="neutral" icon={<IconDoor size={14} aria-hidden />}>
          Free
        </Tag>
      );
    case 'occupied':
      return (
        <Tag tone="info" icon={<IconUser size={14} aria-hidden />}>
          Occupied
        </Tag>
      );
    case 'needs-cleaning':
      return (
        <Tag tone="warning" icon={<IconSparkles size={14} aria-hidden />}>
          Needs cleaning
        </Tag>
      );
  }
}

/** The site's rooms: who is in each, which wait to be cleaned (with "Mark clean"). */
export function RoomsView({
  board,
  now,
  busy,
  onMarkClean,
}: {
  board: FlowBoard;
  now: number;
  busy: string | undefined;
  onMarkClean: (room: Room) => void;
}) {
  if (board.rooms.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        This site has no rooms set up.
      </Text>
    );
  }
  return (
    <SimpleGrid
      cols={{ base: 2, sm: 3, lg: 4 }}
      spacing="sm"
      component="ul"
      style={{ listStyle: 'none', padding: 0 }}
    >
      {board.rooms.map((room) => (
        <Card
          key={room.id}
          withBorder
          padding="sm"
          component="li"
          aria-label={`Room ${room.name}`}
          data-room-status={room.status}
        >
          <Group justify="space-between" wrap="nowrap" mb={4}>
            <Text fw={700}>{room.name}</Text>
            <RoomStatusTag room={room} />
          </Group>
          <Text size="sm">
            {room.status === 'occupied'
              ? (room.patient?.name ?? 'Restricted chart')
              : room.status === 'needs-cleaning'
                ? 'Waiting to be cleaned'
                : 'Ready for a patient'}
          </Text>
          {room.since && (
            <Text size="xs" c="dimmed">
              for {formatMinutes(minutesSince(room.since, now))}
            </Text>
          )}
          {room.status === 'needs-cleaning' && (
            <Button
              mt={6}
              size="compact-sm"
              variant="light"
              loading={busy === room.id}
              onClick={() => onMarkClean(room)}
            >
              Mark clean
            </Button>
          )}
        </Card>
      ))}
    </SimpleGrid>
  );
}
