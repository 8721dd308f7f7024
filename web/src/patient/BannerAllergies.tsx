import { Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconQuestionMark } from '@tabler/icons-react';
import { isForbidden } from '../fhir/FhirError';
import { useAllergies } from '../fhir/queries';
import { Tag } from '../ui/Tag';
import { summarizeAllergies } from './allergySummary';

/** Allergies at a glance: each allergy, or "No known drug allergies", or a warning that none are recorded. */
export function BannerAllergies({ patientId }: { patientId: string }) {
  const allergies = useAllergies(patientId);
  if (allergies.isPending)
    return (
      <Text span size="sm">
        Loading…
      </Text>
    );
  if (allergies.isError) {
    // The role does not read clinical data (the front desk): not a fault, and not "none".
    if (isForbidden(allergies.error)) {
      return (
        <Text span size="sm" c="dimmed" data-testid="banner-allergies">
          Not shown to your role
        </Text>
      );
    }
    return (
      <Text span size="sm" c="red.9" data-testid="banner-allergies">
        Could not load allergies
      </Text>
    );
  }
  const summary = summarizeAllergies(allergies.data);
  switch (summary.kind) {
    case 'not-recorded':
      return (
        <Tag tone="warning" testId="banner-allergies" icon={<IconQuestionMark size={14} aria-hidden />}>
          Allergies not recorded
        </Tag>
      );
    case 'no-known-drug-allergies':
      return (
        <Group gap={4} component="span" data-testid="banner-allergies" wrap="nowrap">
          <IconCircleCheck size={16} aria-hidden />
          <Text span size="sm">
            No known drug allergies
          </Text>
        </Group>
      );
    case 'allergies':
      return (
        <Group gap={6} component="span" data-testid="banner-allergies" wrap="wrap">
          {summary.items.map((item, index) => (
            <Tag
              key={item.id ?? index}
              tone="danger"
              icon={item.high ? <IconAlertTriangle size={14} aria-hidden /> : undefined}
            >
              {item.text}
              {item.high ? ' (high risk)' : ''}
              {item.reactions.length ? `: ${item.reactions.join(', ')}` : ''}
            </Tag>
          ))}
        </Group>
      );
  }
}
