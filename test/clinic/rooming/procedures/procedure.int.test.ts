import { describe, expect, it } from 'vitest';
import { asUser } from '../../../authHarness.js';
import { countOf, newPractice, testEngines, useEngine } from '../../../harness.js';
import { MA, PATIENT, PROVIDER, post } from '../../flow/fixtures.js';
import { goodConsent, procedureVisit } from './fixtures.js';

const EXT = 'https://medassist.dev/fhir/StructureDefinition';
const V3 = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';

const biopsy = (extra: Record<string, unknown> = {}) => ({
  procedure: { code: '240977001' },
  bodySite: { code: '14975008', laterality: 'left' },
  note: 'Punch biopsy 4 mm, one suture.',
  supplies: [
    { text: 'Punch biopsy tool 4 mm', quantity: 1 },
    { text: 'Lidocaine 1%', quantity: 2, unit: 'mL' },
  ],
  ...extra,
});

for (const engine of testEngines()) {
  describe(`procedure assistance (${engine})`, () => {
    const h = useEngine(engine);

    it('records a completed Procedure: the provider as primary performer, the MA as assistant, supplies, the consent', async () => {
      const ctx = await newPractice(h.db, 'procedure');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const consent = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/consents`, goodConsent());
      const res = await post(
        h.app,
        ma,
        `/api/rooming/encounters/${encounterId}/procedures`,
        biopsy({ consentId: consent.body.consent.id })
      );
      expect(res.status, res.text).toBe(201);
      const p = res.body.procedure;
      expect(p.status).toBe('completed');
      expect(p.code.coding[0]).toEqual({
        system: 'http://snomed.info/sct',
        code: '240977001',
        display: 'Biopsy of skin',
      });
      expect(p.subject.reference).toBe(`Patient/${PATIENT}`);
      expect(p.encounter.reference).toBe(`Encounter/${encounterId}`);
      expect(p.performer).toHaveLength(2);
      expect(p.performer[0].function.coding[0]).toMatchObject({ system: V3, code: 'PPRF' });
      expect(p.performer[0].actor.reference).toBe(`Practitioner/${PROVIDER}`);
      expect(p.performer[1].function.coding[0]).toMatchObject({ system: V3, code: 'SPRF' });
      expect(p.performer[1].actor.reference).toBe(`Practitioner/${MA}`);
      expect(p.recorder.reference).toBe(`Practitioner/${MA}`);
      expect(p.bodySite[0]).toEqual({
        coding: [{ system: 'http://snomed.info/sct', code: '14975008', display: 'Forearm' }],
        text: 'Left forearm',
      });
      expect(p.usedCode.map((u: { text: string }) => u.text)).toEqual([
        'Punch biopsy tool 4 mm',
        'Lidocaine 1%',
      ]);
      expect(p.usedCode[1].extension[0]).toEqual({
        url: `${EXT}/quantity-used`,
        valueQuantity: { value: 2, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' },
      });
      expect(p.extension[0]).toEqual({
        url: `${EXT}/procedure-consent`,
        valueReference: { reference: `Consent/${consent.body.consent.id}` },
      });
      expect(p.note[0].text).toBe('Punch biopsy 4 mm, one suture.');
    });

    it('a refused consent is a 422; bad input is a 400 naming the field; nothing written', async () => {
      const ctx = await newPractice(h.db, 'procedure');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const refused = await post(
        h.app,
        ma,
        `/api/rooming/encounters/${encounterId}/consents`,
        goodConsent({ decision: 'refuse' })
      );
      const url = `/api/rooming/encounters/${encounterId}/procedures`;
      const res = await post(h.app, ma, url, biopsy({ consentId: refused.body.consent.id }));
      expect(res.status, res.text).toBe(422);
      expect(res.body.issue[0].expression).toEqual(['consentId']);
      const cases: [Record<string, unknown>, string][] = [
        [{ procedure: {} }, 'procedure'],
        [{ supplies: [{ text: 'Gauze', quantity: 0 }] }, 'supplies[0].quantity'],
        [{ supplies: [{ quantity: 2 }] }, 'supplies[0].text'],
        [{ bodySite: { code: '14975008', laterality: 'up' } }, 'bodySite.laterality'],
        [{ performerId: 'nobody' }, 'performerId'],
        [{ consentId: 'no-such-consent' }, 'consentId'],
        [{ performedAt: '2999-01-01T00:00:00Z' }, 'performedAt'],
      ];
      for (const [change, field] of cases) {
        const bad = await post(h.app, ma, url, biopsy(change));
        expect(bad.status, `${field}: ${bad.text}`).toBe(400);
        expect(bad.body.issue[0].expression).toEqual([field]);
      }
      expect(await countOf(h.app, ctx, 'Procedure')).toBe(0);
    });

    it('with no consentId, a visit whose latest decision on the procedure is a refusal gets no Procedure (422 consentId)', async () => {
      const ctx = await newPractice(h.db, 'procedure');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const consents = `/api/rooming/encounters/${encounterId}/consents`;
      const url = `/api/rooming/encounters/${encounterId}/procedures`;
      const refused = await post(h.app, ma, consents, goodConsent({ decision: 'refuse' }));
      expect(refused.status, refused.text).toBe(201);
      const res = await post(h.app, ma, url, biopsy());
      expect(res.status, res.text).toBe(422);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression).toEqual(['consentId']);
      // The same procedure written as text (the catalog's words) is the same procedure.
      const asText = await post(h.app, ma, url, biopsy({ procedure: { text: 'biopsy of skin' } }));
      expect(asText.status, asText.text).toBe(422);
      expect(await countOf(h.app, ctx, 'Procedure')).toBe(0);
      // A refusal of the biopsy does not stop a dressing change at the same visit.
      const dressing = await post(h.app, ma, url, biopsy({ procedure: { code: '18949003' } }));
      expect(dressing.status, dressing.text).toBe(201);
      // Consenting again (the patient changed their mind) lets the biopsy be recorded.
      const again = await post(h.app, ma, consents, goodConsent());
      expect(again.status, again.text).toBe(201);
      const done = await post(h.app, ma, url, biopsy({ consentId: again.body.consent.id }));
      expect(done.status, done.text).toBe(201);
      expect(await countOf(h.app, ctx, 'Procedure')).toBe(2);
    });

    it('a consent for another procedure, or one the patient later refused, is 422 naming consentId', async () => {
      const ctx = await newPractice(h.db, 'procedure');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const consents = `/api/rooming/encounters/${encounterId}/consents`;
      const url = `/api/rooming/encounters/${encounterId}/procedures`;
      const suture = await post(h.app, ma, consents, goodConsent({ procedure: { code: '288086009' } }));
      expect(suture.status, suture.text).toBe(201);
      const other = await post(h.app, ma, url, biopsy({ consentId: suture.body.consent.id }));
      expect(other.status, other.text).toBe(422);
      expect(other.body.issue[0].expression).toEqual(['consentId']);
      // A consent given as text for another procedure is another procedure too.
      const ear = await post(h.app, ma, consents, goodConsent({ procedure: { text: 'Ear irrigation' } }));
      const earUnder = await post(h.app, ma, url, biopsy({ consentId: ear.body.consent.id }));
      expect(earUnder.status, earUnder.text).toBe(422);
      // Consent to the biopsy, then a refusal of it: the earlier consent no longer covers it.
      const yes = await post(h.app, ma, consents, goodConsent());
      const no = await post(h.app, ma, consents, goodConsent({ decision: 'refuse' }));
      expect([yes.status, no.status]).toEqual([201, 201]);
      const withdrawn = await post(h.app, ma, url, biopsy({ consentId: yes.body.consent.id }));
      expect(withdrawn.status, withdrawn.text).toBe(422);
      expect(withdrawn.body.issue[0].expression).toEqual(['consentId']);
      expect(await countOf(h.app, ctx, 'Procedure')).toBe(0);
      // The suture under its own consent is fine.
      const sutured = await post(
        h.app,
        ma,
        url,
        biopsy({ procedure: { code: '288086009' }, consentId: suture.body.consent.id })
      );
      expect(sutured.status, sutured.text).toBe(201);
    });

    it('performedAt: a real date and time with an offset, from a day before the visit to a few minutes ahead; else 400', async () => {
      const ctx = await newPractice(h.db, 'procedure');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx);
      const url = `/api/rooming/encounters/${encounterId}/procedures`;
      const MIN = 60_000;
      const HOUR = 60 * MIN;
      // An instant written at a UTC offset of `minutes` (-300 = -05:00): local wall time, then the offset.
      const at = (t: number, minutes = 0): string => {
        const wall = new Date(t + minutes * MIN).toISOString().slice(0, 19);
        if (minutes === 0) return `${wall}Z`;
        const abs = Math.abs(minutes);
        const hh = String(Math.floor(abs / 60)).padStart(2, '0');
        const mm = String(abs % 60).padStart(2, '0');
        return `${wall}${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
      };
      const now = Math.floor(Date.now() / 1000) * 1000;
      const year = new Date(now).getUTCFullYear();
      const bad = [
        `${year}-02-31T10:00:00Z`, // no February 31st (Date.parse rolls it over to March)
        '0001-01-01T00:00:00Z', // year 1
        at(now - 10 * MIN).slice(0, -1), // no offset
        at(now - 25 * HOUR), // more than a day before the visit started
        at(now + HOUR), // an hour ahead
        'yesterday',
      ];
      for (const performedAt of bad) {
        const res = await post(h.app, ma, url, biopsy({ performedAt }));
        expect(res.status, `${performedAt}: ${res.text}`).toBe(400);
        expect(res.body.issue[0].expression).toEqual(['performedAt']);
      }
      expect(await countOf(h.app, ctx, 'Procedure')).toBe(0);
      // Ten minutes ago written at -05:00: stored as the same instant in UTC.
      const tenAgo = now - 10 * MIN;
      const ok = await post(h.app, ma, url, biopsy({ performedAt: at(tenAgo, -300) }));
      expect(ok.status, ok.text).toBe(201);
      expect(ok.body.procedure.performedDateTime).toBe(new Date(tenAgo).toISOString());
      // 23 hours before the visit (a late entry of the day's work) is inside the window.
      const early = await post(h.app, ma, url, biopsy({ performedAt: at(now - 23 * HOUR, 330) }));
      expect(early.status, early.text).toBe(201);
    });

    it('the catalog lists the verified office procedures and body sites', async () => {
      const ctx = await newPractice(h.db, 'procedure');
      const { ma } = await procedureVisit(h.app, h.db, ctx);
      const res = await asUser(h.app, ma, { method: 'GET', url: '/api/rooming/procedure-catalog' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.procedures).toContainEqual({ code: '240977001', display: 'Biopsy of skin' });
      expect(res.body.bodySites).toContainEqual({ code: '30021000', display: 'Lower leg' });
      expect(res.body.lateralities).toEqual(['left', 'right', 'bilateral']);
    });

    it('the front desk gets 403', async () => {
      const ctx = await newPractice(h.db, 'procedure');
      const { encounterId, desk } = await procedureVisit(h.app, h.db, ctx);
      const res = await post(h.app, desk, `/api/rooming/encounters/${encounterId}/procedures`, biopsy());
      expect(res.status).toBe(403);
      expect(await countOf(h.app, ctx, 'Procedure')).toBe(0);
    });
  });
}
