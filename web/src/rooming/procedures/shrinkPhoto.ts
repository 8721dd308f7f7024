/**
 * Wound photos are stored inside FHIR Media (base64), which holds at most 768 KB (docs/rooming/procedures.md).
 * A phone photo is larger: the screen redraws it as a JPEG, smaller and at lower quality step by step, until it
 * fits under UPLOAD_LIMIT. Nothing leaves the browser but the shrunk copy.
 */
import { readPhoto, type ImageUpload } from './proceduresApi';
import { fitWithin, photoFits } from './procedureModel';

/** A little under the server's 768 KB, for safety. */
export const UPLOAD_LIMIT = 700 * 1024;

const SIDES = [2048, 1600, 1280, 1024, 800];
const QUALITIES = [0.85, 0.7, 0.55];

export type PickedPhoto = ImageUpload & { preview: string; name: string; size: number };

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the photo'));
    reader.readAsDataURL(blob);
  });
}

/**
 * The photo as it will be sent: as picked when small enough in bytes and in pixels (the server refuses a
 * picture over 8192 a side or 50 megapixels, however few its bytes), else a shrunk JPEG copy.
 */
export async function shrinkPhoto(file: File): Promise<PickedPhoto> {
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new Error(`${file.name} is not a photo this browser can read`);
  });
  try {
    if (file.size <= UPLOAD_LIMIT && photoFits(bitmap.width, bitmap.height)) return await readPhoto(file);
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot resize photos');
    for (const side of SIDES) {
      const { width, height } = fitWithin(bitmap.width, bitmap.height, side);
      canvas.width = width;
      canvas.height = height;
      ctx.drawImage(bitmap, 0, 0, width, height);
      for (const quality of QUALITIES) {
        const blob = await new Promise<Blob | null>((resolve) =>
          canvas.toBlob(resolve, 'image/jpeg', quality)
        );
        if (blob && blob.size <= UPLOAD_LIMIT) {
          const url = await blobToDataUrl(blob);
          return {
            contentType: 'image/jpeg',
            data: url.slice(url.indexOf(',') + 1),
            preview: url,
            name: file.name,
            size: blob.size,
          };
        }
      }
    }
  } finally {
    bitmap.close();
  }
  throw new Error(`${file.name} could not be made small enough to store`);
}
