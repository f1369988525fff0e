import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { withFileLock } from '../secure-files/file-lock.js';
import { homeTag, type GatehousePaths } from '../secure-files/paths.js';
import {
  ensurePrivateDir,
  readPrivateFile,
  removeFile,
  writeFileAtomic,
} from '../secure-files/private-fs.js';
import {
  openSession,
  readHeader,
  sealSession,
  type SessionHeader,
  type StoredSession,
} from './sealed-session.js';

/**
 * The two files of a sign-in, which only open anything together:
 *
 * - the session file, `<state dir>/login-session` (0600): the sealed tokens (sealed-session.ts);
 * - the login key, `$XDG_RUNTIME_DIR/gatehouse/login-key-<home tag>` (0600): 32 random bytes,
 *   new at every login, deleted at logout; the runtime directory is a tmpfs the system empties
 *   at logout and reboot, and backups and syncs do not see it.
 *
 * Every read-modify-write of the session file happens under `login-session.lock`, so two
 * commands never lose a rotated refresh token by writing back an older copy.
 */
export interface LoginFiles {
  sessionFile: string;
  keyFile: string;
  stateDir: string;
  runtimeDir: string;
  strictRuntimeDir: boolean;
}

export function loginFiles(paths: GatehousePaths): LoginFiles {
  return {
    sessionFile: join(paths.stateDir, 'login-session'),
    keyFile: join(paths.runtimeDir, `login-key-${homeTag(paths)}`),
    stateDir: paths.stateDir,
    runtimeDir: paths.runtimeDir,
    strictRuntimeDir: paths.runtimeIsFallback,
  };
}

/** What is stored: nothing, a file whose key is gone, a file that does not open, or an open session. */
export type StoredLogin =
  | { state: 'none' }
  | { state: 'no-key'; header: SessionHeader }
  | { state: 'unreadable'; header: SessionHeader | undefined }
  | { state: 'open'; session: StoredSession; key: Buffer };

/** Creates (or checks) both directories; fails when the runtime directory cannot be trusted. */
export async function prepareLoginDirs(files: LoginFiles): Promise<void> {
  await ensurePrivateDir(files.stateDir);
  await ensurePrivateDir(files.runtimeDir, { strict: files.strictRuntimeDir });
}

/** Runs `work` holding the sign-in lock (the directories are checked first: the lock lives in one). */
export async function withLoginLock<T>(files: LoginFiles, work: () => Promise<T>): Promise<T> {
  await prepareLoginDirs(files);
  return withFileLock(files.sessionFile, work);
}

/** Reads both files (under the lock). The caller zeroes `key` of an open session when done. */
export async function readLogin(files: LoginFiles): Promise<StoredLogin> {
  const data = await readPrivateFile(files.sessionFile);
  if (!data) return { state: 'none' };
  const header = readHeader(data);
  const key = header && (await readPrivateFile(files.keyFile));
  if (header && !key) return { state: 'no-key', header };
  const session = key && openSession(data, key);
  if (!key || !session) {
    key?.fill(0);
    return { state: 'unreadable', header };
  }
  return { state: 'open', session, key };
}

/** A new login key, replacing any older one (whose session file is then junk). */
export async function newLoginKey(files: LoginFiles): Promise<Buffer> {
  const key = randomBytes(32);
  await writeFileAtomic(files.keyFile, key);
  return key;
}

/** Seals and writes the session atomically (fresh salt and nonce each time). */
export async function writeLogin(files: LoginFiles, session: StoredSession, key: Buffer): Promise<void> {
  await writeFileAtomic(files.sessionFile, sealSession(session, key));
}

/** Deletes both files; true when there was a session file. */
export async function clearLogin(files: LoginFiles): Promise<boolean> {
  const had = await removeFile(files.sessionFile);
  await removeFile(files.keyFile);
  return had;
}
