import { randomUUID } from 'node:crypto';
import type {
  CodeableConcept,
  Extension,
  Media,
  Observation,
  ObservationComponent,
  Patient,
} from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../../fhir/outcome.js';
import { accessConditions } from '../../../store/access.js';
import type { RequestContext } from '../../../store/context.js';
import type { Database, SqlConnection } from '../../../store/db.js';
import { assertId, planCreate } from '../../../store/repository.js';
import { SqlParams } from '../../../store/search/sqlParams.js';
import { applyWrites, type PendingWrite } from '../../../store/writes.js';
import { findById, refId } from '../../flow/visit.js';
import { sniffImage, type ImageType } from '../../registration/images.js';
import { asBody, optionalBody, optionalText } from '../../registration/input.js';
import { authorOf } from '../author.js';
import { LOINC, OBSERVATION_CATEGORY_SYSTEM, UCUM } from '../model.js';
import { roomingVisitOf } from '../visit.js';
import { bodySiteOf, WOUND_DESCRIPTION_URL, WOUND_ID_SYSTEM, WOUND_LOINC } from './catalog.js';
import {
  checkImage,
  fitsDimensions,
  imageDimensions,
  MAX_PHOTO_BYTES,
  PHOTO_DIMENSIONS,
  type CheckedImage,
} from './images.js';
import { parseBodySite, type BodySiteInput } from './procedure.js';
import { areaMm2, changesOf } from './woundMath.js';

/**
 * Wound and lesion documentation (issue 6 item 9), docs/rooming/procedures.md. One record is an Observation
 * (category exam, LOINC 72287-6 wound size panel, components length/width/depth/area in UCUM mm and mm2,
 * body site, description) and its photos as Media (partOf the Observation, which names them in
 * derivedFrom). The same wound over visits shares an identifier in WOUND_ID_SYSTEM, made on its first record.
 */

export const MAX_PHOTOS = 3;
const MAX_MM = 1000;

export interface WoundDescription {
  appearance?: string;
  drainage?: string;
  edges?: string;
}

export interface WoundInput {
  /** The wound's id from an earlier record (its series); absent for a new wound. */
  woundId?: string;
  bodySite?: BodySiteInput;
  lengthMm: number;
  widthMm: number;
  depthMm?: number;
  description: WoundDescription;
  photos: CheckedImage[];
}

function millimetres(value: unknown, field: string, required: boolean): number | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) throw badRequest(`${field} is required (millimetres)`, field);
    return undefined;
  }
  // A length or width of 0 is no wound; a depth of 0 is a flat (superficial) one.
  const lowest = required ? 'above 0' : '0 or more';
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (required && value === 0) ||
    value > MAX_MM
  ) {
    throw badRequest(`${field} must be a number of millimetres, ${lowest} and at most ${MAX_MM}`, field);
  }
  if (Math.abs(Math.round(value * 10) - value * 10) > 1e-9) {
    throw badRequest(`${field}: millimetres to one decimal at most`, field);
  }
  return value;
}

export function parseWound(body: unknown): WoundInput {
  const b = asBody(body);
  const woundId = optionalText(b.woundId, 'woundId', 64);
  if (woundId) assertId(woundId, 'woundId');
  const bodySite =
    b.bodySite === undefined || b.bodySite === null ? undefined : parseBodySite(b.bodySite, 'bodySite');
  if (!woundId && !bodySite) {
    throw badRequest('bodySite is required for a new wound', 'bodySite');
  }
  const lengthMm = millimetres(b.lengthMm, 'lengthMm', true) as number;
  const widthMm = millimetres(b.widthMm, 'widthMm', true) as number;
  const depthMm = millimetres(b.depthMm, 'depthMm', false);
  const d = optionalBody(b.description, 'description') ?? {};
  const description: WoundDescription = {
    appearance: optionalText(d.appearance, 'description.appearance', 1000),
    drainage: optionalText(d.drainage, 'description.drainage', 1000),
    edges: optionalText(d.edges, 'description.edges', 1000),
  };
  if (b.photos !== undefined && b.photos !== null && !Array.isArray(b.photos)) {
    throw badRequest('photos must be a list of images', 'photos');
  }
  const raw = (b.photos ?? []) as unknown[];
  if (raw.length > MAX_PHOTOS) {
    throw badRequest(`photos: at most ${MAX_PHOTOS} a record`, 'photos');
  }
  const photos = raw.map((p, i) =>
    checkImage(p, `photos[${i}]`, ['image/jpeg', 'image/png'], MAX_PHOTO_BYTES, PHOTO_DIMENSIONS)
  );
  return { woundId, bodySite, lengthMm, widthMm, depthMm, description, photos };
}

