import fs from 'node:fs';
import path from 'node:path';

/** What a running server leaves in its embedded-database folder: who owns it and where its API is. */
export interface ServerInfo {
  pid: number;
  url: string;
  /** The practice and API client the server made for the local command line (full access). */
  practice?: string;
  clientId?: string;
  clientSecret?: string;
}

const FILE = 'server.json';

export function writeServerInfo(dir: string, info: ServerInfo): void {
  const file = path.join(dir, FILE);
  fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  process.once('exit', () => {
    try {
      const current = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerInfo;
      if (current.pid === process.pid) {
        fs.unlinkSync(file);
      }
    } catch {
      // already gone
    }
  });
}

/** The server that owns a folder, if one wrote its address there and is still alive. */
export function readServerInfo(dir: string): ServerInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dir, FILE), 'utf8')) as ServerInfo;
    try {
      process.kill(info.pid, 0);
    } catch (err) {
      // EPERM: the process exists but belongs to another user; it is alive (as in store/lock.ts).
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') {
        return undefined;
      }
    }
    return info;
  } catch {
    return undefined;
  }
}

/** An access token from a server for the client in its server.json (POST /oauth2/token). */
export async function serverToken(info: ServerInfo): Promise<string | undefined> {
  if (!info.clientId || !info.clientSecret) {
    return undefined;
  }
  const origin = new URL(info.url).origin;
  const res = await fetch(`${origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: info.clientId,
      client_secret: info.clientSecret,
    }).toString(),
  });
  if (!res.ok) {
    return undefined;
  }
  return ((await res.json()) as { access_token: string }).access_token;
}
