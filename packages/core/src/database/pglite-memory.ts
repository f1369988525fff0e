import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's memory, sized for an embedded auth database (thousands of users, not a data
 * warehouse). PostgreSQL's stock shared_buffers (128 MB) lives inside the WebAssembly
 * heap and is written through at start, so the whole pool was resident from the first
 * second; 16 MB holds every hot table and index of a small deployment, and the
 * operating system's file cache sits behind it (PGlite reads the data directory through
 * ordinary files). The other memory settings are allocated per use, not up front.
 */
export const PGLITE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  'shared_buffers=16MB',
];

/**
 * Creating a data directory runs initdb: PGlite starts a second PostgreSQL instance
 * and the initdb WebAssembly module beside the one it keeps, and compiles them, which
 * leaves ~400 MB behind in the process (the closed helper waits for a full garbage
 * collection, and the compilers' scratch memory stays in the allocator's arenas). The
 * first start therefore creates the directory in a short-lived child process and the
 * server opens the finished directory; a worker thread is not enough, since its freed
 * memory stays in this process's arenas.
 *
 * Returns false when the directory already existed. Throws when the child could not
 * create it (the caller falls back to creating it in-process).
 */
export async function createPgliteDataDirectory(path: string): Promise<boolean> {
  if (existsSync(join(path, 'PG_VERSION'))) return false;
  const script = [
    'const [module, path, params] = process.argv.slice(1);',
    'const { PGlite } = await import(module);',
    'const db = await PGlite.create(path, { startParams: JSON.parse(params) });',
    'await db.close();',
  ].join('\n');
  const module = import.meta.resolve('@electric-sql/pglite');
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      // Liftoff only: initdb runs once, so V8's optimising tier would cost more than it saves.
      [
        '--liftoff-only',
        '--input-type=module',
        '-e',
        script,
        module,
        path,
        JSON.stringify(PGLITE_START_PARAMS),
      ],
      { timeout: 120_000, maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) reject(new Error(`PGlite initdb in a child process failed: ${stderr || error.message}`));
        else resolve();
      },
    );
  });
  return true;
}
