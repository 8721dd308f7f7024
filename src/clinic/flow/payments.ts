import type { PaymentNotice } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { planCreate } from '../../store/repository.js';
import { applyWrites } from '../../store/writes.js';
import { findReferencing } from './visit.js';

/**
 * Payments taken at the desk (a co-pay at check-in, a balance at check-out): one PaymentNotice each, in the
 * deskPayments data group (src/auth/accessMatrix.ts), so the front desk records them without reading claims
 * or remittances. `identifier` is the receipt number, `request` the Encounter, `amount` what was paid;
 * the method and the card or check reference are extensions (docs/decisions/0013-patient-flow.md).
 */
export const RECEIPT_SYSTEM = 'urn:medassist:receipt';
export const PAYMENT_METHOD_URL = 'https://medassist.dev/fhir/StructureDefinition/payment-method';
export const PAYMENT_REFERENCE_URL = 'https://medassist.dev/fhir/StructureDefinition/payment-reference';
export const PAYMENT_PURPOSE_URL = 'https://medassist.dev/fhir/StructureDefinition/payment-purpose';
export const PAYMENT_METHODS = ['cash', 'card', 'check'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface Payment {
  amount: number;
  method: PaymentMethod;
  reference?: string;
}

/** Checks a payment body: a positive amount in dollars and cents, a known method. */
export function parsePayment(value: unknown, field: string): Payment | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`${field} must be an object { amount, method, reference? }`, field);
  }
  const b = value as Record<string, unknown>;
  const amount = b.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw badRequest(`${field}.amount must be a number (dollars, e.g. 25 or 25.50)`, `${field}.amount`);
  }
  if (amount <= 0 || amount > 100_000) {
    throw badRequest(`${field}.amount must be more than 0 and at most 100000`, `${field}.amount`);
  }
  if (Math.round(amount * 100) !== Number((amount * 100).toFixed(6))) {
    throw badRequest(`${field}.amount has at most two decimals (cents)`, `${field}.amount`);
  }
  if (!(PAYMENT_METHODS as readonly unknown[]).includes(b.method)) {
    throw badRequest(`${field}.method must be one of ${PAYMENT_METHODS.join(', ')}`, `${field}.method`);
  }
  if (
    b.reference !== undefined &&
    (typeof b.reference !== 'string' || b.reference.length === 0 || b.reference.length > 100)
  ) {
    throw badRequest(`${field}.reference must be 1-100 characters`, `${field}.reference`);
  }
  return {
    amount: Math.round(amount * 100) / 100,
    method: b.method as PaymentMethod,
    reference: b.reference,
  };
}

/** The next receipt number of the practice (R-000001...), taken inside the payment's transaction. */
async function nextReceiptNumber(tx: SqlConnection, practiceId: string): Promise<string> {
  const result = await tx.query<{ last_number: number }>(
    `INSERT INTO flow_receipt_counter (practice_id, last_number) VALUES ($1, 1)
     ON CONFLICT (practice_id) DO UPDATE SET last_number = flow_receipt_counter.last_number + 1
     RETURNING last_number`,
    [practiceId]
  );
  return `R-${String(result.rows[0].last_number).padStart(6, '0')}`;
}

/** Records a payment for a visit; returns the PaymentNotice (its identifier is the receipt number). */
export async function recordPayment(
  tx: SqlConnection,
  ctx: RequestContext,
  payment: Payment,
  visit: { encounterId: string; purpose: 'copay' | 'balance'; recipient: string; at: string; by: string }
): Promise<PaymentNotice> {
  const number = await nextReceiptNumber(tx, ctx.practiceId);
  const notice: PaymentNotice = {
    resourceType: 'PaymentNotice',
    identifier: [{ system: RECEIPT_SYSTEM, value: number }],
    status: 'active',
    request: { reference: `Encounter/${visit.encounterId}` },
    created: visit.at,
    paymentDate: visit.at.slice(0, 10),
    // PaymentNotice.payment (1..1) points at a PaymentReconciliation; money taken at the desk has none.
    payment: { display: 'Collected at the front desk' },
    recipient: { display: visit.recipient },
    amount: { value: payment.amount, currency: 'USD' },
    paymentStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/paymentstatus', code: 'paid', display: 'Paid' },
      ],
    },
    extension: [
      { url: PAYMENT_PURPOSE_URL, valueCode: visit.purpose },
      { url: PAYMENT_METHOD_URL, valueCode: payment.method },
      ...(payment.reference ? [{ url: PAYMENT_REFERENCE_URL, valueString: payment.reference }] : []),
    ],
    provider: { display: visit.by },
  };
  const write = planCreate(notice);
  await applyWrites(tx, ctx, [write]);
  return write.content as PaymentNotice;
}

/** The receipt number of a PaymentNotice. */
export function receiptNumberOf(notice: PaymentNotice): string {
  return notice.identifier?.find((i) => i.system === RECEIPT_SYSTEM)?.value ?? '';
}

/** The PaymentNotice of a receipt number, as the caller may read it (404 otherwise). */
export async function findReceipt(
  conn: SqlConnection,
  ctx: RequestContext,
  number: string
): Promise<PaymentNotice> {
  if (!/^R-\d{6,9}$/.test(number)) {
    throw badRequest('a receipt number looks like R-000123', 'number');
  }
  const found = await findReferencing<PaymentNotice>(conn, ctx, 'PaymentNotice', 'identifier', number);
  const notice = found.find((n) => receiptNumberOf(n) === number);
  if (!notice) {
    throw notFound(`receipt ${number} was not found`);
  }
  return notice;
}

/** The payments recorded for a visit. */
export function paymentsOf(
  conn: SqlConnection,
  ctx: RequestContext,
  encounterId: string
): Promise<PaymentNotice[]> {
  return findReferencing<PaymentNotice>(conn, ctx, 'PaymentNotice', 'request', `Encounter/${encounterId}`);
}
