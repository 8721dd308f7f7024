/**
 * Global setup of the end-to-end project: builds the web app if web/dist is missing or older than its sources,
 * loads the demo clinic into a fresh PGlite folder and starts a real `medassist serve` process on a free port.
 * The tests get the server's origin with `inject('e2eOrigin')`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { runCli, startServer, stop, type RunningServer } from '../process/serverProcess.js';
import { DEMO_PATIENTS } from './demoPatients.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** e.g. http://127.0.0.1:41234 */
    e2eOrigin: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const WEB = path.join(ROOT, 'web');

/** Builds web/dist when it is missing or older than web/ (the same script `npm start` and `npm test` run). */
function ensureWebBuild(): void {
  if (!fs.existsSync(path.join(WEB, 'vite.config.ts'))) {
    throw new Error('e2e: the web app is missing (no web/vite.config.ts): nothing to test');
  }
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!fs.existsSync('/usr/bin/chromium')) {
    throw new Error('e2e: /usr/bin/chromium is missing (apt-get install chromium)');
  }
  ensureWebBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-e2e-'));
  const database = `pglite:${path.join(dir, 'db')}`;
  let server: RunningServer | undefined;
  try {
    const demo = await runCli(['demo', '--database', database, '--patients', String(DEMO_PATIENTS)]);
    if (demo.code !== 0) {
      throw new Error(`e2e: loading the demo clinic failed (${demo.code}): ${demo.output}`);
    }
    server = await startServer(['--database', database], await freePort());
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  project.provide('e2eOrigin', server.url);
  const running = server;
  return async () => {
    await stop(running);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
