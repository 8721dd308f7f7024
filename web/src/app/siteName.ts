import type { Location } from '@medplum/fhirtypes';

/** A site's name without the practice's name in front ("Riverbend Family Medicine - Oak Hollow" -> "Oak Hollow"). */
export function siteName(site: Pick<Location, 'name' | 'id'>, practiceName: string | undefined): string {
  const name = site.name ?? site.id ?? 'Unnamed site';
  if (!practiceName) return name;
  for (const separator of [' - ', ' – ', ': ']) {
    const prefix = practiceName + separator;
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
  }
  return name;
}
