import { letterhead, SimplePdf, type Letterhead } from './document.js';

/**
 * What the visit summary the front desk prints shows: who, when, with whom, what kind of visit, and the
 * follow-up booked or asked for. Nothing clinical: the front desk may not read clinical data.
 */
export interface VisitSummaryData {
  clinic: Letterhead;
  patient: { name: string; birthDate?: string };
  date: string;
  provider?: string;
  visitType: string;
  followUp?: string;
}

export async function visitSummaryPdf(data: VisitSummaryData): Promise<Uint8Array> {
  const pdf = await SimplePdf.create('Visit summary');
  letterhead(pdf, data.clinic);
  pdf.heading('Visit summary', 14);
  pdf
    .row('Patient', data.patient.name)
    .row('Date of birth', data.patient.birthDate ?? '')
    .row('Visit date', data.date)
    .row('Seen by', data.provider ?? '')
    .row('Visit type', data.visitType)
    .row('Follow-up', data.followUp ?? 'None requested')
    .gap()
    .line(`Questions? Call us${data.clinic.phone ? ` at ${data.clinic.phone}` : ''}.`, 10);
  return pdf.bytes();
}
