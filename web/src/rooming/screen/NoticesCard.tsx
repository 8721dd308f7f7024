import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertOctagon, IconBell } from '@tabler/icons-react';
import { formatTime } from '../../patient/display';
import { Tag } from '../../ui/Tag';
import type { NoticeView } from './roomingApi';
import { noticeKindWords, priorityWords } from './screenModel';
import { useClinicTimeZone } from '../../app/SiteContext';

/** Open notices to the provider about this visit; a provider acknowledges them here. */
export function NoticesCard({
  notices,
  canAcknowledge,
  busy,
  onAcknowledge,
  title = 'Notices to the provider',
}: {
  notices: NoticeView[];
  canAcknowledge: boolean;
  busy: string | undefined;
  onAcknowledge: (notice: NoticeView) => void;
  title?: string;
}) {
  const timeZone = useClinicTimeZone();
  return (
    <Paper p="sm" withBorder aria-labelledby="rooming-notices-title" component="section">
      <Stack gap="xs">
        <Title order={2} size="h4" id="rooming-notices-title">
          {title}
        </Title>
        {notices.length === 0 ? (
          <Text size="sm" c="dimmed">
            No open notices.
          </Text>
        ) : (
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Open notices">
            {notices.map((notice) => (
              <li
                key={notice.id}
                data-notice={notice.id}
                data-priority={notice.priority}
                style={{ padding: '4px 0' }}
              >
                <Group gap="sm" wrap="nowrap" justify="space-between">
                  <Group gap={6} wrap="nowrap">
                    {notice.priority === 'routine' ? (
                      <Tag tone="info" icon={<IconBell size={14} aria-hidden />}>
                        {priorityWords(notice.priority)}
                      </Tag>
                    ) : (
                      <Tag tone="danger" icon={<IconAlertOctagon size={14} aria-hidden />}>
                        {priorityWords(notice.priority)}
                      </Tag>
                    )}
                    <Stack gap={0}>
                      <Text size="sm" fw={500}>
                        {noticeKindWords(notice.kind)}
                        {notice.patientName ? `: ${notice.patientName}` : ''}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {notice.text}
                        {notice.sent
                          ? ` (${formatTime(notice.sent, timeZone)}${notice.from ? `, ${notice.from}` : ''})`
                          : ''}
                      </Text>
                    </Stack>
                  </Group>
                  {canAcknowledge && (
                    <Button
                      size="compact-sm"
                      variant="light"
                      loading={busy === notice.id}
                      onClick={() => onAcknowledge(notice)}
                      aria-label={`Acknowledge: ${noticeKindWords(notice.kind)}`}
                    >
                      Acknowledge
                    </Button>
                  )}
                </Group>
              </li>
            ))}
          </ul>
        )}
      </Stack>
    </Paper>
  );
}
