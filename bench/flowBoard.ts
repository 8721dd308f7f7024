/**
 * The flow board's change-to-screen latency (issue 5: p99 <= 250 ms): 100 boards connected by SSE across
 * two medassist server processes on one PostgreSQL; a flow change is POSTed through one server; each board,
 * on its `flow` event, refetches GET /api/flow/board from the server it is connected to. The latency of a
 * board is the time from the POST being sent until that refetch has answered. A site with 30 visits today.
 *
 *   npx tsx bench/flowBoard.ts [--quick] [--boards 100] [--changes 30]
 *   npm run bench   (runs it after the server benchmarks)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createClient } from '../src/auth/clients.js';
import { loadDefinitions } from '../src/fhir/definitions.js';
import { openDatabase } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { ensurePractice } from '../src/store/practice.js';

const ADMIN_URL = process.env.MEDASSIST_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'medassist_bench_flow';
const BIN = join(import.meta.dirname, '..', 'bin', 'medassist.js');
const SITE = 'bench-site';
const VISITS = 30;

export interface FlowBoardReport {
  boards: number;
  servers: number;
  changes: number;
  samples: number;
  /** Change POSTed -> its answer (the commit), ms. */
  postP50: number;
  postP99: number;
  /** Change POSTed -> event received, ms. */
  eventP50: number;
  eventP99: number;
  /** Change POSTed -> board refetched (event + GET /api/flow/board answered), ms. */
  p50: number;
  p99: number;
  max: number;
  /** Samples that never arrived within 5 s. */
  missed: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function freshDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
}

