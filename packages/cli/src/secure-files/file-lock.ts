import { open, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliFailure } from './errors.js';
import { processIsAlive, removeFile } from './private-fs.js';

const RETRY_MS = 25;
const WAIT_MS = 5_000;

/**
 * Runs `work` holding `<file>.lock` (created with O_EXCL, holding our pid), so two
 * processes never write `file` at the same time. Held for the moment of a write, never
 * while waiting for a person. A lock left by a dead process (kill -9) is taken over.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  await acquire(lock);
  try {
    return await work();
  } finally {
    await removeFile(lock);
  }
}

async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
    if (Number.isInteger(holder) && holder > 0 && !processIsAlive(holder)) await removeFile(lock);
    else if (Date.now() > deadline) {
      throw new CliFailure(
        `${lock} is held by process ${holder || '?'}; if no gatehouse command is running, delete it`,
      );
    } else await sleep(RETRY_MS);
  }
}
