import fs from 'node:fs';
import path from 'node:path';

/** What a running server leaves in its embedded-database folder: who owns it and where its API is. */
export interface ServerInfo {
  pid: number;
  url: string;
}

const FILE = 'server.json';

export function writeServerInfo(dir: string, info: ServerInfo): void {
  const file = path.join(dir, FILE);
  fs.writeFileSync(file, JSON.stringify(info));
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
