import { describe, expect, it } from 'vitest';
import {
  areaOf,
  changeTone,
  changeWords,
  codedOf,
  emptySupply,
  fitWithin,
  parseMm,
  photoFits,
  photoProblem,
  sizeWords,
  suppliesOf,
} from '../../../../web/src/rooming/procedures/procedureModel';

describe('wound sizes as typed', () => {
  it('reads millimetres with a decimal point or comma; blank is nothing; other text is NaN', () => {
    expect(parseMm('12')).toBe(12);
    expect(parseMm(' 12.5 ')).toBe(12.5);
    expect(parseMm('12,5')).toBe(12.5);
    expect(parseMm('')).toBeUndefined();
    expect(parseMm('1.2.3')).toBeNaN();
    expect(parseMm('-3')).toBeNaN();
    expect(parseMm('abc')).toBeNaN();
  });

  it('computes the area as the server does: 20 x 10 = 200 mm2, 12.5 x 3.2 = 40 mm2', () => {
    expect(areaOf(20, 10)).toBe(200);
    expect(areaOf(12.5, 3.2)).toBe(40);
  });

  it('writes the size with depth when measured', () => {
    expect(sizeWords({ lengthMm: 20, widthMm: 10 })).toBe('20 × 10 mm');
    expect(sizeWords({ lengthMm: 20, widthMm: 10, depthMm: 2.5 })).toBe('20 × 10 × 2.5 mm');
  });
});

describe('change in area', () => {
  it('says a change in words with its sign (a minus sign, not a hyphen)', () => {
    expect(changeWords(-40)).toBe('−40%');
    expect(changeWords(33.3)).toBe('+33.3%');
    expect(changeWords(0)).toBe('no change');
    expect(changeWords(null)).toBe('—');
  });

  it('a smaller wound is good news, a larger one is not', () => {
    expect(changeTone(-40)).toBe('good');
    expect(changeTone(25)).toBe('bad');
    expect(changeTone(null)).toBe('neutral');
  });
});

describe('photos before upload', () => {
  it('takes JPEG and PNG up to 10 MB (shrunk before sending)', () => {
    expect(photoProblem({ name: 'a.jpg', type: 'image/jpeg', size: 10 * 1024 * 1024 })).toBeUndefined();
    expect(photoProblem({ name: 'a.png', type: 'image/png', size: 10 })).toBeUndefined();
  });

  it('names the file that is too large or not a photo', () => {
    // 12,582,912 bytes = 12.0 MB.
    expect(photoProblem({ name: 'big.jpg', type: 'image/jpeg', size: 12 * 1024 * 1024 })).toBe(
      'big.jpg is larger than 10 MB (12.0 MB)'
    );
    expect(photoProblem({ name: 'scan.pdf', type: 'application/pdf', size: 10 })).toBe(
      'scan.pdf is not a JPEG or PNG photo'
    );
  });
});

describe('shrinking a photo', () => {
  it('scales the longer side down to the limit, keeping the shape; never up', () => {
    // 4032 x 3024 (a phone photo) into 1600: scale 1600/4032, height 3024 x 0.3968... = 1200.
    expect(fitWithin(4032, 3024, 1600)).toEqual({ width: 1600, height: 1200 });
    // Portrait 3000 x 4000 into 800: 600 x 800.
    expect(fitWithin(3000, 4000, 800)).toEqual({ width: 600, height: 800 });
    expect(fitWithin(640, 480, 1600)).toEqual({ width: 640, height: 480 });
  });
});

describe('supplies and choices', () => {
  it('drops blank rows, reads quantities, leaves out a blank unit', () => {
    expect(
      suppliesOf([
        { text: 'Gauze 4x4', quantity: '3', unit: '' },
        emptySupply(),
        { text: 'Lidocaine 1%', quantity: '2,5', unit: 'mL' },
        { text: 'Suture kit', quantity: '', unit: '' },
      ])
    ).toEqual([
      { text: 'Gauze 4x4', quantity: 3 },
      { text: 'Lidocaine 1%', quantity: 2.5, unit: 'mL' },
      { text: 'Suture kit', quantity: 1 },
    ]);
  });

  it('a catalog choice is sent as its code, "other" as the typed text', () => {
    expect(codedOf('240977001', 'ignored')).toEqual({ code: '240977001' });
    expect(codedOf('other', ' Ear irrigation ')).toEqual({ text: 'Ear irrigation' });
    expect(codedOf(null, 'Shin')).toEqual({ text: 'Shin' });
  });
});

describe('photo size in pixels', () => {
  it('sends a picture as it is up to 8192 a side and 50 megapixels, as the server takes it', () => {
    // A 12 MP phone photo, 4032 x 3024.
    expect(photoFits(4032, 3024)).toBe(true);
    // 8192 x 6103 = 49,995,776 pixels; 8000 x 6300 = 50,400,000 pixels.
    expect(photoFits(8192, 6103)).toBe(true);
    expect(photoFits(8000, 6300)).toBe(false);
    expect(photoFits(8193, 100)).toBe(false);
    expect(photoFits(100, 8193)).toBe(false);
  });
});