async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function startServer(
  url: string,
  practice: string,
  port: number
): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', String(port), '--log-level', 'warn', '--database', url, '--practice', practice],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    }
  );
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return { origin, child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

/** One screen: an SSE stream and, on each event, a refetch of the board. */
class Board {
  private readonly controller = new AbortController();
  readonly arrivals = new Map<string, { event: number; refetched?: number }>();
  connected = false;

  constructor(
    private readonly origin: string,
    private readonly token: string
  ) {}

  async open(): Promise<void> {
    const res = await fetch(`${this.origin}/api/flow/stream?location=${SITE}`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal: this.controller.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`stream: ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let resolveConnected: () => void = () => undefined;
    const connected = new Promise<void>((r) => (resolveConnected = r));
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith(': connected')) {
              this.connected = true;
              resolveConnected();
            }
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (data) this.onEvent(JSON.parse(data) as { appointmentId: string; status: string });
          }
        }
      } catch {
        // closed
      }
    })();
    await connected;
  }

  private onEvent(data: { appointmentId: string; status: string }): void {
    const key = `${data.appointmentId}:${data.status}`;
    const arrival = { event: performance.now() } as { event: number; refetched?: number };
    this.arrivals.set(key, arrival);
    void fetch(`${this.origin}/api/flow/board?location=${SITE}`, {
      headers: { authorization: `Bearer ${this.token}` },
    })
      .then((res) => res.json())
      .then(() => {
        arrival.refetched = performance.now();
      });
  }

  close(): void {
    this.controller.abort();
  }
}

export async function runFlowBoardBench(options: {
  boards: number;
  changes: number;
  port: number;
}): Promise<FlowBoardReport> {
  loadDefinitions();
  const url = await freshDatabase();
  const practice = `bench-flow-${randomUUID().slice(0, 8)}`;
  const db = await openDatabase({ engine: 'postgres', url });
  const servers: ChildProcess[] = [];
  const boards: Board[] = [];
  try {
    await migrate(db);
    await ensurePractice(db, practice, 'Flow board bench');
    const client = await createClient(db, practice, 'flow bench', 'system/*.cruds');
    const [a, b] = await Promise.all([
      startServer(url, practice, options.port),
      startServer(url, practice, options.port + 1),
    ]);
    servers.push(a.child, b.child);
    const tokenRes = await fetch(`${a.origin}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...client }).toString(),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const auth = { authorization: `Bearer ${token}` };

    // A site with rooms and today's visits: 30 patients, each with an appointment spread over the day.
    const now = Date.now();
    const entries: Record<string, unknown>[] = [
      {
        resourceType: 'Location',
        id: SITE,
        name: 'Bench Clinic',
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: 'UTC' }],
      },
      ...Array.from({ length: 6 }, (_, i) => ({
        resourceType: 'Location',
        id: `bench-room-${i + 1}`,
        name: `Exam ${i + 1}`,
        operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code: 'U' },
        partOf: { reference: `Location/${SITE}` },
      })),
      { resourceType: 'Practitioner', id: 'bench-dr', name: [{ family: 'Bench', given: ['Dana'] }] },
    ];
    for (let i = 0; i < VISITS; i++) {
      entries.push(
        {
          resourceType: 'Patient',
          id: `bench-pat-${i}`,
          name: [{ family: `Patient${i}`, given: ['Bench'] }],
          birthDate: '1970-01-01',
        },
        {
          resourceType: 'Appointment',
          id: `bench-appt-${i}`,
          status: 'booked',
          // Within today (UTC) whatever the hour: the check-in rule needs today's appointments.
          start: new Date(now - (now % 86_400_000) + ((i * 20) % 1380) * 60_000).toISOString(),
          end: new Date(now - (now % 86_400_000) + (((i * 20) % 1380) + 20) * 60_000).toISOString(),
          participant: [
            { actor: { reference: `Patient/bench-pat-${i}` }, status: 'accepted' },
            { actor: { reference: 'Practitioner/bench-dr', display: 'Dr. Dana Bench' }, status: 'accepted' },
            { actor: { reference: `Location/${SITE}` }, status: 'accepted' },
          ],
        }
      );
    }
    const loaded = await fetch(`${a.origin}/fhir/R4`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: entries.map((resource) => ({
          resource,
          request: { method: 'PUT', url: `${String(resource.resourceType)}/${String(resource.id)}` },
        })),
      }),
    });
    if (loaded.status !== 200) throw new Error(`load: ${loaded.status} ${await loaded.text()}`);

    for (let i = 0; i < options.boards; i++) {
      boards.push(new Board(i % 2 === 0 ? a.origin : b.origin, token));
    }
    await Promise.all(boards.map((board) => board.open()));

    // The changes, one at a time through server A: check-ins, then each visit to the waiting room.
    const changes: { key: string; sent: number }[] = [];
    const posts: number[] = [];
    const encounters: string[] = [];
    for (let i = 0; i < options.changes; i++) {
      const visit = i % VISITS;
      let key: string;
      const sent = performance.now();
      if (i < VISITS) {
        const res = await fetch(`${a.origin}/api/flow/check-in`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            appointmentId: `bench-appt-${visit}`,
            identity: { name: `Bench Patient${visit}`, birthDate: '1970-01-01' },
            demographicsVerified: true,
          }),
        });
        if (res.status !== 201) throw new Error(`check-in: ${res.status} ${await res.text()}`);
        encounters.push(((await res.json()) as { encounter: { id: string } }).encounter.id);
        key = `bench-appt-${visit}:arrived`;
      } else {
        const res = await fetch(`${a.origin}/api/flow/encounters/${encounters[visit]}/status`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'waiting' }),
        });
        if (res.status !== 200) throw new Error(`move: ${res.status} ${await res.text()}`);
        key = `bench-appt-${visit}:waiting`;
      }
      posts.push(performance.now() - sent);
      changes.push({ key, sent });
      // Let every board receive and refetch before the next change (a busy clinic: a change every ~1 s).
      const deadline = performance.now() + 5000;
      while (
        performance.now() < deadline &&
        boards.some((board) => board.arrivals.get(key)?.refetched === undefined)
      ) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const latencies: number[] = [];
    const eventLatencies: number[] = [];
    let missed = 0;
    for (const change of changes) {
      for (const board of boards) {
        const arrival = board.arrivals.get(change.key);
        if (arrival?.refetched === undefined) {
          missed++;
          continue;
        }
        eventLatencies.push(arrival.event - change.sent);
        latencies.push(arrival.refetched - change.sent);
      }
    }
    latencies.sort((x, y) => x - y);
    eventLatencies.sort((x, y) => x - y);
    posts.sort((x, y) => x - y);
    const round = (n: number): number => Math.round(n * 10) / 10;
    return {
      boards: options.boards,
      servers: 2,
      changes: changes.length,
      samples: latencies.length,
      postP50: round(percentile(posts, 50)),
      postP99: round(percentile(posts, 99)),
      eventP50: round(percentile(eventLatencies, 50)),
      eventP99: round(percentile(eventLatencies, 99)),
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies[latencies.length - 1] ?? NaN),
      missed,
    };
  } finally {
    boards.forEach((board) => board.close());
    for (const child of servers) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await db.close();
    await dropDatabase();
  }
}

export function printFlowBoard(report: FlowBoardReport, log: (line: string) => void = console.log): void {
  log(
    `\nFlow board live updates (PostgreSQL, ${report.boards} boards on ${report.servers} servers, ${report.changes} changes)`
  );
  log(`  change -> POST answered:    p50 ${report.postP50} ms   p99 ${report.postP99} ms`);
  log(`  change -> event:            p50 ${report.eventP50} ms   p99 ${report.eventP99} ms`);
  log(
    `  change -> board refetched:  p50 ${report.p50} ms   p99 ${report.p99} ms   max ${report.max} ms   (target p99 <= 250 ms)`
  );
  log(`  samples ${report.samples}, missed ${report.missed}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      boards: { type: 'string' },
      changes: { type: 'string' },
      port: { type: 'string', default: '18720' },
    },
  });
  const report = await runFlowBoardBench({
    boards: Number(values.boards ?? 100),
    changes: Number(values.changes ?? (values.quick ? 10 : 60)),
    port: Number(values.port),
  });
  printFlowBoard(report);
}
