import { Select } from '@mantine/core';
import { IconBuildingHospital } from '@tabler/icons-react';
import { useSites } from '../fhir/queries';
import { siteName } from './siteName';
import { useSite } from './SiteContext';

/**
 * The site the MA is working at: the practice's Locations that are not part of another.
 * (Mantine's Select, not a native one: its options exist only while open, so the patient search's
 * results are the only `option`s on the page.)
 */
export function SiteSelect({ practiceName }: { practiceName: string | undefined }) {
  const sites = useSites();
  const { siteId, setSiteId } = useSite();
  const options = (sites.data ?? []).map((site) => ({
    value: site.id ?? '',
    label: siteName(site, practiceName),
  }));
  if (options.length === 0) return null;
  return (
    <Select
      aria-label="Location"
      leftSection={<IconBuildingHospital size={16} aria-hidden />}
      data={options}
      value={siteId ?? null}
      onChange={(value) => value && setSiteId(value)}
      allowDeselect={false}
      checkIconPosition="right"
      w={180}
    />
  );
}
