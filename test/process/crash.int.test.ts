import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRACTICE_HEADER } from '../../src/api/app.js';
import { POSTGRES_URL, testEngines } from '../harness.js';
import { startServer, stop } from './serverProcess.js';

/** A 500-entry transaction: one Patient and 499 Observations that reference it. */
function bigTransaction(tag: string) {
  const patientUrl = 'urn:uuid:cccccccc-0000-4000-8000-000000000000';
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: patientUrl,
        resource: { resourceType: 'Patient', name: [{ family: tag }] },
        request: { method: 'POST', url: 'Patient' },
      },
      ...Array.from({ length: 499 }, (_, i) => ({
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: `heart rate ${tag}` },
          subject: { reference: patientUrl },
          effectiveDateTime: '2026-11-26T10:00:00Z',
          valueQuantity: {
            value: 60 + (i % 40),
            unit: '/min',
            system: 'http://unitsofmeasure.org',
            code: '/min',
          },
          note: [{ text: 'x'.repeat(2000) }],
        },
        request: { method: 'POST', url: 'Observation' },
      })),
    ],
  };
}

async function count(url: string, practice: string, type: string): Promise<number> {
  const res = await fetch(`${url}/fhir/R4/${type}?_summary=count`, {
    headers: { [PRACTICE_HEADER]: practice },
  });
  return ((await res.json()) as { total: number }).total;
}

describe.each(testEngines())('crash safety [%s]', (engine) => {
  it('SIGKILL in the middle of a 500-entry transaction leaves no partial data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-crash-'));
    const practice = `crash-${Date.now().toString(36)}`;
    const database = engine === 'pglite' ? `pglite:${dir}` : POSTGRES_URL;
    const port = engine === 'pglite' ? 18471 : 18472;
    const args = ['--database', database, '--practice', practice];
    let server = await startServer(args, port);
    try {
      // Time one full transaction, so the kill can land in the middle of the next one.
      const t0 = Date.now();
      const warm = await fetch(`${server.url}/fhir/R4`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', [PRACTICE_HEADER]: practice },
        body: JSON.stringify(bigTransaction('Warmup')),
      });
      expect(warm.status).toBe(200);
      const duration = Date.now() - t0;
      const before = await count(server.url, practice, 'Observation');
      expect(before).toBe(499);

      const request = fetch(`${server.url}/fhir/R4`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', [PRACTICE_HEADER]: practice },
        body: JSON.stringify(bigTransaction('Killed')),
      }).then(
        () => 'answered',
        () => 'connection lost'
      );
      await new Promise((r) => setTimeout(r, Math.max(20, duration / 2)));
      await stop(server, 'SIGKILL');
      // The client never got an answer: the kill came before the transaction finished.
      expect(await request).toBe('connection lost');

      server = await startServer(args, port);
      expect(await count(server.url, practice, 'Observation')).toBe(499);
      expect(await count(server.url, practice, 'Patient')).toBe(1);
      const killed = await fetch(`${server.url}/fhir/R4/Patient?name=Killed&_summary=count`, {
        headers: { [PRACTICE_HEADER]: practice },
      });
      expect(((await killed.json()) as { total: number }).total).toBe(0);
    } finally {
      await stop(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
