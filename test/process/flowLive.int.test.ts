/**
 * The flow board's live feed across processes (docs/decisions/0013-patient-flow.md): two real medassist
 * servers on one PostgreSQL; a board streaming from server B sees a check-in made through server A within a
 * second, and a board of another site sees nothing of it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/auth/clients.js';
import { loadDefinitions } from '../../src/fhir/definitions.js';
import { openDatabase, type Database } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { ensurePractice } from '../../src/store/practice.js';
import { goodCheckIn } from '../clinic/flow/fixtures.js';
import { POSTGRES_URL } from '../harness.js';
import { clientToken, startServer, stop, type RunningServer } from './serverProcess.js';

/** Reads an SSE response: resolves each `event: flow` data as it arrives, with its arrival time. */
class StreamReader {
  readonly events: { data: Record<string, unknown>; at: number }[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  connected = false;

  constructor(private readonly controller: AbortController) {}

  async consume(res: Response): Promise<void> {
    const reader = res.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          if (block.startsWith(': connected')) this.connected = true;
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (/^event: flow$/m.test(block) && data) {
            this.events.push({ data: JSON.parse(data) as Record<string, unknown>, at: performance.now() });
          }
          this.waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      // aborted
    }
  }

  /** Waits until `test` holds or `ms` pass. */
  async until(test: () => boolean, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!test()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  close(): void {
    this.controller.abort();
  }
}

async function openStream(url: string, token: string): Promise<StreamReader> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = new StreamReader(controller);
  void reader.consume(res);
  expect(await reader.until(() => reader.connected, 10_000)).toBe(true);
  return reader;
}

describe.skipIf(!POSTGRES_URL)('live flow board across two server processes [postgres]', () => {
  const practice = `flowlive-${randomUUID().slice(0, 8)}`;
  let db: Database;
  let a: RunningServer | undefined;
  let b: RunningServer | undefined;
  let token = '';

  beforeAll(async () => {
    loadDefinitions();
    db = await openDatabase({ engine: 'postgres', url: POSTGRES_URL });
    await migrate(db);
    await ensurePractice(db, practice, 'Live flow test practice');
    const client = await createClient(db, practice, 'flow live test', 'system/*.cruds');
    const args = ['--database', POSTGRES_URL, '--practice', practice];
    [a, b] = await Promise.all([startServer(args, 18611), startServer(args, 18612)]);
    token = await clientToken(a.url, client);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a && stop(a), b && stop(b)]);
    await db?.close();
  });

  it('a board on server B sees a check-in made through server A within 1 s', async () => {
    if (!a || !b) throw new Error('servers did not start');
    const now = new Date();
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        ...[
          {
            resourceType: 'Location',
            id: 'site-main',
            name: 'Main Street Clinic',
            extension: [
              { url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'America/New_York' },
            ],
          },
          { resourceType: 'Location', id: 'site-other', name: 'Riverside Clinic' },
          {
            resourceType: 'Patient',
            id: 'pat-delgado',
            name: [{ family: 'Delgado', given: ['Maria'] }],
            birthDate: '1980-04-12',
          },
          {
            resourceType: 'Appointment',
            id: 'appt-1',
            status: 'booked',
            start: now.toISOString(),
            end: new Date(now.getTime() + 20 * 60_000).toISOString(),
            participant: [
              { actor: { reference: 'Patient/pat-delgado' }, status: 'accepted' },
              { actor: { reference: 'Location/site-main' }, status: 'accepted' },
            ],
          },
        ].map((resource) => ({
          resource,
          request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
        })),
      ],
    };
    const loaded = await fetch(`${a.url}/fhir/R4`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify(bundle),
    });
    expect(loaded.status, await loaded.clone().text()).toBe(200);

    const board = await openStream(`${b.url}/api/flow/stream?location=site-main`, token);
    const otherSite = await openStream(`${b.url}/api/flow/stream?location=site-other`, token);
    try {
      const started = performance.now();
      const res = await fetch(`${a.url}/api/flow/check-in`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(goodCheckIn({ coverageVerified: [], copay: undefined })),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const encounterId = ((await res.json()) as { encounter: { id: string } }).encounter.id;
      expect(await board.until(() => board.events.length > 0, 1000)).toBe(true);
      const event = board.events[0];
      expect(event.at - started).toBeLessThan(1000);
      expect(event.data).toEqual({
        location: 'site-main',
        appointmentId: 'appt-1',
        encounterId,
        status: 'arrived',
        at: expect.any(String),
      });
      // No patient data on the wire, and nothing for the other site's board.
      expect(JSON.stringify(event.data)).not.toMatch(/Delgado|1980/);
      await new Promise((r) => setTimeout(r, 300));
      expect(otherSite.events).toEqual([]);
    } finally {
      board.close();
      otherSite.close();
    }
  }, 60_000);

  it('the stream needs a signed-in caller and a site', async () => {
    if (!b) throw new Error('servers did not start');
    expect((await fetch(`${b.url}/api/flow/stream?location=site-main`)).status).toBe(401);
    const noSite = await fetch(`${b.url}/api/flow/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect(noSite.status).toBe(400);
    expect(((await noSite.json()) as { issue: { expression: string[] }[] }).issue[0].expression).toEqual([
      'location',
    ]);
  });
});
