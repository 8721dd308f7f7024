import { send, sendJson } from '../fhir/http';

/** A distribution of minutes (docs/front-desk-api.md, "Wait-time report"). */
export interface MinuteStats {
  n: number;
  median: number | null;
  p90: number | null;
}

export interface WaitTimeFigures {
  visits: number;
  leftWithoutBeingSeen: number;
  arrivalToRoomed: MinuteStats;
  roomedToProvider: MinuteStats;
  totalVisit: MinuteStats;
  appointmentsDue: number;
  noShows: number;
  noShowRate: number | null;
  onTimeEligible: number;
  onTimeStarts: number;
  onTimeRate: number | null;
}

export interface WaitTimeRow extends WaitTimeFigures {
  date: string;
  provider: { id: string; name: string };
}

export interface WaitTimeDay extends WaitTimeFigures {
  date: string;
}

export interface WaitTimeReport {
  from: string;
  to: string;
  location?: string;
  provider?: string;
  generatedAt: string;
  definitions: Record<'median' | 'p90' | 'onTime' | 'noShowRate' | 'scope', string>;
  rows: WaitTimeRow[];
  days: WaitTimeDay[];
  total: WaitTimeFigures;
}

/** `GET /api/reports/wait-times` (no patient details in the query: dates, a site id, a practitioner id). */
export function fetchWaitTimes(query: URLSearchParams, signal?: AbortSignal): Promise<WaitTimeReport> {
  return sendJson<WaitTimeReport>(`/api/reports/wait-times?${query.toString()}`, {
    method: 'GET',
    headers: { accept: 'application/json' },
    signal,
  });
}

/** The same report as CSV (one line per day and provider). */
export async function fetchWaitTimesCsv(query: URLSearchParams): Promise<Blob> {
  const csv = new URLSearchParams(query);
  csv.set('format', 'csv');
  const response = await send(`/api/reports/wait-times?${csv.toString()}`, {
    method: 'GET',
    headers: { accept: 'text/csv' },
  });
  return response.blob();
}
