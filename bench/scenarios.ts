import autocannon from 'autocannon';
import { BP_PANEL, LOINC, patient, patientWithVitals, prng, SHARED_FAMILY } from './fixtures.js';
import { cpuSnapshot, othersCpuPercent, waitForQuiet } from './machineLoad.js';
import { authHeader } from './auth.js';

/** What one scenario must reach on PostgreSQL (the issue's targets); undefined = reported only. */
export interface Target {
  minRps?: number;
  maxP99Ms?: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  name: string;
  /** A note shown beside the name, e.g. "before ANALYZE". */
  note?: string;
  connections: number;
  seconds: number;
  /** Responses received in the measured run (requests still in flight at its end are not counted). */
  requests: number;
  sent: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Share of the machine (0-100) other processes used during the measured run; null where unknown. */
  othersCpu: number | null;
  target: Target;
  /** Every target met and not one error or non-2xx answer (a fast error is not a result). */
  pass: boolean | null;
  /** Resources written per second, for the transaction scenario. */
  resourcesPerSecond?: number;
}

export interface ScenarioOptions {
  origin: string;
  patientIds: string[];
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** The server's process id (it changes when the server restarts). */
  serverPid: () => number;
  /** Before each scenario, wait up to this many seconds for other processes to leave the machine. */
  waitQuietSeconds: number;
  /** Run only these scenarios (all of them by default). */
  only?: ScenarioId[];
  note?: string;
}

export type ScenarioId = 'read' | 'name' | 'obs' | 'create' | 'transaction';

interface Scenario {
  id: ScenarioId;
  name: string;
  target: Target;
  resourcesPerRequest?: number;
  /** A request sanity check before the load: throws when the scenario would measure the wrong thing. */
  check: (origin: string, ids: string[]) => Promise<void>;
  request: (ids: string[]) => autocannon.Request;
}

const FHIR = '/fhir/R4';
/** The bench client's token (bench/auth.ts) and the FHIR content type, read at each use. */
const headers = (): Record<string, string> => ({ ...authHeader(), 'content-type': 'application/fhir+json' });

/** A request whose path rotates over `paths`, so the load is not one hot row. */
function rotating(paths: (i: number) => string): autocannon.Request {
  let i = 0;
  return {
    method: 'GET',
    setupRequest: (req) => ({ ...req, path: paths(i++) }),
  };
}

async function expectSearch(origin: string, path: string, minMatches: number): Promise<void> {
  const res = await fetch(`${origin}${path}`, { headers: headers() });
  const body = (await res.json()) as { entry?: { search?: { mode?: string } }[] };
  const matches = (body.entry ?? []).filter((e) => e.search?.mode === 'match').length;
  if (res.status !== 200 || matches < minMatches) {
    throw new Error(`${path} answered ${res.status} with ${matches} matches (expected >= ${minMatches})`);
  }
}

const obsSearchPath = (id: string): string =>
  `${FHIR}/Observation?patient=${id}&code=${encodeURIComponent(`${LOINC}|${BP_PANEL}`)}`;

