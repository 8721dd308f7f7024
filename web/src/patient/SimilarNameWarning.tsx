import type { Patient } from '@medplum/fhirtypes';
import { IconUsers } from '@tabler/icons-react';
import { useSameNameCount } from '../fhir/queries';
import { Tag } from '../ui/Tag';
import { officialName } from './display';

/**
 * "Similar name: check date of birth" when another patient has the same family and first given name
 * (Patient?family=&given=&_summary=count > 1): the classic wrong-chart error.
 */
export function SimilarNameWarning({ patient }: { patient: Patient }) {
  const name = officialName(patient);
  const count = useSameNameCount(name?.family, name?.given?.[0]);
  if (!count.data || count.data < 2) return null;
  return (
    <Tag tone="warning" testId="banner-similar-name" icon={<IconUsers size={14} aria-hidden />}>
      Similar name: check date of birth
    </Tag>
  );
}
