import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { NoticeView } from './roomingApi';
import { noticeKindWords, priorityWords } from './screenModel';

/** A provider's open notices about their other visits, each a link to that visit's rooming screen. */
export function OtherNotices({ notices }: { notices: NoticeView[] }) {
  if (notices.length === 0) return null;
  return (
    <Paper p="sm" withBorder component="section" aria-labelledby="rooming-other-notices-title">
      <Stack gap={4}>
        <Title order={2} size="h5" id="rooming-other-notices-title">
          Your other open notices
        </Title>
        <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {notices.map((notice) => (
            <li key={notice.id} style={{ padding: '2px 0' }}>
              <Text size="sm">
                <Text
                  span
                  fw={notice.priority === 'routine' ? 400 : 700}
                  c={notice.priority === 'routine' ? undefined : 'red.9'}
                >
                  {priorityWords(notice.priority)}
                </Text>{' '}
                {notice.encounterId ? (
                  <Anchor component={Link} to={`/rooming/${encodeURIComponent(notice.encounterId)}`} inherit>
                    {noticeKindWords(notice.kind)}
                    {notice.patientName ? `: ${notice.patientName}` : ''}
                  </Anchor>
                ) : (
                  `${noticeKindWords(notice.kind)}${notice.patientName ? `: ${notice.patientName}` : ''}`
                )}
              </Text>
            </li>
          ))}
        </ul>
      </Stack>
    </Paper>
  );
}
