import type { Attachment } from '@medplum/fhirtypes';
import { badRequest } from '../../fhir/outcome.js';
import { asBody } from './input.js';

/** The largest image the desk stores inside a DocumentReference (a phone photo of a card, resized). */
export const MAX_IMAGE_BYTES = 1024 * 1024;

/** Image types the desk accepts, recognised by their first bytes (the declared type is not trusted). */
const SIGNATURES = {
  'image/png': (b: Buffer) =>
    b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b: Buffer) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b: Buffer) =>
    b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
} as const;
export type ImageType = keyof typeof SIGNATURES;
export const IMAGE_TYPES = Object.keys(SIGNATURES) as ImageType[];

/** The type the bytes are, whatever was declared. */
export function sniffImage(bytes: Buffer): ImageType | undefined {
  return IMAGE_TYPES.find((type) => SIGNATURES[type](bytes));
}

export interface ImageInput {
  contentType: ImageType;
  /** base64, as FHIR Attachment.data carries it. */
  data: string;
  size: number;
}

/**
 * An uploaded image `{ contentType, data: base64 }` (a data: URL is accepted too): an image type, its bytes
 * of that type, at most MAX_IMAGE_BYTES. `allowed` narrows the types (a signature is a PNG).
 */
export function image(
  value: unknown,
  field: string,
  allowed: readonly ImageType[] = IMAGE_TYPES
): ImageInput {
  const b = asBody(value, field);
  let data = typeof b.data === 'string' ? b.data.trim() : '';
  let declared = typeof b.contentType === 'string' ? b.contentType.trim().toLowerCase() : '';
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(data);
  if (dataUrl) {
    declared = declared || dataUrl[1].toLowerCase();
    data = dataUrl[2];
  }
  if (!(allowed as readonly string[]).includes(declared)) {
    throw badRequest(`${field} must be an image (${allowed.join(', ')})`, `${field}.contentType`);
  }
  if (data.length === 0 || !/^[A-Za-z0-9+/\s]*={0,2}$/.test(data)) {
    throw badRequest(`${field}.data must be the image in base64`, `${field}.data`);
  }
  // Decoded size from the base64 length, checked before decoding anything large.
  const size = Math.floor((data.replace(/\s/g, '').length * 3) / 4);
  if (size > MAX_IMAGE_BYTES + 2) {
    throw badRequest(`${field} is larger than ${MAX_IMAGE_BYTES / 1024} KB`, `${field}.data`);
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw badRequest(`${field} is larger than ${MAX_IMAGE_BYTES / 1024} KB`, `${field}.data`);
  }
  const actual = sniffImage(bytes);
  if (!actual || actual !== declared) {
    throw badRequest(
      `${field} is not a ${declared.replace('image/', '').toUpperCase()} image (its content says ${actual ?? 'not an image'})`,
      `${field}.data`
    );
  }
  return { contentType: actual, data: bytes.toString('base64'), size: bytes.length };
}

export function attachment(img: ImageInput, title: string, creation: string): Attachment {
  return { contentType: img.contentType, data: img.data, size: img.size, title, creation };
}
