import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

/**
 * Multi-page text layout for the handouts and the huddle sheet (pdf-lib). The standard fonts encode WinAnsi
 * (Windows-1252), which holds the Spanish letters and marks (á é í ó ú ñ ü ¿ ¡): those are kept; anything else
 * outside it becomes "?" instead of failing the print.
 */
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

/** The text with every character outside WinAnsi replaced by "?" (line breaks are kept for wrap). */
export function winAnsi(text: string): string {
  return [...text.normalize('NFC').replace(/\t/g, ' ')]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return ch === '\n' ||
        (code >= 0x20 && code <= 0x7e) ||
        (code >= 0xa0 && code <= 0xff) ||
        WIN_ANSI_EXTRA.includes(ch)
        ? ch
        : '?';
    })
    .join('');
}

/** Splits text into lines no wider than `width` points (words longer than a line are cut). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of winAnsi(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** A document that adds pages as text flows: portrait US Letter or landscape. */
export class FlowPdf {
  page!: PDFPage;
  y = 0;
  pages = 0;

  private constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
    readonly size: [number, number],
    readonly margin: number,
    private readonly onNewPage: (pdf: FlowPdf) => void
  ) {}

  static async create(
    title: string,
    options: { landscape?: boolean; language?: string; onNewPage?: (pdf: FlowPdf) => void } = {}
  ): Promise<FlowPdf> {
    const doc = await PDFDocument.create();
    doc.setTitle(winAnsi(title));
    doc.setProducer('medassist');
    doc.setCreator('medassist');
    if (options.language) doc.setLanguage(options.language);
    const fonts = {
      regular: await doc.embedFont(StandardFonts.Helvetica),
      bold: await doc.embedFont(StandardFonts.HelveticaBold),
    };
    const size: [number, number] = options.landscape ? [792, 612] : [612, 792];
    const pdf = new FlowPdf(doc, fonts, size, 48, options.onNewPage ?? (() => undefined));
    pdf.newPage();
    return pdf;
  }

  get width(): number {
    return this.size[0] - 2 * this.margin;
  }

  newPage(): void {
    this.page = this.doc.addPage(this.size);
    this.pages++;
    this.y = this.size[1] - this.margin;
    this.onNewPage(this);
  }

  /** Makes room for `height` points, starting a new page when the current one is full. */
  ensure(height: number): void {
    if (this.y - height < this.margin) this.newPage();
  }

  text(
    text: string,
    options: {
      size?: number;
      bold?: boolean;
      x?: number;
      width?: number;
      gray?: boolean;
      gapAfter?: number;
    } = {}
  ): void {
    const size = options.size ?? 11;
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const x = options.x ?? this.margin;
    for (const line of wrap(text, font, size, options.width ?? this.width - (x - this.margin))) {
      this.ensure(size + 4);
      this.page.drawText(line, {
        x,
        y: this.y - size,
        size,
        font,
        color: options.gray ? rgb(0.35, 0.35, 0.35) : rgb(0.1, 0.1, 0.1),
      });
      this.y -= size + 4;
    }
    this.y -= options.gapAfter ?? 0;
  }

  rule(): void {
    this.ensure(8);
    this.page.drawLine({
      start: { x: this.margin, y: this.y - 2 },
      end: { x: this.size[0] - this.margin, y: this.y - 2 },
      thickness: 0.5,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.y -= 8;
  }

  async bytes(): Promise<Uint8Array> {
    return this.doc.save();
  }
}
