import { createContext, useContext } from 'react';

/** The site (Location without partOf) the MA works at today. Kept in memory only, never in storage. */
export interface SiteChoice {
  siteId: string | undefined;
  setSiteId: (id: string) => void;
}

export const SiteContext = createContext<SiteChoice>({ siteId: undefined, setSiteId: () => undefined });

export function useSite(): SiteChoice {
  return useContext(SiteContext);
}
