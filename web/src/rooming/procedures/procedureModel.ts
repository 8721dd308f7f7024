/** Pure helpers of the procedure, consent and wound forms (tested in test/web/rooming/procedures). */

/**
 * The largest photo the MA may pick (it is shrunk before sending: shrinkPhoto.ts), and how many a measurement
 * takes (the server's limit, docs/rooming/procedures.md).
 */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTOS = 3;
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;

/** Why a picked photo cannot be sent, or undefined when it can. */
export function photoProblem(file: { type: string; size: number; name: string }): string | undefined {
  if (!(PHOTO_TYPES as readonly string[]).includes(file.type)) {
    return `${file.name} is not a JPEG or PNG photo`;
  }
  if (file.size > MAX_PHOTO_BYTES) {
    return `${file.name} is larger than 10 MB (${(file.size / 1024 / 1024).toFixed(1)} MB)`;
  }
  return undefined;
}

/**
 * The largest picture the server takes as a wound photo (src/clinic/rooming/procedures/images.ts
 * PHOTO_DIMENSIONS): 8192 pixels a side and 50 megapixels.
 */
export const MAX_PHOTO_SIDE = 8192;
export const MAX_PHOTO_PIXELS = 50_000_000;

/** Whether a picture of width x height may be sent as it is (else the screen sends a smaller copy). */
export function photoFits(width: number, height: number): boolean {
  return width <= MAX_PHOTO_SIDE && height <= MAX_PHOTO_SIDE && width * height <= MAX_PHOTO_PIXELS;
}

/** A width x height scaled (never up) so its longer side is at most `maxSide`, in whole pixels. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Millimetres as typed: "12", "12.5", "12,5" (a decimal comma); blank is undefined; anything else is NaN
 * so the form can say so (the server refuses it too).
 */
export function parseMm(value: string): number | undefined {
  const text = value.trim().replace(',', '.');
  if (text === '') return undefined;
  return /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
}

/** Length x width, mm2, as the server computes it (two decimals at most). */
export function areaOf(lengthMm: number, widthMm: number): number {
  return Math.round(lengthMm * widthMm * 100) / 100;
}

/** A change in area for the history: "-40%", "+33.3%", "no change", or "—" when there is nothing to compare. */
export function changeWords(pct: number | null): string {
  if (pct === null) return '—';
  if (pct === 0) return 'no change';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct)}%`;
}

/** Whether a change is an improvement (smaller), for its colour: smaller green, larger red. */
export function changeTone(pct: number | null): 'good' | 'bad' | 'neutral' {
  if (pct === null || pct === 0) return 'neutral';
  return pct < 0 ? 'good' : 'bad';
}

/** "20 × 10 × 2.5 mm" (depth when measured). */
export function sizeWords(m: { lengthMm: number; widthMm: number; depthMm?: number }): string {
  return [m.lengthMm, m.widthMm, ...(m.depthMm === undefined ? [] : [m.depthMm])].join(' × ') + ' mm';
}

export interface SupplyRow {
  text: string;
  quantity: string;
  unit: string;
}

export const emptySupply = (): SupplyRow => ({ text: '', quantity: '1', unit: '' });

/**
 * The supply rows as the server takes them: blank rows dropped, quantity a number (a row with a bad
 * quantity is sent as typed so the server names it), unit left out when blank (a count).
 */
export function suppliesOf(rows: readonly SupplyRow[]): { text: string; quantity: number; unit?: string }[] {
  return rows
    .filter((r) => r.text.trim() !== '')
    .map((r) => {
      const q = r.quantity.trim() === '' ? 1 : Number(r.quantity.replace(',', '.'));
      return { text: r.text.trim(), quantity: q, ...(r.unit.trim() ? { unit: r.unit.trim() } : {}) };
    });
}

/** A catalog choice or free text: the Select's value is a code, "other" means the text field. */
export function codedOf(choice: string | null, text: string): { code?: string; text?: string } {
  if (choice && choice !== 'other') return { code: choice };
  return { text: text.trim() };
}

/** A date and time in the clinic's zone for the history ("Nov 27, 2026, 9:41 AM"; the browser's if none). */
export function whenWords(iso: string, timeZone?: string, locale = 'en-US'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
}
