import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A fresh temp directory, removed after the test. */
export async function tempDir(prefix = 'gh-totp-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
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

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
