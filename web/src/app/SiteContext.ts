import { createContext, useContext } from 'react';

/** The site (Location without partOf) the MA works at today. Kept in memory only, never in storage. */
export interface SiteChoice {
  siteId: string | undefined;
  /** The site's IANA time zone (Location extension "timezone"); times on screen are the clinic's local times. */
  timeZone: string | undefined;
  setSiteId: (id: string) => void;
}

export const SiteContext = createContext<SiteChoice>({
  siteId: undefined,
  timeZone: undefined,
  setSiteId: () => undefined,
});

export function useSite(): SiteChoice {
  return useContext(SiteContext);
}

const TIMEZONE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/timezone';

/** The time zone a Location declares, if any. */
export function locationTimeZone(
  location: { extension?: { url: string; valueCode?: string }[] } | undefined
): string | undefined {
  return location?.extension?.find((e) => e.url === TIMEZONE_EXTENSION)?.valueCode;
}

/** The clinic's time zone for formatting times (undefined: the browser's). */
export function useClinicTimeZone(): string | undefined {
  return useContext(SiteContext).timeZone;
}
