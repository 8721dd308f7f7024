import { randomUUID } from 'node:crypto';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Role } from '../../../../src/auth/accessMatrix.js';
import { createSession, DEFAULT_SESSION_LIMITS, loadSession } from '../../../../src/auth/sessions.js';
import { createUser } from '../../../../src/auth/users.js';
import type { Database } from '../../../../src/store/db.js';
import { TEST_PASSWORD, type TestUser } from '../../../authHarness.js';
import { transaction, type TestContext } from '../../../harness.js';
import { clinic, frontDesk, goodCheckIn, MA, PATIENT, post } from '../../flow/fixtures.js';

/**
 * The procedures' clinic: the flow tests' clinic (Maria Delgado, born 1980-04-12, with Dr. Amara Nwosu,
 * prac-nwosu, today at Main Street Clinic), checked in by the front desk, and an MA (Luis Ortega) whose
 * account is linked to Practitioner/prac-ortega, so authorOf names him.
 */
export async function userWithPractitioner(
  db: Database,
  ctx: TestContext,
  roles: Role[],
  practitionerId: string | null,
  now = new Date()
): Promise<TestUser> {
  const user = await createUser(db, ctx.practiceId, {
    username: `${roles[0]}-${randomUUID().slice(0, 8)}`,
    displayName: `Test ${roles.join('/')}`,
    roles,
    permissions: [],
    password: TEST_PASSWORD,
    practitionerId,
  });
  const { token, id } = await createSession(db, user, 'signed-in', { now });
  const active = await loadSession(db, token, DEFAULT_SESSION_LIMITS, now, false);
  return { user, token, csrf: active.session.csrf_token, sessionId: id };
}

export async function procedureVisit(
  app: FastifyInstance,
  db: Database,
  ctx: TestContext,
  now = new Date()
): Promise<{ encounterId: string; ma: TestUser; desk: TestUser }> {
  await clinic(app, ctx, now);
  const desk = await frontDesk(db, ctx);
  const res = await post(app, desk, '/api/flow/check-in', goodCheckIn());
  expect(res.status, res.text).toBe(201);
  const ma = await userWithPractitioner(db, ctx, ['medical-assistant'], MA, now);
  return { encounterId: res.body.encounter.id as string, ma, desk };
}

/** An earlier (finished) visit of the patient, for wounds followed over visits. */
export async function earlierEncounter(app: FastifyInstance, ctx: TestContext, id: string): Promise<void> {
  const res = await transaction(app, ctx, [
    {
      resource: {
        resourceType: 'Encounter',
        id,
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${PATIENT}` },
        participant: [{ individual: { reference: 'Practitioner/prac-nwosu' } }],
      },
      request: { method: 'PUT', url: `Encounter/${id}` },
    },
  ]);
  expect(res.status, res.text).toBe(200);
}

/** One PNG chunk: length, type, data, CRC-32 of type and data (RFC 2083 3.2). */
export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A PNG whose header claims width x height but whose image data is a few bytes: a decompression bomb when
 * the claim is large (decoding it allocates for every claimed pixel). `extra` chunks go before IDAT.
 */
export function pngClaiming(width: number, height: number, extra: Buffer[] = []): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    ...extra,
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real (decodable) PNG, width x height, grey, built by hand: signature, IHDR, IDAT, IEND (RFC 2083). */
export function png(width = 40, height = 12): Buffer {
  const chunk = pngChunk;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter: none
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const dataUrl = (bytes: Buffer, type = 'image/png'): string =>
  `data:${type};base64,${bytes.toString('base64')}`;

/**
 * The head of a baseline JPEG (ITU T.81): SOI, an APP0 JFIF segment, a SOF0 frame header stating
 * width x height (3 components), then filler up to `size` bytes. Enough for the type and size checks, which
 * are all the server does with a photo (it never decodes one).
 */
export function jpeg(size = 2000, width = 64, height = 48): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00,
  ]);
  const sof0 = Buffer.alloc(19);
  sof0.writeUInt16BE(0xffc0, 0);
  sof0.writeUInt16BE(17, 2); // length: 8 + 3 components x 3
  sof0[4] = 8; // precision
  sof0.writeUInt16BE(height, 5);
  sof0.writeUInt16BE(width, 7);
  sof0[9] = 3;
  sof0.set([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], 10);
  const head = Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0]);
  const b = Buffer.alloc(Math.max(size, head.length), 0x11);
  head.copy(b);
  return b;
}

/** Every stream of a PDF inflated (pdf-lib compresses page content), joined: the text drawn is in here. */
export function pdfText(pdf: Buffer): string {
  const out: string[] = [];
  const text = pdf.toString('latin1');
  // Each stream's dictionary gives its exact byte length (pdf-lib writes "/Length n" before "stream").
  const re = /\/Length (\d+)[^]*?>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const bytes = pdf.subarray(start, start + Number(m[1]));
    try {
      out.push(inflateSync(bytes).toString('latin1'));
    } catch {
      out.push(bytes.toString('latin1'));
    }
    re.lastIndex = start + Number(m[1]);
  }
  return out.join('\n');
}

/** Whether the PDF draws `words` (pdf-lib writes standard-font text as hex strings: <4D61726961> Tj). */
export function pdfShows(pdf: Buffer, words: string): boolean {
  const hex = Buffer.from(words, 'latin1').toString('hex').toUpperCase();
  return pdfText(pdf).toUpperCase().replace(/\s/g, '').includes(hex);
}

export const goodConsent = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  procedure: { code: '240977001' },
  explanation: {
    risks: 'Bleeding, infection, a small scar.',
    benefits: 'A diagnosis of the lesion.',
    alternatives: 'Watching the lesion; referral to dermatology.',
  },
  decision: 'consent',
  signature: dataUrl(png()),
  witness: { name: 'Luis Ortega', signature: dataUrl(png(30, 10)) },
  ...extra,
});
