import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL, testEngines } from '../harness.js';
import { clientToken, createCliClient, startServer, stop } from './serverProcess.js';

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
    headers: { authorization: `Bearer ${tokens.get(practice)}` },
  });
  return ((await res.json()) as { total: number }).total;
}

/**
 * Posts a Bundle with node:http and resolves with the server's processing time (from the moment the body was
 * fully sent to the answer), or 'connection lost'. `onSent` runs when the body has left the client.
 */
function post(
  url: string,
  practice: string,
  body: string,
  onSent?: () => void
): Promise<number | 'connection lost'> {
  return new Promise((resolve) => {
    let sentAt = 0;
    const req = http.request(
      `${url}/fhir/R4`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${tokens.get(practice)}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - sentAt : 'connection lost'));
        res.on('error', () => resolve('connection lost'));
      }
    );
    req.on('error', () => resolve('connection lost'));
    req.on('finish', () => {
      sentAt = performance.now();
      onSent?.();
    });
    req.end(body);
  });
}

/** Each practice's current access token (a new one after each restart: the old one still works, but short-lived). */
const tokens = new Map<string, string>();

describe.each(testEngines())('crash safety [%s]', (engine) => {
  it('SIGKILL in the middle of a 500-entry transaction leaves no partial data and no audit record without its data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-crash-'));
    const practice = `crash-${Date.now().toString(36)}`;
    const database = engine === 'pglite' ? `pglite:${dir}` : POSTGRES_URL;
    const port = engine === 'pglite' ? 18471 : 18472;
    const args = ['--database', database, '--practice', practice];
    const client = await createCliClient(database, practice);
    // Reads the audit trail (AuditEvent is only for clients granted it by name).
    const auditor = await createCliClient(database, practice, 'system/AuditEvent.rs');
    let server = await startServer(args, port);
    tokens.set(practice, await clientToken(server.url, client));
    /** The audit records of creates made by the data client (following next links). */
    const createRecords = async (): Promise<number> => {
      const token = await clientToken(server.url, auditor);
      let url: string | undefined =
        `${server.url}/fhir/R4/AuditEvent?agent=${client.client_id}&subtype=create&_count=1000`;
      let n = 0;
      while (url) {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        const bundle = (await res.json()) as {
          entry?: unknown[];
          link?: { relation: string; url: string }[];
        };
        n += bundle.entry?.length ?? 0;
        url = bundle.link?.find((l) => l.relation === 'next')?.url;
      }
      return n;
    };
    try {
      // Two complete transactions: the second, warm, times how long the server works on one.
      let committed = 0;
      let processing = Infinity;
      for (const tag of ['WarmupA', 'WarmupB']) {
        const ms = await post(server.url, practice, JSON.stringify(bigTransaction(tag)));
        expect(ms).not.toBe('connection lost');
        processing = Math.min(processing, ms as number);
        committed++;
      }
      expect(await count(server.url, practice, 'Observation')).toBe(499 * committed);
      // Each committed transaction left the same number of audit records (written in its statements).
      const recordsPerTransaction = (await createRecords()) / committed;
      expect(recordsPerTransaction).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(recordsPerTransaction)).toBe(true);

      // Kill a third of the way into the server's work on the next one (the DB transaction is open from the
      // first entry to the last). Should the server ever finish first, try again, sooner.
      let killedTag: string | undefined;
      for (let attempt = 1; attempt <= 3 && !killedTag; attempt++) {
        const tag = `Killed${attempt}`;
        const delay = Math.max(5, processing / (3 * attempt));
        const outcome = await post(server.url, practice, JSON.stringify(bigTransaction(tag)), () => {
          setTimeout(() => void stop(server, 'SIGKILL'), delay);
        });
        if (outcome === 'connection lost') {
          killedTag = tag;
        } else {
          committed++;
        }
        const proc = server.proc;
        if (proc.exitCode === null && proc.signalCode === null) {
          await new Promise((r) => proc.once('exit', r));
        }
        server = await startServer(args, port);
        tokens.set(practice, await clientToken(server.url, client));
      }
      // The client never got an answer: the kill came before the transaction finished.
      expect(killedTag).toBeDefined();
      expect(await count(server.url, practice, 'Observation')).toBe(499 * committed);
      expect(await count(server.url, practice, 'Patient')).toBe(committed);
      const killed = await fetch(`${server.url}/fhir/R4/Patient?name=${killedTag}&_summary=count`, {
        headers: { authorization: `Bearer ${tokens.get(practice)}` },
      });
      expect(((await killed.json()) as { total: number }).total).toBe(0);
      // The data change and its audit record commit together: every committed transaction has its records,
      // the killed one has none.
      expect(await createRecords()).toBe(recordsPerTransaction * committed);
    } finally {
      await stop(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
