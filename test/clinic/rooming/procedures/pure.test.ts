import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import {
  bodySiteOf,
  conceptOf,
  PROCEDURE_CATALOG,
} from '../../../../src/clinic/rooming/procedures/catalog.js';
import { wrap } from '../../../../src/clinic/rooming/education/pdfLayout.js';
import {
  checkImage,
  jpegDimensions,
  PHOTO_DIMENSIONS,
  pngDimensions,
  SIGNATURE_DIMENSIONS,
} from '../../../../src/clinic/rooming/procedures/images.js';
import {
  checkConsentFor,
  latestDecision,
  parseInstant,
  sameProcedure,
  usedCodeOf,
} from '../../../../src/clinic/rooming/procedures/procedure.js';
import { areaMm2, changesOf, percentChange } from '../../../../src/clinic/rooming/procedures/woundMath.js';
import { OutcomeError } from '../../../../src/fhir/outcome.js';
import { jpeg, png, pngChunk, pngClaiming } from './fixtures.js';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof OutcomeError) return err.outcome.issue?.[0]?.expression?.[0];
    throw err;
  }
  return undefined;
};

describe('wound area and change', () => {
  it('multiplies length by width', () => {
    expect(areaMm2({ lengthMm: 20, widthMm: 10 })).toBe(200);
    // 12.5 x 3.2 = 40 mm2 exactly; floating point gives 40.00000000000001 before rounding.
    expect(areaMm2({ lengthMm: 12.5, widthMm: 3.2 })).toBe(40);
    // 0.1 x 0.3 = 0.03 mm2.
    expect(areaMm2({ lengthMm: 0.1, widthMm: 0.3 })).toBe(0.03);
  });

  it('gives the change in percent to one decimal, null with nothing to compare with', () => {
    expect(percentChange(200, 120)).toBe(-40);
    // (250 - 200) / 200 = +25 %.
    expect(percentChange(200, 250)).toBe(25);
    // (100 - 300) / 300 = -66.666... -> -66.7.
    expect(percentChange(300, 100)).toBe(-66.7);
    expect(percentChange(undefined, 100)).toBeNull();
    expect(percentChange(0, 100)).toBeNull();
  });

  it('changes over a series: since the previous and since the first', () => {
    // 20x10=200, 15x8=120 (-40 %, -40 %), 16x10=160 ((160-120)/120=+33.3 %, (160-200)/200=-20 %).
    expect(
      changesOf([
        { lengthMm: 20, widthMm: 10 },
        { lengthMm: 15, widthMm: 8 },
        { lengthMm: 16, widthMm: 10 },
      ])
    ).toEqual([
      { areaMm2: 200, changeFromPreviousPct: null, changeFromFirstPct: null },
      { areaMm2: 120, changeFromPreviousPct: -40, changeFromFirstPct: -40 },
      { areaMm2: 160, changeFromPreviousPct: 33.3, changeFromFirstPct: -20 },
    ]);
  });
});

describe('uploaded images', () => {
  it('takes a PNG data URL or { contentType, data } and keeps the bytes', () => {
    const bytes = png();
    const a = checkImage(
      `data:image/png;base64,${bytes.toString('base64')}`,
      'signature',
      ['image/png'],
      1000,
      SIGNATURE_DIMENSIONS
    );
    expect(a.contentType).toBe('image/png');
    expect(a.size).toBe(bytes.length);
    expect(a.bytes.equals(bytes)).toBe(true);
    const b = checkImage(
      { contentType: 'image/jpeg', data: jpeg(100).toString('base64') },
      'photos[0]',
      ['image/jpeg'],
      1000,
      PHOTO_DIMENSIONS
    );
    expect(b.contentType).toBe('image/jpeg');
  });

  it('refuses other types (by their bytes, whatever is declared), oversized images and non-base64', () => {
    const jpg = jpeg(100).toString('base64');
    expect(
      fieldOf(() =>
        checkImage(`data:image/png;base64,${jpg}`, 'signature', ['image/png'], 1000, SIGNATURE_DIMENSIONS)
      )
    ).toBe('signature');
    expect(
      fieldOf(() =>
        checkImage({ contentType: 'image/gif', data: jpg }, 'p', ['image/jpeg'], 1000, PHOTO_DIMENSIONS)
      )
    ).toBe('p');
    expect(
      fieldOf(() => checkImage({ data: 'not base64 at all!' }, 'p', ['image/jpeg'], 1000, PHOTO_DIMENSIONS))
    ).toBe('p');
    // 2,000 bytes against a limit of 1,000.
    expect(
      fieldOf(() =>
        checkImage({ data: jpeg(2000).toString('base64') }, 'p', ['image/jpeg'], 1000, PHOTO_DIMENSIONS)
      )
    ).toBe('p');
    expect(fieldOf(() => checkImage(42, 'signature', ['image/png'], 1000, SIGNATURE_DIMENSIONS))).toBe(
      'signature'
    );
  });
});

