import { readdirSync, readFileSync } from 'node:fs';

/**
 * How busy the rest of the machine was during a measurement. The bench shares a 2-core machine with
 * whatever else runs there (test suites, other servers); a figure taken while another process held a core is
 * not a figure about medassist. Linux only (/proc); elsewhere every reading is null.
 */
export interface CpuSnapshot {
  total: number;
  busy: number;
  /**
   * CPU jiffies per process of ours: the bench, the server and its children, PostgreSQL's backends serving
   * the bench's databases and its shared background processes (checkpointer, WAL writer, ...).
   */
  ours: Map<number, number>;
}

function machineJiffies(): { total: number; busy: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { total, busy: total - idle };
}

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  jiffies: number;
}

/** A PostgreSQL process that is ours: a backend of a medassist_bench* database, or a shared background one. */
function isOurPostgres(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return false;
  }
  // Backends read "postgres: USER DATABASE HOST(PORT) STATE"; background processes "postgres: 15/main: walwriter".
  const backend = /^postgres: \S+ (\S+) \S+\(\d+\)/.exec(cmdline);
  return backend ? backend[1].startsWith('medassist_bench') : true;
}

function processes(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      const comm = text.slice(text.indexOf('(') + 1, close);
      const f = text.slice(close + 2).split(' ');
      // After "pid (comm) ": state ppid ... utime(14th field overall) stime(15th)
      out.push({ pid: Number(name), ppid: Number(f[1]), comm, jiffies: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended while we read
    }
  }
  return out;
}

/** A snapshot where `ourPids` and their descendants, and every postgres process, count as ours. */
export function cpuSnapshot(ourPids: number[]): CpuSnapshot | null {
  try {
    const procs = processes();
    const ours = new Set(ourPids);
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of procs) {
        if (!ours.has(p.pid) && ours.has(p.ppid)) {
          ours.add(p.pid);
          grew = true;
        }
      }
    }
    const oursJiffies = new Map<number, number>();
    for (const p of procs) {
      if (ours.has(p.pid) || (p.comm === 'postgres' && isOurPostgres(p.pid))) {
        oursJiffies.set(p.pid, p.jiffies);
      }
    }
    return { ...machineJiffies(), ours: oursJiffies };
  } catch {
    return null;
  }
}

/** Share of the whole machine (all cores, 0-100) used by other processes between two snapshots. */
export function othersCpuPercent(a: CpuSnapshot | null, b: CpuSnapshot | null): number | null {
  if (!a || !b || b.total <= a.total) {
    return null;
  }
  // A process of ours that ended in between is not seen at the end: its last stretch counts as others'.
  let ours = 0;
  for (const [pid, j] of b.ours) {
    ours += j - (a.ours.get(pid) ?? 0);
  }
  const others = b.busy - a.busy - ours;
  return Math.max(0, (others / (b.total - a.total)) * 100);
}

/**
 * Waits, up to `maxSeconds`, for a 5-second window in which other processes use under `threshold` % of the
 * machine; returns the last reading.
 */
export async function waitForQuiet(
  maxSeconds: number,
  threshold: number,
  log: (line: string) => void
): Promise<number | null> {
  const deadline = Date.now() + maxSeconds * 1000;
  let reading: number | null;
  do {
    const a = cpuSnapshot([process.pid]);
    await new Promise((r) => setTimeout(r, 5000));
    reading = othersCpuPercent(a, cpuSnapshot([process.pid]));
    if (reading === null || reading < threshold) {
      return reading;
    }
    log(`  waiting for a quiet machine: other processes use ${reading.toFixed(0)}% of it`);
  } while (Date.now() < deadline);
  return reading;
}
