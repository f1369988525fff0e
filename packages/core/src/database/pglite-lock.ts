import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { AuthError } from '../errors/auth-error.js';
import { systemClock, type Clock } from '../util/clock.js';

/**
 * PGlite is PostgreSQL in one process: a second process opening the same data
 * directory would corrupt it. A lock file holding the owner's pid guards it; a lock
 * left by a dead process is taken over.
 */
export interface DirectoryLock {
  release(): void;
}

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

export function lockDataDirectory(
  dir: string,
  command = process.argv.slice(1).join(' '),
  clock: Clock = systemClock,
): DirectoryLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'gatehouse.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const owner: LockOwner = { pid: process.pid, command, since: new Date(clock.now()).toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner && isAlive(owner.pid)) {
        throw new AuthError(
          'database_locked',
          `The embedded database in ${dir} is in use by process ${owner.pid} (${owner.command || 'gatehouse'}, since ${owner.since}). ` +
            'PGlite allows one process at a time: stop that process first, or set DATABASE_URL to use PostgreSQL.',
          { pid: owner.pid },
        );
      }
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new AuthError('database_locked', `Could not lock the embedded database in ${dir}`);
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, command: String(parsed.command ?? ''), since: String(parsed.since ?? '') }
      : null;
  } catch {
    return null; // half-written or garbage: treat as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
