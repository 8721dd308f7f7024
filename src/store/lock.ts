import fs from 'node:fs';
import path from 'node:path';

/** Thrown when another live process owns an embedded database folder. */
export class FolderInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number
  ) {
    super(
      `the database folder ${dir} is in use by medassist process ${pid}. ` +
        `Stop that process, or run this command against the running server (see --help), or use another --database.`
    );
    this.name = 'FolderInUseError';
  }
}

export interface FolderLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one Postgres backend in this process: two processes writing one folder would corrupt it.
 * A lock file with the owner's pid (created with O_EXCL) keeps a second process out; a lock left by a
 * process that died (SIGKILL, power loss) is taken over, because its pid is no longer alive.
 */
export function acquireFolderLock(dir: string): FolderLock {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'medassist.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = (): void => {
        if (!released) {
          released = true;
          try {
            if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) {
              fs.unlinkSync(lockPath);
            }
          } catch {
            // already gone
          }
        }
      };
      process.once('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
      const owner = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && (owner === process.pid || isAlive(owner))) {
        throw new FolderInUseError(dir, owner);
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock the database folder ${dir}`);
}
