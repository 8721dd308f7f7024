/**
 * Registering a new patient at the front desk: "Nathan Ellsworth-Kaur", whose name and (mistyped) birth
 * date resemble the demo's Nathaniel Ellsworth-Kaur (patient 45, used by no other e2e file). The desk sees
 * the likely match, confirms a new patient, captures the insurance with card images, signs the consent to
 * treat on the pad with the mouse, and opens the new chart.
 */
import path from 'node:path';
import zlib from 'node:zlib';
import type { Consent, Coverage, DocumentReference, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { banner, fhirGet, matches, useBrowser } from './helpers.js';
import { DEMO_USERS, useSessionOf } from './signIn.js';

const NATHANIEL = 'demo-pat-0045';

/** A small real PNG (a 24x16 grey card), made here: the server checks the bytes are a PNG. */
function cardPng(shade: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const [w, h] = [24, 16];
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.concat(
    Array.from({ length: h }, () => Buffer.from([0, ...Array<number>(w).fill(shade)]))
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A birth date the desk might mistype for `d`: day and month swapped when that is a date, else the year's last two digits swapped. */
function mistyped(d: string): string {
  const [y, m, day] = d.split('-');
  if (Number(day) <= 12 && day !== m) return `${y}-${day}-${m}`;
  const swapped = `${y.slice(0, 2)}${y[3]}${y[2]}`;
  return swapped !== y && swapped < String(new Date().getFullYear())
    ? `${swapped}-${m}-${day}`
    : `${y}-${m}-${day[1]}${day[0]}`;
}

describe('registration at the front desk', () => {
  const b = useBrowser({ viewport: { width: 1280, height: 1000 } });

  it('registers a look-alike as a new patient, with insurance, card images and a signed consent', async () => {
    const nathaniel = await fhirGet<Patient>(`Patient/${NATHANIEL}`);
    expect(nathaniel.name?.[0]?.given?.[0]).toBe('Nathaniel');
    const birthDate = mistyped(nathaniel.birthDate ?? '');
    expect(birthDate).not.toBe(nathaniel.birthDate);

    await useSessionOf(b.context, DEMO_USERS.frontDesk);
    await b.page.goto('/patients/new');
    const form = b.page.getByRole('form', { name: 'New patient' });
    await form.getByRole('textbox', { name: /^Last name/ }).fill('Ellsworth-Kaur');
    await form.getByRole('textbox', { name: /^First name/ }).fill('Nathan');
    await form.getByLabel(/^Date of birth/).fill(birthDate);
    await form.getByRole('combobox', { name: /^Sex \(administrative\)/ }).click();
    await b.page.getByRole('option', { name: 'Male', exact: true }).click();
    await form.getByRole('textbox', { name: /^Mobile phone/ }).fill('(830) 555-0199');
    await form.getByRole('button', { name: 'Check and register' }).click();

    // The likely match, with why; registering waits for the explicit confirmation.
    const likely = b.page.getByRole('region', { name: 'Likely matches' });
    await likely.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await likely.innerText()).toContain('Nathaniel Ellsworth-Kaur');
    expect(await likely.innerText()).toMatch(/similar name/);
    await b.page.screenshot({
      path: path.resolve('artifacts/e2e/registration--likely-match.png'),
      fullPage: true,
    });
    const register = form.getByRole('button', { name: 'Register patient' });
    expect(await register.isDisabled()).toBe(true);
    await likely.getByRole('checkbox', { name: /this is a new patient/ }).check();
    const registered = b.page.waitForResponse((r) => r.url().endsWith('/api/registration/patients'));
    await register.click();
    const answer = await registered;
    expect(answer.status()).toBe(201);
    const { patient, mrn } = (await answer.json()) as { patient: Patient; mrn: string };
    expect(mrn).toMatch(/^RB\d+$/);

    // Insurance with both sides of the card.
    const insurance = b.page.getByRole('form', { name: 'Insurance' });
    await insurance.waitFor({ state: 'visible', timeout: 10_000 });
    await insurance.getByRole('combobox', { name: /^Payer/ }).click();
    await b.page.getByRole('option', { name: 'Bluestem Health Plan' }).click();
    await insurance.getByRole('textbox', { name: /^Member id/ }).fill('BL55510234');
    await insurance.getByRole('textbox', { name: /^Group number/ }).fill('G4410');
    await insurance.getByRole('textbox', { name: /^Co-pay/ }).fill('30');
    const files = insurance.locator('input[type="file"]');
    await files.nth(0).setInputFiles({ name: 'card-front.png', mimeType: 'image/png', buffer: cardPng(200) });
    await files.nth(1).setInputFiles({ name: 'card-back.png', mimeType: 'image/png', buffer: cardPng(120) });
    await insurance.getByRole('button', { name: 'Save insurance' }).click();
    await b.page.getByText('Insurance saved.').waitFor({ timeout: 10_000 });
    await b.page.getByRole('button', { name: 'Next: consents' }).click();

    // The consent to treat, signed on the pad with the mouse.
    const consentForm = b.page.getByRole('form', { name: 'Consent to treat' });
    const pad = consentForm.getByTestId('signature-pad');
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('the signature pad has no box');
    await b.page.mouse.move(box.x + 30, box.y + box.height * 0.7);
    await b.page.mouse.down();
    for (let i = 1; i <= 24; i++) {
      await b.page.mouse.move(box.x + 30 + i * 14, box.y + box.height * (0.5 + 0.25 * Math.sin(i / 2)));
    }
    await b.page.mouse.up();
    await consentForm.getByRole('button', { name: 'Save signed consent' }).click();
    await b.page.getByRole('status').filter({ hasText: 'Signed' }).first().waitFor({ timeout: 10_000 });
    await b.page.screenshot({
      path: path.resolve('artifacts/e2e/registration--consents.png'),
      fullPage: true,
    });

    // The chart opens.
    await b.page.getByRole('button', { name: 'Open the chart' }).click();
    await b.page.waitForURL(`**/patients/${patient.id ?? ''}`);
    await expect
      .poll(async () => (await banner(b.page).innerText()).includes('Ellsworth-Kaur'), { timeout: 10_000 })
      .toBe(true);

    // What was stored.
    const coverages = matches<Coverage>(await fhirGet(`Coverage?beneficiary=Patient/${patient.id ?? ''}`));
    expect(
      coverages.map((c) => [
        c.subscriberId,
        c.payor?.[0]?.display,
        c.costToBeneficiary?.[0]?.valueMoney?.value,
      ])
    ).toEqual([['BL55510234', 'Bluestem Health Plan', 30]]);
    const docs = matches<DocumentReference>(
      await fhirGet(`DocumentReference?subject=Patient/${patient.id ?? ''}`)
    );
    expect(docs.map((d) => d.category?.[0]?.coding?.[0]?.code).sort()).toEqual([
      'consent',
      'insurance-card',
      'insurance-card',
    ]);
    const consents = matches<Consent>(await fhirGet(`Consent?patient=${patient.id ?? ''}`));
    expect(consents).toHaveLength(1);
    expect(consents[0].category?.[0]?.coding?.[0]).toMatchObject({
      system: 'urn:medassist:consent-type',
      code: 'consent-to-treat',
    });
    const signature = docs.find(
      (d) => `DocumentReference/${d.id ?? ''}` === consents[0].sourceReference?.reference
    );
    expect(signature?.content[0].attachment.contentType).toBe('image/png');
    // The drawn signature is a real PNG, larger than a blank pad's would be.
    expect(
      Buffer.from(signature?.content[0].attachment.data ?? '', 'base64')
        .subarray(1, 4)
        .toString()
    ).toBe('PNG');
  });
});
