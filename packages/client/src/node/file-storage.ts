import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isClientSession } from '../session-data.js';
import type { TokenStorage } from '../storage.js';
import type { ClientSession } from '../types.js';

/** Sessions by storage key, as the file holds them. */
type SessionFile = Record<string, unknown>;

/**
 * Sessions in a JSON file for Node programs (a CLI that stays signed in between runs). The
 * file is readable by its owner only (0600, its directory 0700 when created here) and is
 * replaced by an atomic rename, so a crash mid-write leaves the old file, never half of one.
 * Writes from one storage object are serialised; separate processes sharing the file each
 * replace it whole (the last writer wins).
 */
export function fileStorage(path: string): TokenStorage {
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const update = (change: (sessions: SessionFile) => void) =>
    serialised(async () => {
      const sessions = await readSessions(path);
      change(sessions);
      await writeAtomically(path, sessions);
    });
  return {
    async get(key) {
      const value = (await readSessions(path))[key];
      return isClientSession(value) ? value : null;
    },
    set: (key, session: ClientSession) =>
      update((sessions) => {
        sessions[key] = session;
      }),
    remove: (key) =>
      update((sessions) => {
        delete sessions[key];
      }),
  };
}

/** The file's sessions; none when it does not exist or is not ours to read as JSON. */
async function readSessions(path: string): Promise<SessionFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SessionFile) : {};
  } catch {
    return {};
  }
}

async function writeAtomically(path: string, sessions: SessionFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    // 'wx': a fresh file, never one someone planted; created 0600 before a byte is written.
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(sessions, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