const quantityMm = (value: number) => ({ value, unit: 'mm', system: UCUM, code: 'mm' });
const component = (
  code: { code: string; display: string },
  value: number,
  unit: 'mm' | 'mm2'
): ObservationComponent => ({
  code: { coding: [{ system: LOINC, code: code.code, display: code.display }] },
  valueQuantity: unit === 'mm' ? quantityMm(value) : { value, unit: 'mm2', system: UCUM, code: 'mm2' },
});

function descriptionText(d: WoundDescription): string | undefined {
  const parts = [
    d.appearance ? `Appearance: ${d.appearance}` : '',
    d.drainage ? `Drainage: ${d.drainage}` : '',
    d.edges ? `Edges: ${d.edges}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('. ') : undefined;
}

/** Current Observations of the patient with the wound size code, as the caller may read them. */
async function woundObservations(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<Observation[]> {
  const p = new SqlParams(ctx.practiceId, 'Observation');
  const index = (param: string, value: string, system?: string) =>
    `r.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = $2 AND param = ${p.add(param)} AND value = ${p.add(value)}${system ? ` AND system = ${p.add(system)}` : ''})`;
  const where = [
    'r.practice_id = $1',
    'r.resource_type = $2',
    'NOT r.deleted',
    index('patient', `Patient/${patientId}`),
    index('code', WOUND_LOINC.panel.code, LOINC),
    ...accessConditions(ctx, 'search', 'Observation', 'r.resource_type', 'r.id', p),
  ];
  const result = await conn.query<{ content: Observation }>(
    `SELECT content FROM resource r WHERE ${where.join(' AND ')} ORDER BY r.id`,
    p.values
  );
  return result.rows.map((r) => r.content);
}

export const woundIdOf = (o: { identifier?: { system?: string; value?: string }[] }): string | undefined =>
  o.identifier?.find((i) => i.system === WOUND_ID_SYSTEM)?.value;

export interface RecordedWound {
  woundId: string;
  observation: Observation;
  media: Media[];
}

/** Records one wound measurement with its photos at a visit, in one transaction. */
export async function recordWound(
  db: Database,
  ctx: RequestContext,
  encounterId: string,
  input: WoundInput,
  now: Date
): Promise<RecordedWound> {
  return db.transaction(async (tx) => {
    const visit = await roomingVisitOf(tx, ctx, encounterId, now, { write: true });
    const patientId = visit.patient.id as string;
    let bodySite: CodeableConcept | undefined = input.bodySite ? bodySiteOf(input.bodySite) : undefined;
    if (input.woundId) {
      const earlier = (await woundObservations(tx, ctx, patientId))
        .filter((o) => woundIdOf(o) === input.woundId)
        .sort((a, b) => (b.effectiveDateTime ?? '').localeCompare(a.effectiveDateTime ?? ''));
      if (earlier.length === 0) {
        throw badRequest(
          `woundId: this patient has no wound ${input.woundId} (leave it out for a new wound)`,
          'woundId'
        );
      }
      bodySite ??= earlier[0].bodySite;
    }
    const woundId = input.woundId ?? randomUUID();
    const at = now.toISOString();
    const author = authorOf(ctx);
    const observationId = randomUUID();
    const mediaIds = input.photos.map(() => randomUUID());
    const identifier = [{ system: WOUND_ID_SYSTEM, value: woundId }];
    const d = input.description;
    const descriptionExtension: Extension[] = [
      ...(d.appearance ? [{ url: 'appearance', valueString: d.appearance }] : []),
      ...(d.drainage ? [{ url: 'drainage', valueString: d.drainage }] : []),
      ...(d.edges ? [{ url: 'edges', valueString: d.edges }] : []),
    ];
    const note = descriptionText(d);
    const observation: Observation = {
      resourceType: 'Observation',
      ...(descriptionExtension.length > 0
        ? { extension: [{ url: WOUND_DESCRIPTION_URL, extension: descriptionExtension }] }
        : {}),
      identifier,
      status: 'final',
      category: [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: 'exam', display: 'Exam' }] }],
      code: {
        coding: [{ system: LOINC, code: WOUND_LOINC.panel.code, display: WOUND_LOINC.panel.display }],
        text: 'Wound size',
      },
      subject: { reference: `Patient/${patientId}` },
      encounter: { reference: `Encounter/${visit.encounter.id}` },
      effectiveDateTime: at,
      issued: at,
      performer: [author],
      ...(bodySite ? { bodySite } : {}),
      component: [
        component(WOUND_LOINC.length, input.lengthMm, 'mm'),
        component(WOUND_LOINC.width, input.widthMm, 'mm'),
        ...(input.depthMm !== undefined ? [component(WOUND_LOINC.depth, input.depthMm, 'mm')] : []),
        component(WOUND_LOINC.area, areaMm2(input), 'mm2'),
      ],
      ...(note ? { note: [{ text: note, time: at }] } : {}),
      ...(mediaIds.length > 0
        ? { derivedFrom: mediaIds.map((id) => ({ reference: `Media/${id}`, display: 'Wound photo' })) }
        : {}),
    };
    const writes: PendingWrite[] = [planCreate(observation, observationId)];
    input.photos.forEach((photo, i) => {
      const media: Media = {
        resourceType: 'Media',
        identifier,
        partOf: [{ reference: `Observation/${observationId}` }],
        status: 'completed',
        type: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/media-type', code: 'image', display: 'Image' },
          ],
        },
        subject: { reference: `Patient/${patientId}` },
        encounter: { reference: `Encounter/${visit.encounter.id}` },
        createdDateTime: at,
        issued: at,
        operator: author,
        ...(bodySite ? { bodySite } : {}),
        content: {
          contentType: photo.contentType,
          data: photo.data,
          size: photo.size,
          title: `Wound photo ${i + 1}`,
          creation: at,
        },
      };
      writes.push(planCreate(media, mediaIds[i]));
    });
    await applyWrites(tx, ctx, writes);
    return {
      woundId,
      observation: writes[0].content as Observation,
      media: writes.slice(1).map((w) => w.content as Media),
    };
  });
}

export interface WoundMeasurementView {
  observationId: string;
  encounterId?: string;
  at: string;
  lengthMm: number;
  widthMm: number;
  depthMm?: number;
  areaMm2: number;
  changeFromPreviousPct: number | null;
  changeFromFirstPct: number | null;
  description: WoundDescription;
  recordedBy?: string;
  /** Media ids: GET /api/rooming/media/:id gives the bytes. */
  photos: string[];
}

export interface WoundSeriesView {
  woundId: string;
  bodySite: string;
  firstRecorded: string;
  lastRecorded: string;
  measurements: WoundMeasurementView[];
}

const componentValue = (o: Observation, code: string): number | undefined =>
  o.component?.find((c) => c.code.coding?.some((k) => k.system === LOINC && k.code === code))?.valueQuantity
    ?.value;

/** Every wound of the patient with its measurements over visits (oldest first) and the change in area. */
export async function woundSeries(
  conn: SqlConnection,
  ctx: RequestContext,
  patientId: string
): Promise<WoundSeriesView[]> {
  assertId(patientId, 'patientId');
  if (!(await findById<Patient>(conn, ctx, 'Patient', patientId))) {
    throw notFound(`Patient/${patientId} was not found`);
  }
  const byWound = new Map<string, Observation[]>();
  for (const o of await woundObservations(conn, ctx, patientId)) {
    const id = woundIdOf(o);
    if (!id || o.status === 'entered-in-error') continue;
    byWound.set(id, [...(byWound.get(id) ?? []), o]);
  }
  const series: WoundSeriesView[] = [];
  for (const [woundId, list] of byWound) {
    const sorted = list
      .map((o) => ({
        o,
        size: {
          lengthMm: componentValue(o, WOUND_LOINC.length.code) ?? 0,
          widthMm: componentValue(o, WOUND_LOINC.width.code) ?? 0,
          depthMm: componentValue(o, WOUND_LOINC.depth.code),
        },
      }))
      .sort((a, b) => (a.o.effectiveDateTime ?? '').localeCompare(b.o.effectiveDateTime ?? ''));
    const changes = changesOf(sorted.map((s) => s.size));
    const measurements = sorted.map(({ o, size }, i): WoundMeasurementView => {
      const desc = o.extension?.find((e) => e.url === WOUND_DESCRIPTION_URL)?.extension ?? [];
      const part = (url: string) => desc.find((e) => e.url === url)?.valueString;
      return {
        observationId: o.id as string,
        encounterId: refId(o.encounter?.reference, 'Encounter'),
        at: o.effectiveDateTime ?? '',
        ...size,
        ...changes[i],
        description: { appearance: part('appearance'), drainage: part('drainage'), edges: part('edges') },
        recordedBy: o.performer?.[0]?.display,
        photos: (o.derivedFrom ?? []).flatMap((r) => refId(r.reference, 'Media') ?? []),
      };
    });
    const latest = sorted[sorted.length - 1].o;
    series.push({
      woundId,
      bodySite: latest.bodySite?.text ?? latest.bodySite?.coding?.[0]?.display ?? '',
      firstRecorded: measurements[0].at,
      lastRecorded: measurements[measurements.length - 1].at,
      measurements,
    });
  }
  return series.sort((a, b) => b.lastRecorded.localeCompare(a.lastRecorded));
}

/** The types GET /api/rooming/media/:id serves: the wound photos' own (photos are JPEG or PNG). */
const SERVED_IMAGE_TYPES: readonly string[] = ['image/jpeg', 'image/png'];

/**
 * A wound photo's bytes, as the caller may read the Media; also its patient (for the audit record).
 *
 * The route serves these bytes from the app's own origin, and a Media can be written through /fhir with any
 * content type (text/html, application/javascript: script from 'self' passes the CSP). So only a picture is
 * served: the stored type JPEG or PNG, the bytes of that same type by their first bytes, with a readable
 * header of a size a photo may have (images.ts PHOTO_DIMENSIONS). Anything else is 404, as if absent.
 */
export async function mediaBytes(
  conn: SqlConnection,
  ctx: RequestContext,
  mediaId: string
): Promise<{ bytes: Buffer; contentType: ImageType; patientId: string }> {
  assertId(mediaId, 'id');
  const media = await findById<Media>(conn, ctx, 'Media', mediaId);
  if (!media?.content?.data) {
    throw notFound(`Media/${mediaId} was not found`);
  }
  const stored = (media.content.contentType ?? '').trim().toLowerCase();
  const bytes = Buffer.from(media.content.data, 'base64');
  const actual = sniffImage(bytes);
  const size = actual ? imageDimensions(bytes, actual) : undefined;
  if (
    !actual ||
    !SERVED_IMAGE_TYPES.includes(stored) ||
    actual !== stored ||
    !fitsDimensions(size, PHOTO_DIMENSIONS)
  ) {
    throw notFound(`Media/${mediaId} is not a JPEG or PNG photo`);
  }
  return {
    bytes,
    contentType: actual,
    patientId: refId(media.subject?.reference, 'Patient') ?? '',
  };
}
