import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import {
  bodySiteOf,
  conceptOf,
  PROCEDURE_CATALOG,
} from '../../../../src/clinic/rooming/procedures/catalog.js';
import { wrap } from '../../../../src/clinic/rooming/education/pdfLayout.js';
import { checkImage } from '../../../../src/clinic/rooming/procedures/images.js';
import { usedCodeOf } from '../../../../src/clinic/rooming/procedures/procedure.js';
import { areaMm2, changesOf, percentChange } from '../../../../src/clinic/rooming/procedures/woundMath.js';
import { OutcomeError } from '../../../../src/fhir/outcome.js';
import { jpeg, png } from './fixtures.js';

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
      1000
    );
    expect(a.contentType).toBe('image/png');
    expect(a.size).toBe(bytes.length);
    expect(a.bytes.equals(bytes)).toBe(true);
    const b = checkImage(
      { contentType: 'image/jpeg', data: jpeg(100).toString('base64') },
      'photos[0]',
      ['image/jpeg'],
      1000
    );
    expect(b.contentType).toBe('image/jpeg');
  });

  it('refuses other types (by their bytes, whatever is declared), oversized images and non-base64', () => {
    const jpg = jpeg(100).toString('base64');
    expect(fieldOf(() => checkImage(`data:image/png;base64,${jpg}`, 'signature', ['image/png'], 1000))).toBe(
      'signature'
    );
    expect(
      fieldOf(() => checkImage({ contentType: 'image/gif', data: jpg }, 'p', ['image/jpeg'], 1000))
    ).toBe('p');
    expect(fieldOf(() => checkImage({ data: 'not base64 at all!' }, 'p', ['image/jpeg'], 1000))).toBe('p');
    // 2,000 bytes against a limit of 1,000.
    expect(
      fieldOf(() => checkImage({ data: jpeg(2000).toString('base64') }, 'p', ['image/jpeg'], 1000))
    ).toBe('p');
    expect(fieldOf(() => checkImage(42, 'signature', ['image/png'], 1000))).toBe('signature');
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
