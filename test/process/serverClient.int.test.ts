/**
 * The API client `medassist serve` leaves in a PGlite folder's server.json for the local command line lives
 * only as long as the server: a clean shutdown revokes it, so a copied server.json opens nothing afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientToken, runCli, startServer, stop, type RunningServer } from './serverProcess.js';

interface ServerJson {
  pid: number;
  url: string;
  practice: string;
  clientId: string;
  clientSecret: string;
}

describe('the command-line client of a running server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'is revoked when the server stops on %s',
    async (signal) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-cli-client-'));
      const port = signal === 'SIGTERM' ? 18493 : 18494;
      let server: RunningServer | undefined;
      try {
        server = await startServer(['--database', `pglite:${dir}`], port);
        const info = JSON.parse(fs.readFileSync(path.join(dir, 'server.json'), 'utf8')) as ServerJson;
        const client = { client_id: info.clientId, client_secret: info.clientSecret };
        // It works while the server runs.
        const token = await clientToken(server.url, client);
        const res = await fetch(`${server.url}/fhir/R4/Patient?_summary=count`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.status).toBe(200);

        await stop(server, signal);
        expect(server.proc.exitCode).toBe(0);
        expect(fs.existsSync(path.join(dir, 'server.json'))).toBe(false);

        const list = await runCli([
          'client',
          'list',
          '--database',
          `pglite:${dir}`,
          '--practice',
          info.practice,
        ]);
        expect(list.code).toBe(0);
        const clients = JSON.parse(list.stdout) as { id: string; revoked_at: string | null }[];
        const row = clients.find((c) => c.id === info.clientId);
        expect(row).toBeDefined();
        expect(row?.revoked_at).not.toBeNull();
      } finally {
        if (server) {
          await stop(server);
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000
  );
});
