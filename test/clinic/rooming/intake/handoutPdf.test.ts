import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { handoutPdf } from '../../../../src/clinic/rooming/education/handoutPdf.js';
import { handouts, LANGUAGES } from '../../../../src/clinic/rooming/education/handouts.js';
import { winAnsi, wrap } from '../../../../src/clinic/rooming/education/pdfLayout.js';

describe('handout PDFs: Spanish letters in WinAnsi', () => {
  it('pdf-lib encodes á é í ó ú ñ ü ¿ ¡ as their Windows-1252 bytes', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    // Windows-1252: ¿ BF, Q 51, u 75, é E9, space 20, a 61, ñ F1, o 6F, ? 3F, ¡ A1, S 53, í ED, ! 21,
    // á E1, ó F3, ú FA, ü FC.
    expect(font.encodeText('¿Qué año? ¡Sí! áóúü').toString().toUpperCase()).toBe(
      '<BF5175E92061F16F3F20A153ED2120E1F3FAFC>'
    );
  });

  it('keeps every character of every handout (nothing becomes "?")', () => {
    for (const handout of handouts()) {
      for (const language of LANGUAGES) {
        const text = handout[language];
        for (const part of [text.title, text.summary, ...text.body]) {
          expect(winAnsi(part)).toBe(part.normalize('NFC'));
        }
      }
    }
    // Outside WinAnsi (a CJK character) is replaced rather than failing the print.
    expect(winAnsi('dolor 痛')).toBe('dolor ?');
  });

  it('wraps text to the width', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const lines = wrap('uno dos tres cuatro cinco seis siete ocho nueve diez', font, 12, 100);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(font.widthOfTextAtSize(line, 12)).toBeLessThanOrEqual(100);
    expect(lines.join(' ')).toBe('uno dos tres cuatro cinco seis siete ocho nueve diez');
    // A line break starts a new line (the huddle's name / DOB cell), and is not printed as "?".
    expect(wrap('María López\nDOB 1980-04-12', font, 9, 300)).toEqual(['María López', 'DOB 1980-04-12']);
  });

  it('every handout prints in English and Spanish (a PDF with its title in the metadata)', async () => {
    for (const handout of handouts()) {
      for (const language of LANGUAGES) {
        const bytes = await handoutPdf(handout, language, 'Clínica Familiar Riverbend');
        expect(Buffer.from(bytes.slice(0, 5)).toString('latin1')).toBe('%PDF-');
        const loaded = await PDFDocument.load(bytes);
        expect(loaded.getTitle()).toBe(handout[language].title);
        expect(loaded.getPageCount()).toBeGreaterThanOrEqual(1);
      }
    }
  });
});
