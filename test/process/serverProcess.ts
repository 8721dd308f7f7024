import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/medassist.js');

export interface RunningServer {
  proc: ChildProcess;
  url: string;
  output: () => string;
}

export interface StartOptions {
  /** The server speaks HTTPS (started with --tls-cert/--tls-key): /healthz is polled over TLS trusting `ca`. */
  https?: { ca: string | Buffer };
}

/** GET /healthz over HTTPS, trusting only `ca` (fetch cannot be given a CA of its own). */
function httpsHealthy(url: string, ca: string | Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`${url}/healthz`, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
  });
}

/** Starts `medassist serve` as a real child process and waits for /healthz. */
export async function startServer(
  args: string[],
  port: number,
  env: NodeJS.ProcessEnv = {},
  options: StartOptions = {}
): Promise<RunningServer> {
  const proc = spawn(
    process.execPath,
    [BIN, 'serve', '--port', String(port), '--log-level', 'warn', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  // Generous: on a busy CI machine a start (migrations, definitions) has been seen to take 50 s.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`server exited with ${proc.exitCode}: ${out}`);
    }
    if (options.https) {
      if (await httpsHealthy(url, options.https.ca)) {
        return { proc, url, output: () => out };
      }
    } else {
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) {
          return { proc, url, output: () => out };
        }
      } catch {
        // not up yet
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not answer /healthz within 120 s: ${out}`);
}

/** Runs the medassist command to completion. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {}
): Promise<{ code: number | null; output: string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      stderr += d.toString();
    });
    proc.on('close', (code) => resolve({ code, output, stdout, stderr }));
  });
}

export async function stop(server: RunningServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.proc.exitCode !== null) {
    return;
  }
  const exited = new Promise((r) => server.proc.once('exit', r));
  server.proc.kill(signal);
  await exited;
}

/**
 * An API client with full access in a practice, made with `medassist client create` (before the server
 * starts on a PGlite folder: then only the server may open it), and a token for it from the running server.
 */
export async function createCliClient(
  database: string,
  practice: string,
  scope = 'system/*.cruds'
): Promise<{ client_id: string; client_secret: string }> {
  const run = await runCli([
    'client',
    'create',
    '--name',
    'test client',
    '--scope',
    scope,
    '--database',
    database,
    '--practice',
    practice,
  ]);
  if (run.code !== 0) {
    throw new Error(`client create failed (${run.code}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as { client_id: string; client_secret: string };
}

export async function clientToken(
  origin: string,
  client: { client_id: string; client_secret: string }
): Promise<string> {
  const res = await fetch(`${origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...client }).toString(),
  });
  if (!res.ok) {
    throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  }
  return ((await res.json()) as { access_token: string }).access_token;
}