describe('image sizes, read from the header before anything decodes the image', () => {
  const asBase64 = (b: Buffer) => ({ data: b.toString('base64') });
  const signature = (b: Buffer) =>
    checkImage(asBase64(b), 'signature', ['image/png'], 200 * 1024, SIGNATURE_DIMENSIONS);
  const photo = (b: Buffer) =>
    checkImage(asBase64(b), 'photos[0]', ['image/jpeg', 'image/png'], 768 * 1024, PHOTO_DIMENSIONS);

  it('reads width and height from PNG IHDR and from the JPEG frame header', () => {
    expect(pngDimensions(png(40, 12))).toEqual({ width: 40, height: 12 });
    expect(pngDimensions(pngClaiming(65535, 65535))).toEqual({ width: 65535, height: 65535 });
    expect(jpegDimensions(jpeg(500, 4032, 3024))).toEqual({ width: 4032, height: 3024 });
    expect(signature(png(480, 140))).toMatchObject({ width: 480, height: 140 });
  });

  it('a signature is at most 2000 x 1000: a small PNG claiming 65535 x 65535 (a bomb) is a 400', () => {
    const bomb = pngClaiming(65535, 65535);
    // Under 200 bytes on the wire; decoded as RGBA it would be 65535 x 65535 x 4 bytes, about 17 GB.
    expect(bomb.length).toBeLessThan(200);
    expect(fieldOf(() => signature(bomb))).toBe('signature');
    expect(fieldOf(() => signature(pngClaiming(2000, 1000)))).toBeUndefined();
    expect(fieldOf(() => signature(pngClaiming(2001, 1000)))).toBe('signature');
    expect(fieldOf(() => signature(pngClaiming(2000, 1001)))).toBe('signature');
    expect(fieldOf(() => signature(pngClaiming(0, 10)))).toBe('signature');
  });

  it('a PNG whose chunks run past the end, that has no IEND, or that is animated (APNG) is a 400', () => {
    const whole = png(40, 12);
    expect(fieldOf(() => signature(whole.subarray(0, whole.length - 12)))).toBe('signature');
    expect(fieldOf(() => signature(whole.subarray(0, 40)))).toBe('signature');
    // acTL: 1 frame, played once (APNG spec); each frame is decoded with its own fcTL size.
    const actl = pngChunk('acTL', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]));
    expect(fieldOf(() => signature(pngClaiming(40, 12, [actl])))).toBe('signature');
  });

  it('a photo is at most 8192 a side and 50 megapixels; a JPEG with no frame header is a 400', () => {
    // 8192 x 6103 = 49,995,776 pixels: under 50,000,000.
    expect(fieldOf(() => photo(jpeg(2000, 8192, 6103)))).toBeUndefined();
    // 8000 x 6300 = 50,400,000 pixels: over, though each side is under 8192.
    expect(fieldOf(() => photo(jpeg(2000, 8000, 6300)))).toBe('photos[0]');
    expect(fieldOf(() => photo(jpeg(2000, 8193, 100)))).toBe('photos[0]');
    expect(fieldOf(() => photo(pngClaiming(100, 9000)))).toBe('photos[0]');
    // SOI then filler: the type check passes (FF D8 FF), no frame header follows.
    const headless = Buffer.alloc(300, 0x11);
    headless.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xda, 0x00, 0x02]);
    expect(fieldOf(() => photo(headless))).toBe('photos[0]');
  });
});

