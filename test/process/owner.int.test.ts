import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServer, stop } from './serverProcess.js';

describe('one owner per embedded database', () => {
  it('a second server on the same folder gets one clear line and the first keeps working', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-owner-'));
    const first = await startServer(['--database', `pglite:${dir}`], 18481);
    try {
      const second = await runCli(['serve', '--database', `pglite:${dir}`, '--port', '18482']);
      expect(second.code).not.toBe(0);
      expect(second.output).toContain(
        `the database folder ${dir} is in use by medassist process ${first.proc.pid}`
      );
      expect(second.output).not.toMatch(/\n\s+at /);
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await stop(first);
    }
    // After a clean stop the folder can be opened again.
    const again = await startServer(['--database', `pglite:${dir}`], 18483);
    await stop(again);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});

describe('configuration is validated at start', () => {
  it.each([
    [['--port', 'eighty'], 'invalid setting --port / MEDASSIST_PORT'],
    [['--port', '70000'], 'invalid setting --port / MEDASSIST_PORT: must be 0-65535'],
    [
      ['--database', 'mysql://x'],
      'invalid setting --database / MEDASSIST_DATABASE: expected pglite:DIR, pglite:memory or postgres://',
    ],
    [['--practice', 'Bad Practice!'], 'invalid setting --practice / MEDASSIST_PRACTICE'],
  ])('%s stops with one line naming the setting', async (args, message) => {
    const res = await runCli(['serve', ...args]);
    expect(res.code).toBe(2);
    expect(res.output.trim().split('\n')).toHaveLength(1);
    expect(res.output).toContain(message);
  });

  it('reads MEDASSIST_PORT from the environment', async () => {
    const res = await runCli(['serve'], { MEDASSIST_PORT: '-1' });
    expect(res.code).toBe(2);
    expect(res.output).toContain('--port / MEDASSIST_PORT');
  });

  it('--help says what each command does', async () => {
    const top = await runCli(['--help']);
    expect(top.output).toContain('serve');
    const serve = await runCli(['serve', '--help']);
    expect(serve.output).toContain('--database <target>');
    expect(serve.output).toContain('pglite:DIR | pglite:memory | postgres://');
  });
});
