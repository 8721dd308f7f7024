import { FlowPdf } from './pdfLayout.js';
import type { Handout, Language } from './handouts.js';

const FOOTER: Record<Language, (clinic: string) => string> = {
  en: (clinic) =>
    `From ${clinic}. This sheet gives general information; it does not replace advice from your care team. Call us with any questions.`,
  es: (clinic) =>
    `De ${clinic}. Esta hoja da información general; no reemplaza los consejos de su equipo de salud. ¿Tiene preguntas? ¡Llámenos!`,
};

/** A handout as a printable PDF (US Letter): the clinic's name, the title, the text, a footer. */
export async function handoutPdf(handout: Handout, language: Language, clinic: string): Promise<Uint8Array> {
  const text = handout[language];
  const pdf = await FlowPdf.create(text.title, { language });
  pdf.text(clinic, { size: 10, gray: true, gapAfter: 6 });
  pdf.text(text.title, { size: 20, bold: true, gapAfter: 4 });
  pdf.text(text.summary, { size: 12, gray: true, gapAfter: 6 });
  pdf.rule();
  for (const paragraph of text.body) {
    pdf.text(paragraph, { size: 12, gapAfter: 8 });
  }
  pdf.rule();
  pdf.text(FOOTER[language](clinic), { size: 9, gray: true });
  return pdf.bytes();
}