describe('performedAt: a strict instant', () => {
  it('takes a date and time with Z or an offset, seconds and fraction optional', () => {
    // 09:05 at -05:00 is 14:05 UTC.
    expect(parseInstant('2026-11-27T09:05:00-05:00')).toBe(Date.UTC(2026, 10, 27, 14, 5, 0));
    expect(parseInstant('2026-11-27T14:05Z')).toBe(Date.UTC(2026, 10, 27, 14, 5, 0));
    expect(parseInstant('2026-11-27T14:05:30.25Z')).toBe(Date.UTC(2026, 10, 27, 14, 5, 30, 250));
    // +05:30 (India): 19:35 local is 14:05 UTC.
    expect(parseInstant('2026-11-27T19:35:00+05:30')).toBe(Date.UTC(2026, 10, 27, 14, 5, 0));
    // 2028 is a leap year.
    expect(parseInstant('2028-02-29T12:00:00Z')).toBe(Date.UTC(2028, 1, 29, 12, 0, 0));
  });

  it('refuses a date that is not on the calendar, no offset, a bad hour or offset, or only a date', () => {
    for (const bad of [
      '2026-02-31T10:00:00Z',
      '2026-02-29T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-11-27T10:00:00',
      '2026-11-27T24:00:00Z',
      '2026-11-27T10:60:00Z',
      '2026-11-27T10:00:00+15:00',
      '2026-11-27',
      '2026-11-27 10:00:00Z',
      '27/11/2026 10:00',
    ]) {
      expect(parseInstant(bad), bad).toBeUndefined();
    }
  });
});

describe('the consent a procedure is done under', () => {
  const BIOPSY = {
    coding: [{ system: 'http://snomed.info/sct', code: '240977001' }],
    text: 'Biopsy of skin',
  };
  const SUTURE = {
    coding: [{ system: 'http://snomed.info/sct', code: '288086009' }],
    text: 'Suture open wound',
  };
  const consent = (
    id: string,
    procedure: object,
    type: 'permit' | 'deny',
    dateTime: string,
    status = 'active'
  ) => ({ resourceType: 'Consent', id, status, dateTime, provision: { type, code: [procedure] } }) as never;

  it('the same procedure: the same SNOMED code, or the same words when one is text', () => {
    expect(sameProcedure(BIOPSY, { ...BIOPSY, text: 'Punch biopsy, left forearm' })).toBe(true);
    expect(sameProcedure(BIOPSY, SUTURE)).toBe(false);
    expect(sameProcedure(BIOPSY, { text: '  biopsy OF skin ' })).toBe(true);
    expect(sameProcedure({ text: 'Ear irrigation' }, { text: 'ear  irrigation' })).toBe(true);
    expect(sameProcedure({ text: 'Ear irrigation' }, BIOPSY)).toBe(false);
  });

  it('the latest decision about the procedure counts; at the same instant a refusal wins', () => {
    const list = [
      consent('c1', BIOPSY, 'permit', '2026-11-27T14:00:00.000Z'),
      consent('c2', BIOPSY, 'deny', '2026-11-27T14:10:00.000Z'),
      consent('c3', SUTURE, 'permit', '2026-11-27T14:20:00.000Z'),
    ];
    expect(latestDecision(list, BIOPSY)?.id).toBe('c2');
    expect(latestDecision(list, SUTURE)?.id).toBe('c3');
    const tie = [
      consent('d1', BIOPSY, 'deny', '2026-11-27T14:00:00.000Z'),
      consent('d2', BIOPSY, 'permit', '2026-11-27T14:00:00.000Z'),
    ];
    expect(latestDecision(tie, BIOPSY)?.id).toBe('d1');
    // An entered-in-error refusal does not count.
    const voided = [
      consent('e1', BIOPSY, 'permit', '2026-11-27T14:00:00.000Z'),
      consent('e2', BIOPSY, 'deny', '2026-11-27T14:10:00.000Z', 'entered-in-error'),
    ];
    expect(latestDecision(voided, BIOPSY)?.id).toBe('e1');
  });

  it('refuses, naming consentId: after a refusal, under a refusal, under another procedure, under a void one', () => {
    const codeOf = (fn: () => void): [number | undefined, string | undefined] => {
      try {
        fn();
      } catch (err) {
        if (err instanceof OutcomeError) return [err.status, err.outcome.issue?.[0]?.expression?.[0]];
        throw err;
      }
      return [undefined, undefined];
    };
    const permitThenDeny = [
      consent('c1', BIOPSY, 'permit', '2026-11-27T14:00:00.000Z'),
      consent('c2', BIOPSY, 'deny', '2026-11-27T14:10:00.000Z'),
    ];
    expect(codeOf(() => checkConsentFor(permitThenDeny, BIOPSY, undefined))).toEqual([422, 'consentId']);
    expect(codeOf(() => checkConsentFor(permitThenDeny, BIOPSY, 'c1'))).toEqual([422, 'consentId']);
    // A refusal of another procedure does not stop this one.
    expect(codeOf(() => checkConsentFor(permitThenDeny, SUTURE, undefined))).toEqual([undefined, undefined]);
    const suture = [consent('s1', SUTURE, 'permit', '2026-11-27T14:00:00.000Z')];
    expect(codeOf(() => checkConsentFor(suture, BIOPSY, 's1'))).toEqual([422, 'consentId']);
    expect(codeOf(() => checkConsentFor(suture, SUTURE, 's1'))).toEqual([undefined, undefined]);
    expect(codeOf(() => checkConsentFor(suture, SUTURE, 'other'))).toEqual([400, 'consentId']);
    const voided = [consent('v1', SUTURE, 'permit', '2026-11-27T14:00:00.000Z', 'entered-in-error')];
    expect(codeOf(() => checkConsentFor(voided, SUTURE, 'v1'))).toEqual([422, 'consentId']);
  });
});

