import { badRequest } from '../../../fhir/outcome.js';
import { sniffImage, type ImageType } from '../../registration/images.js';

/** A signature drawn on the screen: a PNG of at most 200 KB. */
export const MAX_SIGNATURE_BYTES = 200 * 1024;
/**
 * A wound photo: JPEG or PNG of at most 768 KB. The brief asked for 2 MB, but the store validates every
 * resource with @medplum/core, which refuses any string over 1 MB, and Attachment.data is base64 (4/3 of
 * the bytes): 768 KB is the most a Media can hold. The screen shrinks larger photos (up to 10 MB picked)
 * to a JPEG under this limit before sending (web/src/rooming/procedures/shrinkPhoto.ts).
 */
export const MAX_PHOTO_BYTES = 768 * 1024;

export interface CheckedImage {
  contentType: ImageType;
  /** base64, as FHIR Attachment.data carries it. */
  data: string;
  size: number;
  bytes: Buffer;
}

/**
 * An uploaded image: a data URL string ("data:image/png;base64,...") or `{ contentType, data }`. The bytes
 * must be of an allowed type by their first bytes (the declared type is not trusted) and at most `maxBytes`;
 * every failure is a 400 naming `field`.
 */
export function checkImage(
  value: unknown,
  field: string,
  allowed: readonly ImageType[],
  maxBytes: number
): CheckedImage {
  let data: string;
  let declared = '';
  if (typeof value === 'string') {
    data = value.trim();
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    data = typeof v.data === 'string' ? v.data.trim() : '';
    declared = typeof v.contentType === 'string' ? v.contentType.trim().toLowerCase() : '';
  } else {
    throw badRequest(`${field} is required: an image as a data URL or { contentType, data }`, field);
  }
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(data);
  if (dataUrl) {
    declared = declared || dataUrl[1].toLowerCase();
    data = dataUrl[2];
  }
  const kinds = allowed.map((t) => t.replace('image/', '').toUpperCase()).join(' or ');
  if (declared && !(allowed as readonly string[]).includes(declared)) {
    throw badRequest(`${field} must be a ${kinds} image`, field);
  }
  if (data.length === 0 || !/^[A-Za-z0-9+/\s]*={0,2}$/.test(data)) {
    throw badRequest(`${field} must be a ${kinds} image in base64`, field);
  }
  // Checked on the base64 length first, so an oversized upload is refused before it is decoded.
  const limit = `${Math.round(maxBytes / 1024)} KB`;
  if (Math.floor((data.replace(/\s/g, '').length * 3) / 4) > maxBytes + 2) {
    throw badRequest(`${field} is larger than ${limit}`, field);
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > maxBytes) {
    throw badRequest(`${field} is larger than ${limit}`, field);
  }
  const actual = sniffImage(bytes);
  if (!actual || !(allowed as readonly string[]).includes(actual) || (declared && declared !== actual)) {
    throw badRequest(
      `${field} is not a ${kinds} image (its content says ${actual ?? 'not an image'})`,
      field
    );
  }
  return { contentType: actual, data: bytes.toString('base64'), size: bytes.length, bytes };
}
