import { Group, Text } from '@mantine/core';
import type { Patient } from '@medplum/fhirtypes';
import { IconLanguage } from '@tabler/icons-react';
import { Tag } from '../ui/Tag';
import { languageNeed } from './display';

/** Preferred language, and "Interpreter needed" when the record says so or the language is not English. */
export function BannerLanguage({ patient }: { patient: Patient }) {
  const { language, interpreter } = languageNeed(patient);
  return (
    <Group gap={6} wrap="nowrap" component="span">
      <Text span size="sm">
        {language ?? 'Not recorded'}
      </Text>
      {interpreter && (
        <Tag tone="info" icon={<IconLanguage size={14} aria-hidden />}>
          Interpreter needed
        </Tag>
      )}
    </Group>
  );
}
