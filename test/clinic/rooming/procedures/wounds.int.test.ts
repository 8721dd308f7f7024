import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../../src/api/auth/authenticate.js';
import { asUser } from '../../../authHarness.js';
import { countOf, fhir, newPractice, testEngines, useEngine } from '../../../harness.js';
import { MA, PATIENT, post } from '../../flow/fixtures.js';
import { dataUrl, earlierEncounter, jpeg, png, pngClaiming, procedureVisit } from './fixtures.js';

const LOINC = 'http://loinc.org';

for (const engine of testEngines()) {
  describe(`wound documentation (${engine})`, () => {
    // The app's clock, moved on between visits so the measurements have an order.
    let clock = new Date();
    const h = useEngine(engine, { now: () => clock });

    it('records a wound (LOINC 72287-6, mm, body site, description) with photos as Media linked both ways', async () => {
      clock = new Date();
      const ctx = await newPractice(h.db, 'wound');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx, clock);
      const photo = jpeg(5000);
      const res = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/wounds`, {
        bodySite: { code: '30021000', laterality: 'right' },
        lengthMm: 20,
        widthMm: 10,
        depthMm: 2.5,
        description: { appearance: 'Red granulation tissue', drainage: 'Scant serous', edges: 'Attached' },
        photos: [dataUrl(photo, 'image/jpeg'), dataUrl(png())],
      });
      expect(res.status, res.text).toBe(201);
      const o = res.body.observation;
      expect(o.category[0].coding[0]).toMatchObject({ code: 'exam' });
      expect(o.code.coding[0]).toMatchObject({ system: LOINC, code: '72287-6' });
      expect(o.identifier[0]).toEqual({ system: 'urn:medassist:wound', value: res.body.woundId });
      expect(o.bodySite).toEqual({
        coding: [{ system: 'http://snomed.info/sct', code: '30021000', display: 'Lower leg' }],
        text: 'Right lower leg',
      });
      const byCode = Object.fromEntries(
        o.component.map((c: { code: { coding: { code: string }[] }; valueQuantity: unknown }) => [
          c.code.coding[0].code,
          c.valueQuantity,
        ])
      );
      const mm = (value: number) => ({ value, unit: 'mm', system: 'http://unitsofmeasure.org', code: 'mm' });
      expect(byCode['39126-8']).toEqual(mm(20));
      expect(byCode['39125-0']).toEqual(mm(10));
      expect(byCode['39127-6']).toEqual(mm(2.5));
      // 20 mm x 10 mm = 200 mm2.
      expect(byCode['89260-4']).toEqual({
        value: 200,
        unit: 'mm2',
        system: 'http://unitsofmeasure.org',
        code: 'mm2',
      });
      expect(o.performer[0].reference).toBe(`Practitioner/${MA}`);
      expect(res.body.photos).toHaveLength(2);
      expect(o.derivedFrom.map((r: { reference: string }) => r.reference)).toEqual(
        res.body.photos.map((id: string) => `Media/${id}`)
      );

      const media = (await fhir(h.app, ctx, { method: 'GET', url: `Media/${res.body.photos[0]}` })).body;
      expect(media.partOf[0].reference).toBe(`Observation/${o.id}`);
      expect(media.subject.reference).toBe(`Patient/${PATIENT}`);
      expect(media.encounter.reference).toBe(`Encounter/${encounterId}`);
      expect(media.operator.reference).toBe(`Practitioner/${MA}`);
      expect(media.content.contentType).toBe('image/jpeg');
      expect(media.bodySite.text).toBe('Right lower leg');

      const bytes = await h.app.inject({
        method: 'GET',
        url: `/api/rooming/media/${res.body.photos[0]}`,
        headers: { cookie: `${SESSION_COOKIE}=${ma.token}` },
      });
      expect(bytes.statusCode).toBe(200);
      expect(bytes.headers['content-type']).toBe('image/jpeg');
      expect(bytes.headers['x-content-type-options']).toBe('nosniff');
      // Shown in the page, under no file name (a stored title is not put in a header).
      expect(bytes.headers['content-disposition']).toBe('inline');
      expect(bytes.rawPayload.equals(photo)).toBe(true);
    });

    it('follows one wound over three visits: area and change since the previous and the first', async () => {
      const start = new Date();
      clock = start;
      const ctx = await newPractice(h.db, 'wound');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx, clock);
      await earlierEncounter(h.app, ctx, 'enc-week-1');
      await earlierEncounter(h.app, ctx, 'enc-week-2');
      const first = await post(h.app, ma, '/api/rooming/encounters/enc-week-1/wounds', {
        bodySite: { text: 'Heel', laterality: 'left' },
        lengthMm: 20,
        widthMm: 10,
      });
      expect(first.status, first.text).toBe(201);
      const woundId = first.body.woundId as string;
      clock = new Date(start.getTime() + 60_000);
      const second = await post(h.app, ma, '/api/rooming/encounters/enc-week-2/wounds', {
        woundId,
        lengthMm: 15,
        widthMm: 8,
      });
      expect(second.status, second.text).toBe(201);
      expect(second.body.woundId).toBe(woundId);
      // The body site carries over from the first record.
      expect(second.body.observation.bodySite.text).toBe('Left heel');
      clock = new Date(start.getTime() + 120_000);
      const third = await post(h.app, ma, `/api/rooming/encounters/${encounterId}/wounds`, {
        woundId,
        lengthMm: 10,
        widthMm: 6,
      });
      expect(third.status, third.text).toBe(201);
      // Another wound of the same patient: its own series.
      await post(h.app, ma, `/api/rooming/encounters/${encounterId}/wounds`, {
        bodySite: { code: '89545001' },
        lengthMm: 4,
        widthMm: 4,
      });

      const res = await asUser(h.app, ma, { method: 'GET', url: `/api/rooming/patients/${PATIENT}/wounds` });
      expect(res.status, res.text).toBe(200);
      expect(res.body.wounds).toHaveLength(2);
      const heel = res.body.wounds.find((w: { woundId: string }) => w.woundId === woundId);
      expect(heel.bodySite).toBe('Left heel');
      // Worked by hand: 20 x 10 = 200 mm2; 15 x 8 = 120 mm2, (120 - 200) / 200 = -40 %;
      // 10 x 6 = 60 mm2, (60 - 120) / 120 = -50 % since the previous, (60 - 200) / 200 = -70 % since the first.
      expect(
        heel.measurements.map((m: Record<string, unknown>) => [
          m.encounterId,
          m.areaMm2,
          m.changeFromPreviousPct,
          m.changeFromFirstPct,
        ])
      ).toEqual([
        ['enc-week-1', 200, null, null],
        ['enc-week-2', 120, -40, -40],
        [encounterId, 60, -50, -70],
      ]);
    });

    it('a woundId the patient does not have, a photo too large or not an image: 400 naming the field, nothing written', async () => {
      clock = new Date();
      const ctx = await newPractice(h.db, 'wound');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx, clock);
      const url = `/api/rooming/encounters/${encounterId}/wounds`;
      const good = { bodySite: { code: '85562004' }, lengthMm: 12, widthMm: 5 };
      const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
      const cases: [Record<string, unknown>, string][] = [
        [{ photos: [dataUrl(jpeg(2 * 1024 * 1024 + 10), 'image/jpeg')] }, 'photos[0]'],
        [{ photos: [dataUrl(png()), dataUrl(gif, 'image/gif')] }, 'photos[1]'],
        [
          {
            photos: [
              { contentType: 'image/jpeg', data: Buffer.from('%PDF-1.7 not a photo').toString('base64') },
            ],
          },
          'photos[0]',
        ],
        // 20,000 x 20,000 claimed in a few hundred bytes: over 8192 a side (and 50 megapixels).
        [{ photos: [dataUrl(pngClaiming(20000, 20000))] }, 'photos[0]'],
        [{ photos: [dataUrl(png()), dataUrl(jpeg(3000, 9000, 100), 'image/jpeg')] }, 'photos[1]'],
        [{ woundId: 'not-this-patients' }, 'woundId'],
        [{ lengthMm: 0 }, 'lengthMm'],
        [{ widthMm: -3 }, 'widthMm'],
        [{ depthMm: 'deep' }, 'depthMm'],
        [{ bodySite: undefined }, 'bodySite'],
      ];
      for (const [change, field] of cases) {
        const res = await post(h.app, ma, url, { ...good, ...change });
        expect(res.status, `${field}: ${res.text}`).toBe(400);
        expect(res.body.issue[0].expression).toEqual([field]);
      }
      expect(await countOf(h.app, ctx, 'Observation')).toBe(0);
      expect(await countOf(h.app, ctx, 'Media')).toBe(0);
    });

    it("a photo of 768 KB is stored (its base64 is exactly the store's 1 MB string limit); one byte more is a 400", async () => {
      clock = new Date();
      const ctx = await newPractice(h.db, 'wound');
      const { encounterId, ma } = await procedureVisit(h.app, h.db, ctx, clock);
      const url = `/api/rooming/encounters/${encounterId}/wounds`;
      const good = { bodySite: { text: 'Shin' }, lengthMm: 5, widthMm: 5 };
      // 786,432 bytes -> 786,432 / 3 x 4 = 1,048,576 base64 characters = 1 MB.
      const fits = await post(h.app, ma, url, { ...good, photos: [dataUrl(jpeg(768 * 1024), 'image/jpeg')] });
      expect(fits.status, fits.text.slice(0, 300)).toBe(201);
      const over = await post(h.app, ma, url, {
        ...good,
        photos: [dataUrl(jpeg(768 * 1024 + 1), 'image/jpeg')],
      });
      expect(over.status).toBe(400);
      expect(over.body.issue[0].expression).toEqual(['photos[0]']);
      expect(await countOf(h.app, ctx, 'Media')).toBe(1);
    });

    it('the front desk gets 403 on wounds and photos', async () => {
      clock = new Date();
      const ctx = await newPractice(h.db, 'wound');
      const { encounterId, ma, desk } = await procedureVisit(h.app, h.db, ctx, clock);
      const url = `/api/rooming/encounters/${encounterId}/wounds`;
      const ok = await post(h.app, ma, url, {
        bodySite: { text: 'Shin' },
        lengthMm: 3,
        widthMm: 3,
        photos: [dataUrl(png())],
      });
      expect(ok.status, ok.text).toBe(201);
      expect(
        (await post(h.app, desk, url, { bodySite: { text: 'Shin' }, lengthMm: 3, widthMm: 3 })).status
      ).toBe(403);
      expect(
        (await asUser(h.app, desk, { method: 'GET', url: `/api/rooming/patients/${PATIENT}/wounds` })).status
      ).toBe(403);
      expect(
        (await asUser(h.app, desk, { method: 'GET', url: `/api/rooming/media/${ok.body.photos[0]}` })).status
      ).toBe(403);
    });

    it('GET /api/rooming/media/:id serves only a JPEG or PNG that is what it says: an HTML Media is 404', async () => {
      clock = new Date();
      const ctx = await newPractice(h.db, 'wound');
      const { ma } = await procedureVisit(h.app, h.db, ctx, clock);
      const html = Buffer.from('<html><script>fetch("/api/rooming/patients")</script></html>');
      const media = (contentType: string, bytes: Buffer) => ({
        resourceType: 'Media',
        status: 'completed',
        subject: { reference: `Patient/${PATIENT}` },
        content: { contentType, data: bytes.toString('base64') },
      });
      const cases: [string, Buffer][] = [
        ['text/html', html],
        ['application/javascript', Buffer.from('alert(document.cookie)')],
        [
          'image/svg+xml',
          Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ],
        // Declared a picture, but the bytes are HTML; or a PNG stored as a JPEG.
        ['image/png', html],
        ['image/jpeg', png()],
        // A PNG whose header claims 20,000 x 20,000 pixels.
        ['image/png', pngClaiming(20000, 20000)],
      ];
      for (const [contentType, bytes] of cases) {
        const made = await fhir(h.app, ctx, {
          method: 'POST',
          url: 'Media',
          body: media(contentType, bytes),
        });
        expect(made.status, made.text).toBe(201);
        const res = await h.app.inject({
          method: 'GET',
          url: `/api/rooming/media/${made.body.id}`,
          headers: { cookie: `${SESSION_COOKIE}=${ma.token}` },
        });
        expect(res.statusCode, contentType).toBe(404);
        expect(res.headers['content-type']).toMatch(/json/);
        expect(res.body).not.toContain('<script>');
        expect(res.body).not.toContain('alert(');
      }
      // A real PNG stored as one is served.
      const fine = await fhir(h.app, ctx, { method: 'POST', url: 'Media', body: media('image/png', png()) });
      const served = await h.app.inject({
        method: 'GET',
        url: `/api/rooming/media/${fine.body.id}`,
        headers: { cookie: `${SESSION_COOKIE}=${ma.token}` },
      });
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe('image/png');
      expect(served.rawPayload.equals(png())).toBe(true);
    });
  });
}
