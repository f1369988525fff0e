import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A fresh temp directory, removed when the test that made it finishes. (Registered per
 * test: a module-level afterEach would run for the first file only when one worker runs
 * several files, which the in-process tests do.)
 */
export async function tempDir(prefix = 'gh-totp-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp directory with the private subdirectories a GatehousePaths needs. */
export async function tempPaths() {
  const root = await tempDir();
  const runtimeBase = join(root, 'run');
  await mkdir(runtimeBase, { mode: 0o700 });
  return {
    root,
    paths: {
      dataDir: join(root, 'data'),
      stateDir: join(root, 'state'),
      runtimeDir: join(runtimeBase, 'gatehouse'),
      runtimeIsFallback: false,
    },
  };
}
