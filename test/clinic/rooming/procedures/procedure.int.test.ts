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
