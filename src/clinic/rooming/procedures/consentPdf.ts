import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import { badRequest } from '../../../fhir/outcome.js';
import { winAnsi, wrap } from '../education/pdfLayout.js';

/** What the printed consent shows (all text already in words; times already in the clinic's zone). */
export interface ConsentPrint {
  clinic: { name: string; address: string[]; phone?: string };
  patient: { name: string; birthDate?: string };
  procedure: string;
  explainedBy: string;
  explanation: { risks: string; benefits: string; alternatives: string };
  decision: 'consent' | 'refuse';
  signer: { name: string; relationship?: string; signedAt: string; png: Buffer };
  witness: { name: string; signedAt: string; png: Buffer };
  recordedBy: string;
}

const PAGE: [number, number] = [612, 792]; // US Letter
const LEFT = 56;
const RIGHT = 556;
const BOTTOM = 64;

// Text goes through the handouts' WinAnsi layout helpers (education/pdfLayout.ts): line breaks in the
// explanation start new lines, and typographic quotes and dashes typed on a tablet print as themselves.
class Writer {
  private page: PDFPage;
  private y = 740;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont
  ) {
    this.page = doc.addPage(PAGE);
  }

  private room(points: number): void {
    if (this.y - points < BOTTOM) {
      this.page = this.doc.addPage(PAGE);
      this.y = 740;
    }
  }

  text(value: string, size = 11, bold = false, color = rgb(0.15, 0.15, 0.15)): this {
    const font = bold ? this.bold : this.font;
    for (const line of wrap(value, font, size, RIGHT - LEFT)) {
      this.room(size + 5);
      this.page.drawText(line, { x: LEFT, y: this.y, size, font, color });
      this.y -= size + 5;
    }
    return this;
  }

  row(label: string, value: string): this {
    const lines = wrap(value, this.font, 11, RIGHT - 200);
    this.room(17 * lines.length);
    this.page.drawText(winAnsi(label), { x: LEFT, y: this.y, size: 11, font: this.bold });
    for (const line of lines) {
      this.page.drawText(line, { x: 200, y: this.y, size: 11, font: this.font });
      this.y -= 17;
    }
    return this;
  }

  gap(points = 10): this {
    this.y -= points;
    return this;
  }

  rule(): this {
    this.room(12);
    this.page.drawLine({
      start: { x: LEFT, y: this.y + 6 },
      end: { x: RIGHT, y: this.y + 6 },
      thickness: 0.5,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.y -= 10;
    return this;
  }

  /** A signature image scaled into a 240 x 70 box, with its caption lines below. */
  signature(image: PDFImage, caption: string[]): this {
    const scale = Math.min(240 / image.width, 70 / image.height, 1);
    const w = image.width * scale;
    const h = image.height * scale;
    this.room(h + 14 + caption.length * 15);
    this.page.drawImage(image, { x: LEFT, y: this.y - h, width: w, height: h });
    this.y -= h + 4;
    this.page.drawLine({
      start: { x: LEFT, y: this.y },
      end: { x: LEFT + 260, y: this.y },
      thickness: 0.75,
      color: rgb(0.3, 0.3, 0.3),
    });
    this.y -= 14;
    for (const line of caption) {
      this.page.drawText(winAnsi(line), { x: LEFT, y: this.y, size: 10, font: this.font });
      this.y -= 15;
    }
    return this;
  }
}

async function embedSignature(doc: PDFDocument, png: Buffer, field: string): Promise<PDFImage> {
  try {
    return await doc.embedPng(png);
  } catch {
    // The first bytes said PNG but the image does not decode: the pad sent something broken.
    throw badRequest(`${field} is not a readable PNG image`, field);
  }
}

/**
 * The signed informed-consent form as PDF bytes: clinic, patient (name and date of birth), procedure, who
 * explained it and what was explained, the decision (a refusal printed as REFUSED), both signature images
 * with names and times. Broken signature images are a 400 naming the field (`signature`, `witness.signature`).
 */
export async function consentPdf(print: ConsentPrint): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const refused = print.decision === 'refuse';
  doc.setTitle(refused ? 'Refusal of a procedure' : 'Informed consent for a procedure');
  doc.setProducer('medassist');
  doc.setCreator('medassist');
  const signerImage = await embedSignature(doc, print.signer.png, 'signature');
  const witnessImage = await embedSignature(doc, print.witness.png, 'witness.signature');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const w = new Writer(doc, font, bold);

  w.text(print.clinic.name, 16, true);
  for (const line of print.clinic.address) w.text(line, 10);
  if (print.clinic.phone) w.text(`Phone ${print.clinic.phone}`, 10);
  w.gap(4).rule();
  w.text(refused ? 'Refusal of a procedure' : 'Informed consent for a procedure', 18, true).gap(4);
  w.row('Patient', print.patient.name);
  w.row('Date of birth', print.patient.birthDate ?? 'not recorded');
  w.row('Procedure', print.procedure);
  w.row('Explained by', print.explainedBy);
  w.gap(6).rule();
  w.text('What was explained', 13, true);
  w.text('Risks', 11, true).text(print.explanation.risks).gap(4);
  w.text('Benefits', 11, true).text(print.explanation.benefits).gap(4);
  w.text('Alternatives', 11, true).text(print.explanation.alternatives).gap(6);
  w.rule();
  w.text('Decision', 13, true);
  if (refused) {
    w.text('REFUSED', 20, true, rgb(0.7, 0.05, 0.05));
    w.text(
      'The procedure, its risks, benefits and alternatives were explained, and the patient (or their ' +
        'representative) refuses the procedure.'
    );
  } else {
    w.text('CONSENTED', 20, true, rgb(0.05, 0.4, 0.15));
    w.text(
      'The procedure, its risks, benefits and alternatives were explained, questions were answered, and ' +
        'the patient (or their representative) agrees to the procedure.'
    );
  }
  w.gap(10);
  w.signature(signerImage, [
    print.signer.relationship
      ? `${print.signer.name} (${print.signer.relationship}), for the patient`
      : `${print.signer.name}, patient`,
    `Signed ${print.signer.signedAt}`,
  ]);
  w.gap(8);
  w.signature(witnessImage, [`${print.witness.name}, witness`, `Signed ${print.witness.signedAt}`]);
  w.gap(6).text(`Recorded by ${print.recordedBy}`, 9);
  return doc.save();
}
