/** Procedure consent, procedure assistance and wounds (docs/rooming/procedures.md). Patients are addressed by id. */
import type { Consent, Observation, Procedure } from '@medplum/fhirtypes';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { jsonBody, sendJson } from '../../fhir/http';
import { keys, usePractice } from '../../fhir/queries';

const id = encodeURIComponent;

export interface CatalogEntry {
  code: string;
  display: string;
}

export interface ProcedureCatalog {
  procedures: CatalogEntry[];
  bodySites: CatalogEntry[];
  lateralities: string[];
}

export interface ConsentView {
  id: string;
  procedure: string;
  decision: 'consent' | 'refuse';
  signedAt: string;
  signedBy: string;
  pdfUrl: string;
}

export interface Coded {
  code?: string;
  text?: string;
}

export interface ConsentRequest {
  procedure: Coded;
  explanation: { risks: string; benefits: string; alternatives: string };
  decision: 'consent' | 'refuse';
  signedBy: { kind: 'patient' } | { kind: 'representative'; name: string; relationship: string };
  /** PNG data URL from the signature pad. */
  signature: string;
  witness: { name: string; signature: string };
}

export interface ProcedureRequest {
  procedure: Coded;
  bodySite?: Coded & { laterality?: string };
  note?: string;
  supplies: { text: string; quantity: number; unit?: string }[];
  consentId?: string;
}

export interface ImageUpload {
  contentType: string;
  data: string;
}

export interface WoundRequest {
  woundId?: string;
  bodySite?: Coded & { laterality?: string };
  lengthMm: number;
  widthMm: number;
  depthMm?: number;
  description: { appearance?: string; drainage?: string; edges?: string };
  photos: ImageUpload[];
}

export interface WoundMeasurement {
  observationId: string;
  encounterId?: string;
  at: string;
  lengthMm: number;
  widthMm: number;
  depthMm?: number;
  areaMm2: number;
  changeFromPreviousPct: number | null;
  changeFromFirstPct: number | null;
  description: { appearance?: string; drainage?: string; edges?: string };
  recordedBy?: string;
  photos: string[];
}

export interface WoundSeries {
  woundId: string;
  bodySite: string;
  firstRecorded: string;
  lastRecorded: string;
  measurements: WoundMeasurement[];
}

export const mediaUrl = (mediaId: string): string => `/api/rooming/media/${id(mediaId)}`;

export function catalogKey(practice: string) {
  return [...keys.practice(practice), 'rooming-procedure-catalog'] as const;
}
export function consentsKey(practice: string, encounterId: string) {
  return [...keys.practice(practice), 'rooming-consents', encounterId] as const;
}
export function woundsKey(practice: string, patientId: string) {
  return [...keys.practice(practice), 'rooming-wounds', patientId] as const;
}

export function useProcedureCatalog(): UseQueryResult<ProcedureCatalog> {
  const practice = usePractice();
  return useQuery({
    queryKey: catalogKey(practice),
    queryFn: ({ signal }) => sendJson<ProcedureCatalog>('/api/rooming/procedure-catalog', { signal }),
    staleTime: 60 * 60_000,
  });
}

export function useVisitConsents(encounterId: string): UseQueryResult<ConsentView[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: consentsKey(practice, encounterId),
    queryFn: async ({ signal }) =>
      (
        await sendJson<{ consents: ConsentView[] }>(`/api/rooming/encounters/${id(encounterId)}/consents`, {
          signal,
        })
      ).consents,
  });
}

export function useWoundSeries(patientId: string): UseQueryResult<WoundSeries[]> {
  const practice = usePractice();
  return useQuery({
    queryKey: woundsKey(practice, patientId),
    queryFn: async ({ signal }) =>
      (await sendJson<{ wounds: WoundSeries[] }>(`/api/rooming/patients/${id(patientId)}/wounds`, { signal }))
        .wounds,
  });
}

export function saveConsent(encounterId: string, body: ConsentRequest) {
  return sendJson<{ consent: Consent; documentId: string; pdfUrl: string }>(
    `/api/rooming/encounters/${id(encounterId)}/consents`,
    { method: 'POST', ...jsonBody(body) }
  );
}

export function saveProcedure(encounterId: string, body: ProcedureRequest) {
  return sendJson<{ procedure: Procedure }>(`/api/rooming/encounters/${id(encounterId)}/procedures`, {
    method: 'POST',
    ...jsonBody(body),
  });
}

export function saveWound(encounterId: string, body: WoundRequest) {
  return sendJson<{ woundId: string; observation: Observation; photos: string[] }>(
    `/api/rooming/encounters/${id(encounterId)}/wounds`,
    { method: 'POST', ...jsonBody(body) }
  );
}

/** A picked photo as base64 with its declared type (the server checks the bytes). */
export function readPhoto(
  file: File
): Promise<ImageUpload & { preview: string; name: string; size: number }> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve({
        contentType: file.type,
        data: url.slice(url.indexOf(',') + 1),
        preview: url,
        name: file.name,
        size: file.size,
      });
    };
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}
