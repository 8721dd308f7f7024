import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

/**
 * A one-page printable document (US Letter) written line by line: a heading, label/value rows, paragraphs.
 * pdf-lib's standard fonts speak WinAnsi only, so text outside it is replaced rather than failing the print.
 */
export class SimplePdf {
  private constructor(
    private readonly doc: PDFDocument,
    private readonly page: PDFPage,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
    private y: number
  ) {}

  static async create(title: string): Promise<SimplePdf> {
    const doc = await PDFDocument.create();
    doc.setTitle(title);
    doc.setProducer('medassist');
    doc.setCreator('medassist');
    const page = doc.addPage([612, 792]);
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const bold = await doc.embedFont(StandardFonts.HelveticaBold);
    return new SimplePdf(doc, page, font, bold, 740);
  }

  private static safe(text: string): string {
    // WinAnsi: Latin-1 and a few more; accents are kept, anything else becomes "?".
    return text.normalize('NFC').replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
  }

  heading(text: string, size = 18): this {
    this.page.drawText(SimplePdf.safe(text), { x: 56, y: this.y, size, font: this.bold });
    this.y -= size + 10;
    return this;
  }

  line(text: string, size = 11): this {
    this.page.drawText(SimplePdf.safe(text), {
      x: 56,
      y: this.y,
      size,
      font: this.font,
      color: rgb(0.2, 0.2, 0.2),
    });
    this.y -= size + 5;
    return this;
  }

  row(label: string, value: string): this {
    this.page.drawText(SimplePdf.safe(label), { x: 56, y: this.y, size: 11, font: this.bold });
    this.page.drawText(SimplePdf.safe(value), { x: 200, y: this.y, size: 11, font: this.font });
    this.y -= 17;
    return this;
  }

  gap(points = 12): this {
    this.y -= points;
    return this;
  }

  rule(): this {
    this.page.drawLine({
      start: { x: 56, y: this.y + 6 },
      end: { x: 556, y: this.y + 6 },
      thickness: 0.5,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.y -= 10;
    return this;
  }

  async bytes(): Promise<Uint8Array> {
    return this.doc.save();
  }
}

/** A clinic's letterhead: name, address lines and phone. */
export interface Letterhead {
  name: string;
  address: string[];
  phone?: string;
}

export function letterhead(pdf: SimplePdf, clinic: Letterhead): SimplePdf {
  pdf.heading(clinic.name, 16);
  for (const line of clinic.address) pdf.line(line, 10);
  if (clinic.phone) pdf.line(`Phone ${clinic.phone}`, 10);
  return pdf.gap(6).rule();
}
