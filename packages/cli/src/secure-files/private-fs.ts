import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliFailure } from './errors.js';
import { currentUid } from './paths.js';

/**
 * The file rules for anything secret the CLI stores: directories 0700, files 0600, owned by
 * the user, and every write atomic (a temp file in the same directory, fsync, rename, fsync
 * of the directory), so a crash or a full disk leaves the old file or the new one, never a
 * mix. Permission bits are POSIX only; elsewhere the checks are skipped.
 */

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const POSIX = process.platform !== 'win32';

export interface PrivateDirOptions {
  /**
   * Refuse (rather than repair) a directory with loose permissions, and refuse a symlink.
   * For directories in shared places such as /tmp, where someone else may have made them.
   */
  strict?: boolean;
}

/** Creates `dir` (0700) if needed, then checks it is ours and private. */
export async function ensurePrivateDir(
  dir: string,
  { strict = false }: PrivateDirOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  if (!POSIX) return;
  // lstat in strict mode: a symlink planted in /tmp would otherwise be followed to its target.
  const info = strict ? await lstat(dir) : await stat(dir);
  if (!info.isDirectory())
    throw new CliFailure(`${dir} is not a directory (or is a symlink); refusing to use it.`);
  if (info.uid !== currentUid()) {
    throw new CliFailure(`${dir} belongs to uid ${info.uid}, not to you; refusing to use it.`);
  }
  if ((info.mode & 0o077) === 0) return;
  if (strict) {
    const mode = (info.mode & 0o777).toString(8);
    throw new CliFailure(
      `${dir} has mode ${mode}; refusing to use it (expected 700: remove it or chmod 700 it).`,
    );
  }
  await chmod(dir, PRIVATE_DIR);
}

export interface AtomicWriteOptions {
  /** Runs between the fsync of the temp file and the rename (a test hook: crash there). */
  beforeRename?: (tempFile: string) => Promise<void>;
}

/** Replaces `file` with `data` (mode 0600) atomically; the directory must exist. */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array,
  { beforeRename }: AtomicWriteOptions = {},
): Promise<void> {
  await removeStaleTempFiles(file);
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temp, 'wx', PRIVATE_FILE); // O_EXCL: never reuse someone's file
    try {
      await handle.chmod(PRIVATE_FILE); // the umask could only have narrowed it; make it exact
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await beforeRename?.(temp);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
}

/**
 * Reads a private file, or undefined when it does not exist. Loose permissions are repaired.
 * One handle for the check and the read: another process may replace or delete the path
 * at any moment (atomic writes, a concurrent lock), and this must see one file or none.
 */
export async function readPrivateFile(file: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    if (POSIX && ((await handle.stat()).mode & 0o077) !== 0) await handle.chmod(PRIVATE_FILE);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Deletes a file; true when there was one. */
export async function removeFile(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The rename is durable only once the directory entry is on disk too (Linux ext4/xfs). */
async function syncDirectory(dir: string): Promise<void> {
  if (!POSIX) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Temp files left by a writer that died before its rename (they hold a complete, encrypted
 * copy, so they are harmless, but they would pile up). Only those of processes that are
 * gone are removed: a concurrent writer's temp file is left alone.
 */
async function removeStaleTempFiles(file: string): Promise<void> {
  const prefix = `${basename(file)}.tmp-`;
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !processIsAlive(pid)) {
      await removeFile(join(dirname(file), name));
    }
  }
}

/** Whether a process exists (ours or, EPERM, someone else's). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, someone else's
  }
}
