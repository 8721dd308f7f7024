import { Group } from '@mantine/core';
import { IconFlag } from '@tabler/icons-react';
import { useFlags } from '../fhir/queries';
import { Tag } from '../ui/Tag';
import { conceptText } from './display';
import { BannerField } from './BannerField';

/** Active flags (Flag?patient=), each as a tag; nothing when there are none. */
export function BannerFlags({ patientId }: { patientId: string }) {
  const flags = useFlags(patientId);
  if (!flags.data?.length) return null;
  return (
    <BannerField label="Flags">
      <Group gap={6} component="span" wrap="wrap">
        {flags.data.map((flag, index) => (
          <Tag key={flag.id ?? index} tone="warning" icon={<IconFlag size={14} aria-hidden />}>
            {conceptText(flag.code) || 'Flag'}
          </Tag>
        ))}
      </Group>
    </BannerField>
  );
}