describe('codes', () => {
  it('a catalog procedure is coded SNOMED with its display; anything else is text only', () => {
    expect(conceptOf({ code: '30549001' }, PROCEDURE_CATALOG)).toEqual({
      coding: [{ system: 'http://snomed.info/sct', code: '30549001', display: 'Removal of suture' }],
      text: 'Removal of suture',
    });
    expect(conceptOf({ text: 'Ear irrigation' }, PROCEDURE_CATALOG)).toEqual({ text: 'Ear irrigation' });
  });

  it('a body site carries its laterality in words', () => {
    expect(bodySiteOf({ code: '56459004', laterality: 'bilateral' }).text).toBe('Bilateral foot');
    expect(bodySiteOf({ text: 'Scalp' })).toEqual({ text: 'Scalp' });
  });

  it('a supply keeps its quantity and UCUM unit; a count is "each" (UCUM 1)', () => {
    expect(usedCodeOf({ text: 'Gauze 4x4', quantity: 3 }).extension?.[0].valueQuantity).toEqual({
      value: 3,
      unit: 'each',
      system: 'http://unitsofmeasure.org',
      code: '1',
    });
  });
});

describe('PDF text wrapping', () => {
  it('keeps every word, in order, on lines no wider than the width', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const text =
      'Bleeding, infection, a small scar, and rarely damage to a nerve near the site of the biopsy.';
    const lines = wrap(text, font, 11, 150);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(text);
    for (const line of lines) expect(font.widthOfTextAtSize(line, 11)).toBeLessThanOrEqual(150);
  });

  it('starts a new line at a line break and keeps typographic quotes (no "?" in the consent text)', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    expect(wrap('Risks: bleeding.\nBenefits: a diagnosis – “soon”.', font, 11, 400)).toEqual([
      'Risks: bleeding.',
      'Benefits: a diagnosis – “soon”.',
    ]);
  });
});
