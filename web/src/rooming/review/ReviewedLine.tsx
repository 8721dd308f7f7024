import { Button, Group, Text } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { reviewedText, type ReviewStamp } from './reviewModel';

/** "Reviewed today by <user> at <time>" with the button that stamps the review. */
export function ReviewedLine({
  stamp,
  label,
  pending,
  onReview,
}: {
  stamp: ReviewStamp | undefined;
  /** The button's words, e.g. "Mark allergies reviewed". */
  label: string;
  pending: boolean;
  onReview: () => void;
}) {
  return (
    <Group gap="sm" justify="space-between" wrap="wrap">
      <Text size="sm" c={stamp ? undefined : 'dimmed'} role="status">
        {stamp && (
          <IconCheck
            size={14}
            aria-hidden
            color="var(--mantine-color-green-8)"
            style={{ verticalAlign: 'middle', marginRight: 4 }}
          />
        )}
        {reviewedText(stamp, new Date())}
      </Text>
      <Button size="xs" onClick={onReview} loading={pending}>
        {label}
      </Button>
    </Group>
  );
}
