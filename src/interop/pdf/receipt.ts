import { letterhead, SimplePdf, type Letterhead } from './document.js';

/** What a payment receipt shows: no clinical details, only who paid what, when, how. */
export interface ReceiptData {
  clinic: Letterhead;
  number: string;
  /** Local date and time of the payment, as the clinic shows it. */
  paidAt: string;
  patient: { name: string; birthDate?: string };
  amount: number;
  method: string;
  reference?: string;
  purpose: string;
  receivedBy: string;
}

/** The printable receipt of a co-pay or balance paid at the desk. */
export async function receiptPdf(data: ReceiptData): Promise<Uint8Array> {
  const pdf = await SimplePdf.create(`Receipt ${data.number}`);
  letterhead(pdf, data.clinic);
  pdf.heading('Payment receipt', 14);
  pdf
    .row('Receipt number', data.number)
    .row('Date', data.paidAt)
    .row('Patient', data.patient.name)
    .row('Date of birth', data.patient.birthDate ?? '')
    .row('For', data.purpose)
    .row('Amount paid', `$${data.amount.toFixed(2)}`)
    .row('Paid by', data.method + (data.reference ? ` (${data.reference})` : ''))
    .row('Received by', data.receivedBy)
    .gap()
    .line('Thank you. Keep this receipt for your records.', 10);
  return pdf.bytes();
}
