import { describe, expect, it } from 'vitest';
import { asUser } from '../../../authHarness.js';
import { countOf, fhir, newPractice, testEngines, useEngine } from '../../../harness.js';
import { MA, PATIENT, PROVIDER, post } from '../../flow/fixtures.js';
import { signedInUser } from '../../../authHarness.js';
import { dataUrl, goodConsent, jpeg, pdfShows, png, pngClaiming, procedureVisit } from './fixtures.js';

const EXT = 'https://medassist.dev/fhir/StructureDefinition';

for (const engine of testEngines()) {
  describe(`procedure consent (${engine})`, () => {
    const h = useEngine(engine);

    it('stores a Consent (scope treatment, permit, the procedure coded, the visit in an extension) and its signed PDF', async () => {
      const ctx = await newPractice(h.db, 'consent');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const res = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/consents`, goodConsent());
      expect(res.status, res.text).toBe(201);
      const consentId = res.body.consent.id as string;
      expect(res.body.pdfUrl).toBe(`/api/rooming/consents/${consentId}/pdf`);

      const consent = (await fhir(h.app, ctx, { method: 'GET', url: `Consent/${consentId}` })).body;
      expect(consent.status).toBe('active');
      expect(consent.scope.coding[0]).toMatchObject({
        system: 'http://terminology.hl7.org/CodeSystem/consentscope',
        code: 'treatment',
      });
      const codings = consent.category.flatMap((c: { coding: unknown[] }) => c.coding);
      expect(codings).toContainEqual(
        expect.objectContaining({ system: 'urn:medassist:consent-type', code: 'procedure-consent' })
      );
      // Clinical, not the desk's administrative `consent` category (docs/security/access-matrix.md).
      expect(codings).toContainEqual(
        expect.objectContaining({ system: 'urn:medassist:document-category', code: 'procedure-consent' })
      );
      expect(codings.map((c: { code: string }) => c.code)).not.toContain('consent');
      expect(consent.patient.reference).toBe(`Patient/${PATIENT}`);
      expect(consent.performer[0].reference).toBe(`Patient/${PATIENT}`);
      expect(consent.provision.type).toBe('permit');
      expect(consent.provision.code[0].coding[0]).toEqual({
        system: 'http://snomed.info/sct',
        code: '240977001',
        display: 'Biopsy of skin',
      });
      expect(consent.provision.actor[0].reference.reference).toBe(`Practitioner/${PROVIDER}`);
      expect(
        consent.extension.find((e: { url: string }) => e.url === `${EXT}/consent-encounter`).valueReference
          .reference
      ).toBe(`Encounter/${encounterId}`);
      const witness = consent.extension.find((e: { url: string }) => e.url === `${EXT}/consent-witness`);
      expect(witness.extension[0]).toEqual({ url: 'name', valueString: 'Luis Ortega' });

      const docId = consent.sourceReference.reference.split('/')[1] as string;
      const doc = (await fhir(h.app, ctx, { method: 'GET', url: `DocumentReference/${docId}` })).body;
      expect(doc.context.encounter[0].reference).toBe(`Encounter/${encounterId}`);
      expect(doc.author[0].reference).toBe(`Practitioner/${MA}`);
      // The signed PDF, the patient's signature, the witness's signature.
      expect(
        doc.content.map((c: { attachment: { contentType: string } }) => c.attachment.contentType)
      ).toEqual(['application/pdf', 'image/png', 'image/png']);
      expect(Buffer.from(doc.content[1].attachment.data, 'base64').equals(png())).toBe(true);

      const pdf = await asUser(h.app, ma, { method: 'GET', url: `/api/rooming/consents/${consentId}/pdf` });
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const bytes = Buffer.from(pdf.text, 'latin1');
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // The print is audited: one 'print' record naming the patient.
      const printed = await h.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_event WHERE practice_id = $1 AND subtype = 'print' AND $2 = ANY(patient_ids)",
        [ctx.practiceId, PATIENT]
      );
      expect(printed.rows[0].n).toBe(1);
    });

    it('the PDF names the patient, date of birth, procedure and CONSENTED; a refusal is deny and prints REFUSED', async () => {
      const ctx = await newPractice(h.db, 'consent');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const ok = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/consents`, goodConsent());
      const refused = await post(
        h.app,
        ma,
        `/api/rooming/encounters/${encounterId}/consents`,
        goodConsent({ decision: 'refuse', procedure: { text: 'Cryotherapy of a wart' } })
      );
      expect(refused.status, refused.text).toBe(201);
      expect(refused.body.consent.provision.type).toBe('deny');
      expect(refused.body.consent.provision.code[0]).toEqual({ text: 'Cryotherapy of a wart' });

      // The visit's consents, oldest first, as the rooming screen lists them.
      const list = await asUser(h.app, ma, {
        method: 'GET',
        url: `/api/rooming/encounters/${encounterId}/consents`,
      });
      expect(list.status, list.text).toBe(200);
      expect(
        list.body.consents.map((c: { procedure: string; decision: string }) => [c.procedure, c.decision])
      ).toEqual([
        ['Biopsy of skin', 'consent'],
        ['Cryotherapy of a wart', 'refuse'],
      ]);
      // The stored PDF bytes (inject's text would mangle binary), read from the DocumentReference.
      const pdfOf = async (consent: { sourceReference: { reference: string } }) => {
        const doc = await fhir(h.app, ctx, { method: 'GET', url: consent.sourceReference.reference });
        return Buffer.from(doc.body.content[0].attachment.data as string, 'base64');
      };
      const consented = await pdfOf(ok.body.consent);
      expect(consented.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfShows(consented, 'Maria Delgado')).toBe(true);
      expect(pdfShows(consented, '1980-04-12')).toBe(true);
      expect(pdfShows(consented, 'Biopsy of skin')).toBe(true);
      expect(pdfShows(consented, 'CONSENTED')).toBe(true);
      expect(pdfShows(consented, 'REFUSED')).toBe(false);
      const refusal = await pdfOf(refused.body.consent);
      expect(pdfShows(refusal, 'REFUSED')).toBe(true);
      expect(pdfShows(refusal, 'CONSENTED')).toBe(false);
      expect(pdfShows(refusal, 'Cryotherapy of a wart')).toBe(true);
    });

    it('a representative signs with their relationship: a RelatedPerson is the performer', async () => {
      const ctx = await newPractice(h.db, 'consent');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const res = await post(
        h.app,
        ma,
        `/api/rooming/encounters/${encounterId}/consents`,
        goodConsent({ signedBy: { kind: 'representative', name: 'Rosa Delgado', relationship: 'Daughter' } })
      );
      expect(res.status, res.text).toBe(201);
      const performer = res.body.consent.performer[0];
      expect(performer.display).toBe('Rosa Delgado (Daughter)');
      const rp = await fhir(h.app, ctx, { method: 'GET', url: performer.reference as string });
      expect(rp.body.resourceType).toBe('RelatedPerson');
      expect(rp.body.relationship[0].text).toBe('Daughter');
    });

    it('a signature that is not a PNG, a broken PNG or a missing witness signature is a 400 naming the field, nothing written', async () => {
      const ctx = await newPractice(h.db, 'consent');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const url = `/api/rooming/encounters/${encounterId}/consents`;
      const cases: [Record<string, unknown>, string][] = [
        [{ signature: dataUrl(jpeg(), 'image/jpeg') }, 'signature'],
        [{ signature: { contentType: 'image/png', data: jpeg().toString('base64') } }, 'signature'],
        // PNG's eight signature bytes then garbage: passes the type check, fails to decode for the PDF.
        [{ signature: dataUrl(Buffer.concat([png().subarray(0, 8), Buffer.alloc(64, 7)])) }, 'signature'],
        [{ witness: { name: 'Luis Ortega' } }, 'witness.signature'],
        [{ signature: dataUrl(Buffer.concat([png(), Buffer.alloc(201 * 1024)])) }, 'signature'],
        // A decompression bomb: under 200 bytes claiming 65535 x 65535 (17 GB as RGBA), refused unread.
        [{ signature: dataUrl(pngClaiming(65535, 65535)) }, 'signature'],
        // Signatures are at most 2000 x 1000.
        [{ witness: { name: 'Luis Ortega', signature: dataUrl(png(2001, 10)) } }, 'witness.signature'],
        [{ decision: 'maybe' }, 'decision'],
        [{ procedure: { code: '12345' } }, 'procedure.code'],
      ];
      for (const [change, field] of cases) {
        const res = await post(h.app, ma, url, goodConsent(change));
        expect(res.status, `${field}: ${res.text}`).toBe(400);
        expect(res.body.issue[0].expression).toEqual([field]);
      }
      expect(await countOf(h.app, ctx, 'Consent')).toBe(0);
      // The check-in wrote none either: the count is of this test's writes only.
      expect(await countOf(h.app, ctx, 'RelatedPerson')).toBe(0);
      const docs = await fhir(h.app, ctx, {
        method: 'GET',
        url: 'DocumentReference?category=procedure-consent',
      });
      expect(docs.body.entry ?? []).toHaveLength(0);
    });

    it('the front desk gets 403 on the consent routes', async () => {
      const ctx = await newPractice(h.db, 'consent');
      const { encounterId, ma, desk } = await procedureVisit(h.app, h.db, ctx);
      const denied = await post(
        h.app,
        desk,
        `/api/rooming/encounters/${encounterId}/consents`,
        goodConsent()
      );
      expect(denied.status).toBe(403);
      const ok = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/consents`, goodConsent());
      const pdf = await asUser(h.app, desk, {
        method: 'GET',
        url: `/api/rooming/consents/${ok.body.consent.id}/pdf`,
      });
      expect(pdf.status).toBe(403);
    });

    it('a procedure consent is clinical: the front desk gets nothing of it through /fhir, and still sees its consent to treat', async () => {
      const ctx = await newPractice(h.db, 'consent');
      const { encounterId, ma, desk } = await procedureVisit(h.app, h.db, ctx);
      const made = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/consents`, goodConsent());
      expect(made.status, made.text).toBe(201);
      const consentId = made.body.consent.id as string;
      const documentId = made.body.documentId as string;
      const treat = await post(h.app, desk, '/api/registration/consents', {
        patientId: PATIENT,
        type: 'consent-to-treat',
        signature: { contentType: 'image/png', data: png().toString('base64') },
      });
      expect(treat.status, treat.text).toBe(201);
      const treatId = treat.body.consent.id as string;
      const treatDoc = (treat.body.consent.sourceReference.reference as string).split('/')[1];
      const ids = (bundle: { entry?: { resource: { id: string } }[] }) =>
        (bundle.entry ?? []).map((e) => e.resource.id);

      for (const url of [`Consent/${consentId}`, `DocumentReference/${documentId}`]) {
        const read = await asUser(h.app, desk, { method: 'GET', url });
        expect(read.status, url).toBe(403);
        expect(read.body.resourceType).toBe('OperationOutcome');
      }
      const consents = await asUser(h.app, desk, {
        method: 'GET',
        url: `Consent?patient=Patient/${PATIENT}`,
      });
      expect(consents.status).toBe(200);
      expect(ids(consents.body)).toEqual([treatId]);
      const docs = await asUser(h.app, desk, {
        method: 'GET',
        url: `DocumentReference?patient=Patient/${PATIENT}&_count=100`,
      });
      expect(ids(docs.body)).toContain(treatDoc);
      expect(ids(docs.body)).not.toContain(documentId);
      expect((await asUser(h.app, desk, { method: 'GET', url: `Consent/${treatId}` })).status).toBe(200);

      // Nor may the desk change it, or write a Consent of its own in the clinical category.
      const stored = (await fhir(h.app, ctx, { method: 'GET', url: `Consent/${consentId}` })).body;
      const changed = await asUser(h.app, desk, {
        method: 'PUT',
        url: `Consent/${consentId}`,
        body: { ...stored, provision: { ...stored.provision, type: 'deny' } },
      });
      expect(changed.status).toBe(403);
      const { id: _id, meta: _meta, ...copy } = stored;
      expect((await asUser(h.app, desk, { method: 'POST', url: 'Consent', body: copy })).status).toBe(403);
      expect(
        (await fhir(h.app, ctx, { method: 'GET', url: `Consent/${consentId}` })).body.meta.versionId
      ).toBe('1');
      // The biller neither (minimum necessary); the MA and the provider read both.
      const biller = await signedInUser(h.db, ctx, ['biller']);
      expect((await asUser(h.app, biller, { method: 'GET', url: `Consent/${consentId}` })).status).toBe(403);
      const provider = await signedInUser(h.db, ctx, ['provider']);
      for (const who of [ma, provider]) {
        expect((await asUser(h.app, who, { method: 'GET', url: `Consent/${consentId}` })).status).toBe(200);
        expect(
          (await asUser(h.app, who, { method: 'GET', url: `DocumentReference/${documentId}` })).status
        ).toBe(200);
      }
    });

    it("a Consent the desk labels both administrative and procedure-consent is not the visit's procedure consent", async () => {
      const ctx = await newPractice(h.db, 'consent');
      const { encounterId, ma, desk } = await procedureVisit(h.app, h.db, ctx);
      const forged = await asUser(h.app, desk, {
        method: 'POST',
        url: 'Consent',
        body: {
          resourceType: 'Consent',
          extension: [
            { url: `${EXT}/consent-encounter`, valueReference: { reference: `Encounter/${encounterId}` } },
          ],
          status: 'active',
          scope: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
          },
          category: [
            { coding: [{ system: 'urn:medassist:consent-type', code: 'procedure-consent' }] },
            { coding: [{ system: 'urn:medassist:document-category', code: 'consent' }] },
          ],
          patient: { reference: `Patient/${PATIENT}` },
          dateTime: new Date().toISOString(),
          policyRule: { text: 'Informed consent for a procedure' },
          provision: {
            type: 'permit',
            code: [{ coding: [{ system: 'http://snomed.info/sct', code: '240977001' }] }],
          },
        },
      });
      // The access matrix lets the desk write it (it carries an administrative category) ...
      expect(forged.status, forged.text).toBe(201);
      // ... but rooming neither lists it nor records a procedure under it.
      const list = await asUser(h.app, ma, {
        method: 'GET',
        url: `/api/rooming/encounters/${encounterId}/consents`,
      });
      expect(list.status).toBe(200);
      expect(list.body.consents).toEqual([]);
      const under = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/procedures`, {
        procedure: { code: '240977001' },
        consentId: forged.body.id,
      });
      expect(under.status).toBe(400);
      expect(under.body.issue[0].expression).toEqual(['consentId']);
      expect(await countOf(h.app, ctx, 'Procedure')).toBe(0);
    });
  });
}