/** The issue's five scenarios; reads and searches first, so the writes do not change what they read. */
export function scenarios(): Scenario[] {
  const rand = prng(7);
  const createBody = JSON.stringify(patient(rand, 1));
  const transactionBodies = Array.from({ length: 64 }, (_, k) =>
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: patientWithVitals(rand, k * 50 + 1, 49),
    })
  );
  return [
    {
      id: 'read',
      name: 'read Patient by id',
      target: { minRps: 2500, maxP99Ms: 10 },
      check: async (origin, ids) => {
        const res = await fetch(`${origin}${FHIR}/Patient/${ids[0]}`, { headers: headers() });
        if (res.status !== 200) {
          throw new Error(`read answered ${res.status}`);
        }
      },
      request: (ids) => rotating((i) => `${FHIR}/Patient/${ids[i % ids.length]}`),
    },
    {
      id: 'name',
      name: `Patient?name=${SHARED_FAMILY}`,
      target: { minRps: 600, maxP99Ms: 50 },
      check: (origin) => expectSearch(origin, `${FHIR}/Patient?name=${SHARED_FAMILY}`, 10),
      request: () => ({ method: 'GET', path: `${FHIR}/Patient?name=${SHARED_FAMILY}` }),
    },
    {
      id: 'obs',
      name: `Observation?patient=X&code=${BP_PANEL}`,
      target: { minRps: 600, maxP99Ms: 50 },
      check: (origin, ids) => expectSearch(origin, obsSearchPath(ids[0]), 1),
      // Step through patients with a stride so consecutive requests hit unrelated index pages.
      request: (ids) => rotating((i) => obsSearchPath(ids[(i * 7919) % ids.length])),
    },
    {
      id: 'create',
      name: 'create Patient',
      target: { minRps: 700 },
      check: async () => undefined,
      request: () => ({ method: 'POST', path: `${FHIR}/Patient`, body: createBody }),
    },
    {
      id: 'transaction',
      name: 'transaction 1 Patient + 49 Observations',
      target: {},
      resourcesPerRequest: 50,
      check: async () => undefined,
      request: () => {
        let i = 0;
        return {
          method: 'POST',
          path: `${FHIR}/`,
          setupRequest: (req) => ({ ...req, body: transactionBodies[i++ % transactionBodies.length] }),
        };
      },
    },
  ];
}

function judge(
  target: Target,
  r: { requests: number; rps: number; p99: number; non2xx: number; errors: number }
): boolean | null {
  if (r.requests === 0) {
    return false;
  }
  if (target.minRps === undefined && target.maxP99Ms === undefined) {
    return r.non2xx === 0 && r.errors === 0 ? null : false;
  }
  return (
    r.non2xx === 0 &&
    r.errors === 0 &&
    (target.minRps === undefined || r.rps >= target.minRps) &&
    (target.maxP99Ms === undefined || r.p99 <= target.maxP99Ms)
  );
}

function cannon(
  origin: string,
  request: autocannon.Request,
  connections: number,
  seconds: number
): Promise<autocannon.Result> {
  return autocannon({
    url: origin,
    connections,
    duration: seconds,
    headers: headers(),
    requests: [request],
    timeout: 30,
  });
}

/** Runs each scenario: a warm-up that is thrown away, then the measured run. */
export async function runScenarios(
  opts: ScenarioOptions,
  log: (line: string) => void
): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const s of scenarios().filter((x) => !opts.only || opts.only.includes(x.id))) {
    await s.check(opts.origin, opts.patientIds);
    log(
      `  ${s.name}: warm-up ${opts.warmupSeconds} s, then ${opts.seconds} s at ${opts.connections} connections`
    );
    await waitForQuiet(opts.waitQuietSeconds, 10, log);
    await cannon(opts.origin, s.request(opts.patientIds), opts.connections, opts.warmupSeconds);
    const before = cpuSnapshot([process.pid, opts.serverPid()]);
    const r = await cannon(opts.origin, s.request(opts.patientIds), opts.connections, opts.seconds);
    const othersCpu = othersCpuPercent(before, cpuSnapshot([process.pid, opts.serverPid()]));
    const statusCodes: Record<string, number> = {};
    for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) {
      statusCodes[code] = v.count ?? 0;
    }
    const rps = r.requests.total / r.duration;
    const result: ScenarioResult = {
      id: s.id,
      name: s.name,
      ...(opts.note ? { note: opts.note } : {}),
      connections: opts.connections,
      seconds: r.duration,
      requests: r.requests.total,
      sent: r.requests.sent,
      rps,
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statusCodes,
      othersCpu,
      target: s.target,
      pass: null,
      ...(s.resourcesPerRequest ? { resourcesPerSecond: rps * s.resourcesPerRequest } : {}),
    };
    result.pass = judge(s.target, result);
    out.push(result);
  }
  return out;
}
